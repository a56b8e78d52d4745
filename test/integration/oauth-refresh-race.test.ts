import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthAuthenticator } from '../../auth/oauth/authenticator.js';
import { OAuthTokenStore, oauthStorePath } from '../../auth/oauth/token-store.js';
import { waitForSignInPrompt, waitForStatus } from '../helpers/engine-status.js';
import { oauthEngine, startOidcProvider, startOidcResourceServer, type TestOidcProvider } from '../helpers/oidc-provider.js';
import type { TestServer } from '../helpers/server-harness.js';

/**
 * Refresh without races (issue 25) against oidc-provider, which rotates refresh tokens of public
 * clients and revokes the whole grant when a used one comes back: two processes refreshing the
 * same grant at once must both stay signed in, and a refresh token the authorization server refuses
 * ends in one sign-in that names the server, not a loop.
 */

const DIST = (path: string): string => JSON.stringify(fileURLToPath(new URL(`../../dist/auth/oauth/${path}`, import.meta.url)));
const REFRESHES = 50;

/** Waits for GO, then forces REFRESHES refreshes of the one stored grant; a sign-in it would need ends it with exit 1. */
const CHILD = `
  const { createOAuthAuthenticator } = await import(${DIST('authenticator.js')});
  const { OAuthTokenStore } = await import(${DIST('token-store.js')});
  const authenticator = createOAuthAuthenticator({ serverUrl: process.env.SERVER_URL, store: new OAuthTokenStore(process.env.STORE) });
  process.stdout.write('READY\\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  for (let i = 0; i < ${REFRESHES}; i += 1) {
    try {
      await authenticator.acquireTokenSilently({ forceRefresh: true });
    } catch (error) {
      process.stdout.write('FAILED ' + i + ' ' + error.name + ': ' + error.message + '\\n');
      process.exit(1);
    }
  }
  process.stdout.write('DONE\\n');
  process.stdin.destroy();
`;

function refreshingChild(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.includes('READY') && resolve());
    void exited.then(() => reject(new Error(`child exited before READY:\n${out}`)));
  });
  return { child, ready, exited, output: () => out };
}

let root: string;
let op: TestOidcProvider;
let mcp: TestServer;
let url: string;
let store: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-refresh-race-'));
  op = await startOidcProvider();
  ({ mcp, url } = await startOidcResourceServer(op));
  env = { WARDEN_TOKEN_CACHE: join(root, 'warden', 'token_cache.json') };
  store = oauthStorePath(env.WARDEN_TOKEN_CACHE ?? '');
});
afterAll(async () => {
  await mcp?.server.close();
  await op?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('one OAuth grant, refreshed by several processes at once (oidc-provider rotating refresh tokens)', () => {
  it(`two processes refreshing it ${REFRESHES} times each at once: no grant lost, no sign-in`, async () => {
    const authenticator = createOAuthAuthenticator({ serverUrl: url, store: new OAuthTokenStore(store) });
    await authenticator.signIn({ onDeviceCode: (prompt) => void op.approve(prompt.verificationUriComplete ?? '') });
    const before = op.tokenRequests().refresh_token ?? 0;

    const children = [0, 1].map(() => refreshingChild({ SERVER_URL: url, STORE: store }));
    try {
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.child.stdin.write('GO\n');
      expect(await Promise.all(children.map((c) => c.exited)), children.map((c) => c.output()).join('\n')).toEqual([0, 0]);
    } finally {
      for (const c of children) if (c.child.exitCode === null) c.child.kill();
    }
    for (const c of children) expect(c.output()).not.toMatch(/FAILED|sign-in required/);
    // A process that waited for the other's refresh uses the token it stored rather than redeeming again.
    const redemptions = (op.tokenRequests().refresh_token ?? 0) - before;
    expect(redemptions).toBeGreaterThanOrEqual(REFRESHES);
    expect(redemptions).toBeLessThanOrEqual(2 * REFRESHES);
    // The grant survived: its newest refresh token still works, and the server takes the token.
    const after = await authenticator.acquireTokenSilently({ forceRefresh: true });
    expect(after.scopes).toEqual(['execute']);
  }, 120_000);

  it('a refresh token the authorization server refuses: one sign-in that names the server, not a loop', async () => {
    const grants = new OAuthTokenStore(store);
    const found = await grants.grantForServer(url);
    const client = Object.values(JSON.parse(readFileSync(store, 'utf8')).clients as Record<string, { clientId: string }>)[0];
    // Someone else redeems the stored refresh token (it rotates away at the server); the access token has run out.
    const stolen = await fetch(`${op.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: found?.grant.refreshToken ?? '', client_id: client?.clientId ?? '', resource: url }),
    });
    expect(stolen.status).toBe(200);
    await grants.update((file) => {
      const grant = file.grants[found?.key ?? ''];
      if (grant) grant.expiresAt = 0;
    });
    const before = op.tokenRequests();

    const engine = oauthEngine(url, env);
    try {
      await engine.start();
      const status = await waitForStatus(engine, (s) => s.servers[0]?.connection.state === 'sign-in-needed');
      const connection = status.servers[0]?.connection;
      expect(connection?.state === 'sign-in-needed' && connection.reason).toMatch(
        new RegExp(`^not signed in: sign-in required for ${url.replace(/[/.]/g, '\\$&')}: 127\\.0\\.0\\.1:\\d+ refused the refresh token \\(invalid_grant`),
      );
      // One redemption of the refused token, however often the transport asked.
      expect((op.tokenRequests().refresh_token ?? 0) - (before.refresh_token ?? 0)).toBe(1);

      const signingIn = engine.signIn();
      const prompt = await waitForSignInPrompt(engine);
      await op.approve(prompt.verificationUriComplete ?? '');
      await signingIn;
      await waitForStatus(engine, (s) => s.servers[0]?.connection.state === 'connected');
      expect((await engine.runTurn('reverse once more')).text).toContain('"erom ecno"');
      expect(engine.getStatus().auth.state).not.toBe('signing-in');
      expect((op.tokenRequests().refresh_token ?? 0) - (before.refresh_token ?? 0)).toBe(1);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
