import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthAuthenticator } from '../../auth/oauth/authenticator.js';
import { grantKey, OAuthTokenStore, oauthStorePath } from '../../auth/oauth/token-store.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import { readPrivateFile } from '../../config/private-file.js';
import { haveChromium, launchChromium } from '../helpers/chromium.js';
import { oauthEngine, startOidcProvider, startOidcResourceServer, type TestOidcProvider } from '../helpers/oidc-provider.js';
import type { TestServer } from '../helpers/server-harness.js';
import { waitForSignInPrompt } from '../helpers/engine-status.js';

/**
 * The `oauth` sign-in kind against a real generic authorization server (oidc-provider): RFC 9728
 * → OpenID metadata, dynamic client registration, the device authorization grant approved through
 * the provider's own pages (in headless Chromium when installed, else as HTTP form posts), an RFC 8707 resource, refresh tokens in the 0600 store, and Warden's
 * server in generic OIDC mode reading RFC 9068 claims.
 */

let root: string;
let op: TestOidcProvider;
let mcp: TestServer;
let url: string;
let browser: Browser | undefined;
/** The store's key of the grant for this server (issuer, resource, server). */
const ownGrant = (): string => grantKey({ issuer: op.issuer, resource: url, server: url });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-oauth-'));
  op = await startOidcProvider();
  ({ mcp, url } = await startOidcResourceServer(op));
  if (haveChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await mcp?.server.close();
  await op?.close();
  rmSync(root, { recursive: true, force: true });
});

describe(`a server protected by a generic OAuth authorization server (auth kind oauth; approved in ${haveChromium ? 'headless Chromium' : 'HTTP form posts: no Chromium installed'})`, () => {
  const engines: AgentEngine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });
  let env: Record<string, string>;
  beforeAll(() => {
    env = { WARDEN_TOKEN_CACHE: join(root, 'warden', 'token_cache.json') };
  });
  const engineFor = (): AgentEngine => {
    const engine = oauthEngine(url, env);
    engines.push(engine);
    return engine;
  };

  it('registers a client, signs in with the device grant through the provider’s pages, and calls the tool', async () => {
    const e = engineFor();
    await e.start();
    expect(e.getStatus().servers[0]?.connection.state).toBe('sign-in-needed');

    const signingIn = e.signIn();
    const prompt = await waitForSignInPrompt(e);
    expect(prompt?.authorityHost).toBe(new URL(op.issuer).host);
    expect(prompt?.verificationUri).toBe(`${op.issuer}/device`);
    await op.approve(prompt?.verificationUriComplete ?? '', { browser });
    await signingIn;

    expect(e.getStatus().servers[0]).toMatchObject({ connection: { state: 'connected', toolCount: 3 }, auth: { state: 'signed-in', account: 'alice' } });
    const turn = await e.runTurn('reverse over oauth');
    expect(turn.text).toContain('"htuao revo"');

    // The store: 0600, the registered client and the grant for this resource; its token is for this server (RFC 8707).
    const storePath = join(root, 'warden', 'oauth_tokens.json');
    expect(statSync(storePath).mode & 0o777).toBe(0o600);
    const store = JSON.parse((await readPrivateFile(storePath)) ?? '{}') as {
      clients: Record<string, unknown>;
      grants: Record<string, { accessToken: string; refreshToken?: string }>;
    };
    expect(Object.keys(store.clients)).toEqual([op.issuer]);
    const grant = store.grants[ownGrant()];
    expect(grant?.refreshToken).toBeTruthy();
    expect(decodeJwt(grant?.accessToken ?? '')).toMatchObject({ aud: url, scope: 'execute', iss: op.issuer });
  });

  it('a new process uses the stored token without asking the provider; a refresh rotates the refresh token and saves it; a revoked one means sign in again', async () => {
    const before = op.tokenRequests();
    const e = engineFor();
    await e.start();
    expect(e.getStatus().servers[0]?.connection.state).toBe('connected');
    expect(op.tokenRequests()).toEqual(before);

    // The server stops trusting the stored access token: one refresh, then the call runs.
    const storePath = join(root, 'warden', 'oauth_tokens.json');
    const previous = JSON.parse((await readPrivateFile(storePath)) ?? '{}') as { grants: Record<string, { refreshToken?: string }> };
    const authenticator = createOAuthAuthenticator({ serverUrl: url, store: new OAuthTokenStore(oauthStorePath(env.WARDEN_TOKEN_CACHE ?? '')) });
    const refreshed = await authenticator.acquireTokenSilently({ forceRefresh: true });
    expect(refreshed.scopes).toEqual(['execute']);
    expect((op.tokenRequests().refresh_token ?? 0) - (before.refresh_token ?? 0)).toBe(1);
    const after = JSON.parse((await readPrivateFile(storePath)) ?? '{}') as { grants: Record<string, { refreshToken?: string }> };
    expect(after.grants[ownGrant()]?.refreshToken).not.toBe(previous.grants[ownGrant()]?.refreshToken);
    expect((await e.runTurn('reverse still')).text).toContain('"llits"');

    // The old refresh token was rotated away: redeeming it is invalid_grant, which means "sign in again".
    const stale = previous.grants[ownGrant()]?.refreshToken ?? '';
    await new OAuthTokenStore(storePath).update((file) => {
      const grant = file.grants[ownGrant()];
      if (grant) file.grants[ownGrant()] = { ...grant, refreshToken: stale };
    });
    await expect(authenticator.acquireTokenSilently({ forceRefresh: true })).rejects.toThrow(/sign-in required/);
  });
});
