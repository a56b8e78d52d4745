import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import { OAuthTokenStore, oauthStorePath } from '../../auth/oauth/token-store.js';
import { waitForSignInPrompt } from '../helpers/engine-status.js';
import { startHostileServer } from '../helpers/hostile-server.js';
import { oauthEngine, startOidcProvider, startOidcResourceServer, type TestOidcProvider } from '../helpers/oidc-provider.js';
import type { TestServer } from '../helpers/server-harness.js';

/**
 * OAuth tokens belong to the server they were obtained for (issue 21 §3): a user is signed in to
 * server A (Warden's server trusting oidc-provider `op`); a hostile server B whose RFC 9728
 * metadata claims A's resource and names A's authorization server gets no token (RFC 9728 §3.3),
 * so it has nothing to replay against A. Two endpoints of one hostile origin that both claim the
 * origin as their resource, signed in through a second authorization server (`op2`), each need
 * their own grant: a grant is keyed by issuer, resource and the server it was obtained for.
 */

let root: string;
let op: TestOidcProvider;
let op2: TestOidcProvider;
let a: { mcp: TestServer; url: string };
const engines: AgentEngine[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-oauth-binding-'));
  env = { WARDEN_TOKEN_CACHE: join(root, 'warden', 'token_cache.json') };
  [op, op2] = await Promise.all([startOidcProvider(), startOidcProvider()]);
  a = await startOidcResourceServer(op);
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await Promise.all([a?.mcp.server.close(), op?.close(), op2?.close()]);
  rmSync(root, { recursive: true, force: true });
});

function engineFor(url: string): AgentEngine {
  const engine = oauthEngine(url, env);
  engines.push(engine);
  return engine;
}

/** Signs `engine`'s one server in through `provider`'s device flow (its own pages, as form posts). */
async function signIn(engine: AgentEngine, provider: TestOidcProvider): Promise<void> {
  const signingIn = engine.signIn();
  const prompt = await waitForSignInPrompt(engine);
  await provider.approve(prompt.verificationUriComplete ?? '');
  await signingIn;
}

/** Whether A accepts `token` (a replay): an MCP initialize with it as the bearer. */
async function aAccepts(token: string): Promise<boolean> {
  const response = await fetch(a.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'replay', version: '1' } },
    }),
  });
  await response.arrayBuffer();
  return response.ok;
}

describe('OAuth grants are bound to their server', () => {
  it("a server claiming A's resource and A's authorization server gets no token: refused with the RFC 9728 reason, nothing to replay", async () => {
    const signedIn = engineFor(a.url);
    await signedIn.start();
    await signIn(signedIn, op);
    expect(signedIn.getStatus().servers[0]?.connection.state).toBe('connected');

    const b = await startHostileServer({ oauth: { resource: () => a.url, authorizationServer: op.issuer } });
    try {
      const e = engineFor(b.url);
      await e.start();
      // What B was sent, replayed against A: nothing to replay, so nothing gets in.
      const replayed = await Promise.all(b.tokens.map((t) => aAccepts(t.token)));
      expect(replayed).toEqual([]);
      const server = e.getStatus().servers[0];
      expect(server?.connection.state).not.toBe('connected');
      expect(server?.auth.state === 'error' && server.auth.error).toContain(`the server's sign-in metadata describes ${a.url}, not ${b.url}`);
      // An explicit sign-in is refused the same way, before any authorization server is asked.
      const before = op.tokenRequests();
      await expect(e.signIn()).rejects.toThrow(/RFC 9728/);
      expect(op.tokenRequests()).toEqual(before);
      expect(b.tokens).toEqual([]);
    } finally {
      await b.close();
    }
    // The replay the attack was after: what B was sent (nothing) cannot get into A, while A's own grant still works.
    const grant = await new OAuthTokenStore(oauthStorePath(env.WARDEN_TOKEN_CACHE ?? '')).grantForServer(a.url);
    expect(await aAccepts(grant?.grant.accessToken ?? '')).toBe(true);
  });

  it('two endpoints naming the same resource (their origin) through a second authorization server: each gets only its own grant', async () => {
    const h = await startHostileServer({ oauth: { resource: (endpoint) => `${new URL(endpoint).origin}/`, authorizationServer: op2.issuer } });
    op2.setResource(`${new URL(h.url).origin}/`);
    const one = h.url.replace(/\/mcp$/, '/one/mcp');
    const two = h.url.replace(/\/mcp$/, '/two/mcp');
    try {
      const first = engineFor(one);
      await first.start();
      await signIn(first, op2);
      expect(first.getStatus().servers[0]?.connection.state).toBe('connected');
      const firstTokens = new Set(h.tokens.map((t) => t.token));
      expect(h.tokens.every((t) => t.endpoint === one)).toBe(true);

      const second = engineFor(two);
      await second.start();
      // Not signed in there: no token of /one goes to /two.
      expect(second.getStatus().servers[0]?.connection.state).toBe('sign-in-needed');
      expect(h.tokens.filter((t) => t.endpoint === two)).toEqual([]);
      await signIn(second, op2);
      const secondTokens = h.tokens.filter((t) => t.endpoint === two).map((t) => t.token);
      expect(secondTokens.length).toBeGreaterThan(0);
      expect(secondTokens.some((t) => firstTokens.has(t))).toBe(false);
      // A's grant (from op) was never offered to op2's endpoints.
      const aToken = (await new OAuthTokenStore(oauthStorePath(env.WARDEN_TOKEN_CACHE ?? '')).grantForServer(a.url))?.grant.accessToken;
      expect(h.tokens.some((t) => t.token === aToken)).toBe(false);
    } finally {
      await h.close();
    }
  });
});

describe('RFC 9207: the authorization response names its issuer', () => {
  it('a browser sign-in whose redirect carries another issuer is refused and stores nothing', async () => {
    const browserOp = await startOidcProvider({ deviceFlow: false });
    const server = await startOidcResourceServer(browserOp);
    const mixUp = { ...env, WARDEN_TOKEN_CACHE: join(root, 'mix-up', 'token_cache.json') };
    const e = oauthEngine(server.url, mixUp);
    engines.push(e);
    try {
      await e.start();
      const signingIn = e.signIn();
      // Watched from the start: the refusal can come while the browser is still being answered.
      const refused = expect(signingIn).rejects.toThrow(/issuer|iss/i);
      const prompt = await waitForSignInPrompt(e);
      // The provider's answer reaches the loopback redirect claiming to come from op (a mix-up).
      await browserOp.approve(prompt.verificationUri, { redirect: (url) => (url.searchParams.set('iss', op.issuer), url) });
      await refused;
      expect(await new OAuthTokenStore(oauthStorePath(mixUp.WARDEN_TOKEN_CACHE)).grantForServer(server.url)).toBeUndefined();
    } finally {
      await server.mcp.server.close();
      await browserOp.close();
    }
  });
});
