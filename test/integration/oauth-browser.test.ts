import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthAuthenticator } from '../../auth/oauth/authenticator.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import { readPrivateFile } from '../../config/private-file.js';
import { browserClientKey, grantKey, OAuthTokenStore, oauthStorePath } from '../../auth/oauth/token-store.js';
import { haveChromium, launchChromium } from '../helpers/chromium.js';
import { oauthEngine, startOidcProvider, startOidcResourceServer, type TestOidcProvider } from '../helpers/oidc-provider.js';
import type { TestServer } from '../helpers/server-harness.js';
import { waitForSignInPrompt } from '../helpers/engine-status.js';

/**
 * The `oauth` kind against an authorization server without a device endpoint (oidc-provider with
 * the device flow off): authorization code + PKCE through the SDK, the link shown with the
 * provider's host and no user code, approved through the provider's real pages (headless
 * Chromium when installed, else its forms over HTTP), and the loopback redirect on 127.0.0.1
 * completing the sign-in; the token is for this server (RFC 8707) and refreshes with the client
 * registered for browser sign-ins.
 */

let root: string;
let op: TestOidcProvider;
let mcp: TestServer;
let url: string;
let browser: Browser | undefined;
/** The store's key of the grant for this server (issuer, resource, server). */
const ownGrant = (): string => grantKey({ issuer: op.issuer, resource: url, server: url });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-oauth-browser-'));
  op = await startOidcProvider({ deviceFlow: false });
  ({ mcp, url } = await startOidcResourceServer(op));
  if (haveChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await mcp?.server.close();
  await op?.close();
  rmSync(root, { recursive: true, force: true });
});

describe(`a server whose authorization server has no device endpoint: browser sign-in (${haveChromium ? 'headless Chromium' : 'HTTP form posts: no Chromium installed'})`, () => {
  const engines: AgentEngine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });
  const env = (): Record<string, string> => ({ WARDEN_TOKEN_CACHE: join(root, 'warden', 'token_cache.json') });
  const engineFor = (): AgentEngine => {
    const engine = oauthEngine(url, env());
    engines.push(engine);
    return engine;
  };

  it('shows the provider’s host and a link (no code); approving in the browser returns to the loopback and signs in', async () => {
    const e = engineFor();
    await e.start();
    expect(e.getStatus().servers[0]?.connection.state).toBe('sign-in-needed');

    const signingIn = e.signIn();
    const prompt = await waitForSignInPrompt(e);
    expect(prompt.authorityHost).toBe(new URL(op.issuer).host);
    expect(prompt.userCode).toBeUndefined();
    const link = new URL(prompt.verificationUri);
    expect(link.origin).toBe(op.issuer);
    expect(Object.fromEntries(link.searchParams)).toMatchObject({ response_type: 'code', code_challenge_method: 'S256', resource: url });
    expect(link.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    await op.approve(prompt.verificationUri, { browser });
    await signingIn;

    expect(e.getStatus().servers[0]).toMatchObject({ connection: { state: 'connected', toolCount: 3 }, auth: { state: 'signed-in', account: 'alice' } });
    expect((await e.runTurn('reverse in a browser')).text).toContain('"resworb a ni"');

    // 0600 store: the client registered for browser sign-ins, and a grant for this resource with a refresh token.
    const storePath = join(root, 'warden', 'oauth_tokens.json');
    expect(statSync(storePath).mode & 0o777).toBe(0o600);
    const store = JSON.parse((await readPrivateFile(storePath)) ?? '{}') as {
      clients: Record<string, unknown>;
      grants: Record<string, { accessToken: string; refreshToken?: string }>;
    };
    expect(Object.keys(store.clients)).toEqual([browserClientKey(op.issuer)]);
    const grant = store.grants[ownGrant()];
    expect(grant?.refreshToken).toBeTruthy();
    expect(decodeJwt(grant?.accessToken ?? '')).toMatchObject({ aud: url, scope: 'execute', iss: op.issuer });
  });

  it('a refresh goes to the token endpoint as the browser client and rotates the refresh token', async () => {
    const before = op.tokenRequests();
    const authenticator = createOAuthAuthenticator({ serverUrl: url, store: new OAuthTokenStore(oauthStorePath(env().WARDEN_TOKEN_CACHE ?? '')) });
    const refreshed = await authenticator.acquireTokenSilently({ forceRefresh: true });
    expect(refreshed.scopes).toEqual(['execute']);
    expect((op.tokenRequests().refresh_token ?? 0) - (before.refresh_token ?? 0)).toBe(1);
  });

  it('Esc (abort) while the link is open cancels the sign-in and frees the loopback port', async () => {
    const e = engineFor();
    const stop = new AbortController();
    await e.start();
    const signingIn = e.signIn(stop.signal);
    const prompt = await waitForSignInPrompt(e);
    const redirect = new URL(prompt.verificationUri).searchParams.get('redirect_uri') ?? '';
    stop.abort();
    await expect(signingIn).rejects.toThrow(/cancelled/);
    await expect(fetch(redirect)).rejects.toThrow();
  });
});
