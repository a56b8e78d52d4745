import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SdkHttpError, type Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, startTestServer, type TestServer } from '../helpers/server-harness.js';
import { API_APP_ID, CLIENT_APP_ID, startTokenMinter, TENANT_ID, TEST_CA_FILE, type TokenMinter } from '../helpers/token-minter.js';

const LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
const jsonRpcHeaders = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
const callTool = (name: string, args: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, arguments: args } });

describe('the HTTP surface with Entra-style auth', () => {
  let minter: TokenMinter;
  let t: TestServer;

  beforeAll(async () => {
    minter = await startTokenMinter();
    t = await startTestServer({
      ENTRA_TENANT_ID: TENANT_ID,
      ENTRA_API_AUDIENCE: API_APP_ID,
      ENTRA_AUTHORITY_HOST: minter.authorityHost,
      AUTH_TOOL_SCOPES: 'get_forecast=weather.read',
    });
  });
  afterAll(async () => {
    await t.server.close();
    await minter.close();
  });

  it('/healthz answers without a token', async () => {
    const res = await fetch(`${t.server.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('publishes RFC 9728 metadata at both well-known paths, naming where to sign in', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const res = await fetch(`${t.server.origin}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.json()).toEqual({
        resource: t.server.url,
        authorization_servers: [minter.issuer],
        scopes_supported: [`api://${API_APP_ID}/execute`, `api://${API_APP_ID}/weather.read`],
        bearer_methods_supported: ['header'],
        resource_name: 'Warden MCP server',
      });
    }
  });

  it('points the 401 challenge at a metadata document that exists', async () => {
    const res = await fetch(t.server.url, { method: 'POST', headers: jsonRpcHeaders, body: LIST });
    expect(res.status).toBe(401);
    const url = /resource_metadata="([^"]+)"/.exec(res.headers.get('www-authenticate') ?? '')?.[1];
    expect(url).toBe(`${t.server.origin}/.well-known/oauth-protected-resource/mcp`);
    expect((await fetch(url as string)).status).toBe(200);
  });

  it('serves the SDK client (2026-07-28 and 2025-06-18) with a valid token', async () => {
    const token = await minter.mint();
    for (const protocol of ['modern', '2025-06-18']) {
      const client = await connectClient(t.server.url, { token, protocol });
      const result = await client.callTool({ name: 'reverse', arguments: { text: 'token' } });
      expect(result.content).toEqual([{ type: 'text', text: 'nekot' }]);
      await client.close();
    }
  });

  it('refuses a tool whose extra scope the token lacks with 403 insufficient_scope naming it', async () => {
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { ...jsonRpcHeaders, Authorization: `Bearer ${await minter.mint()}` },
      body: callTool('get_forecast', { latitude: 40.7127, longitude: -74.006 }),
    });
    expect(res.status).toBe(403);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain(`scope="api://${API_APP_ID}/execute api://${API_APP_ID}/weather.read"`);
    expect(challenge).toContain('get_forecast needs scope weather.read');
    expect(challenge).toContain(`resource_metadata="${t.server.origin}/.well-known/oauth-protected-resource/mcp"`);

    const allowed = await fetch(t.server.url, {
      method: 'POST',
      headers: { ...jsonRpcHeaders, Authorization: `Bearer ${await minter.mint({ scp: 'execute weather.read' })}` },
      body: callTool('reverse', { text: 'ok' }),
    });
    expect(allowed.status).toBe(200);
  });

  it('the SDK client sees the per-tool refusal as an HTTP 403, other tools keep working', async () => {
    const client = await connectClient(t.server.url, { token: await minter.mint() });
    await expect(client.callTool({ name: 'get_forecast', arguments: { latitude: 1, longitude: 1 } })).rejects.toThrow(/insufficient_scope|403|scope/i);
    expect((await client.callTool({ name: 'reverse', arguments: { text: 'ab' } })).content).toEqual([{ type: 'text', text: 'ba' }]);
    await client.close();
  });

  it('rejects browser requests from foreign origins and DNS-rebinding Host headers', async () => {
    const token = await minter.mint();
    const headers = { ...jsonRpcHeaders, Authorization: `Bearer ${token}` };
    const foreign = await fetch(t.server.url, { method: 'POST', headers: { ...headers, Origin: 'https://evil.example' }, body: LIST });
    expect(foreign.status).toBe(403);
    const local = await fetch(t.server.url, { method: 'POST', headers: { ...headers, Origin: 'http://localhost:6274' }, body: LIST });
    expect(local.status).toBe(200);
    // fetch never sends a custom Host, so ask with node:http as a rebinding browser would arrive.
    const rebinding = await new Promise<number>((resolve, reject) => {
      const url = new URL(t.server.url);
      request({ host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers: { ...headers, Host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end(LIST);
    });
    expect(rebinding).toBe(403);
  });

  it('answers 413 to a body over 1 MiB', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'reverse', arguments: { text: 'x'.repeat(1_100_000) } } });
    const res = await fetch(t.server.url, { method: 'POST', headers: { ...jsonRpcHeaders, Authorization: `Bearer ${await minter.mint()}` }, body: big });
    expect(res.status).toBe(413);
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(`${t.server.origin}/nope`)).status).toBe(404);
  });
});

describe('public tools (AUTH_PUBLIC_TOOLS)', () => {
  let minter: TokenMinter;
  let t: TestServer;
  let client: Client;

  beforeAll(async () => {
    minter = await startTokenMinter({ typ: 'at+jwt' });
    t = await startTestServer({ AUTH_ISSUER: minter.issuer, AUTH_JWKS_URI: minter.jwksUri, AUTH_AUDIENCE: API_APP_ID, AUTH_PUBLIC_TOOLS: 'reverse' });
    client = await connectClient(t.server.url);
  });
  afterAll(async () => {
    await client.close();
    await t.server.close();
    await minter.close();
  });

  it('lets a client without a token connect, list and call the public tool', async () => {
    expect((await client.listTools()).tools).toHaveLength(3);
    expect((await client.callTool({ name: 'reverse', arguments: { text: 'open' } })).content).toEqual([{ type: 'text', text: 'nepo' }]);
  });

  it('answers 401 with the challenge for any other tool', async () => {
    const error = await client.callTool({ name: 'get_alerts', arguments: { state: 'CA' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkHttpError);
    expect((error as SdkHttpError).status).toBe(401);
    const res = await fetch(t.server.url, { method: 'POST', headers: jsonRpcHeaders, body: callTool('get_alerts', { state: 'CA' }) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer scope="execute", resource_metadata="${t.server.origin}/.well-known/oauth-protected-resource/mcp"`);
  });

  it('still refuses a bad token sent to a public tool', async () => {
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { ...jsonRpcHeaders, Authorization: `Bearer ${await minter.mint({ exp: 1 })}` },
      body: callTool('reverse', { text: 'x' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('reads RFC 9068 `scope` and `client_id` from a generic issuer’s tokens (no scp/azp there)', async () => {
    const token = await minter.mint({ scp: undefined, azp: undefined, scope: 'openid execute', client_id: 'generic-client' });
    const res = await fetch(t.server.url, { method: 'POST', headers: { ...jsonRpcHeaders, Authorization: `Bearer ${token}` }, body: callTool('reverse', { text: 'rfc' }) });
    expect(res.status).toBe(200);
    const without = await minter.mint({ scp: undefined, azp: undefined, scope: 'openid', client_id: 'generic-client' });
    const refused = await fetch(t.server.url, { method: 'POST', headers: { ...jsonRpcHeaders, Authorization: `Bearer ${without}` }, body: callTool('reverse', { text: 'rfc' }) });
    expect(refused.status).toBe(403);
  });

  it('publishes the generic issuer and plain scope names', async () => {
    const doc = (await (await fetch(`${t.server.origin}/.well-known/oauth-protected-resource`)).json()) as Record<string, unknown>;
    expect(doc.authorization_servers).toEqual([minter.issuer]);
    expect(doc.scopes_supported).toEqual(['execute']);
  });
});

describe('a generic issuer’s tokens must be access tokens (RFC 9068 typ at+jwt)', () => {
  let minter: TokenMinter;
  beforeAll(async () => {
    minter = await startTokenMinter({ typ: 'at+jwt' });
  });
  afterAll(async () => {
    await minter.close();
  });
  const env = () => ({ AUTH_ISSUER: minter.issuer, AUTH_JWKS_URI: minter.jwksUri, AUTH_AUDIENCE: `${API_APP_ID},${CLIENT_APP_ID}` });
  // An ID token the same issuer signed for the client, whose client id happens to be an accepted audience.
  const idToken = () => minter.mint({ aud: CLIENT_APP_ID, scp: undefined, azp: undefined, scope: 'execute', nonce: 'n-0S6_WzA2Mj' }, { header: { typ: 'JWT' } });
  const status = async (t: TestServer, token: string) => {
    const res = await fetch(t.server.url, { method: 'POST', headers: { ...jsonRpcHeaders, Authorization: `Bearer ${token}` }, body: LIST });
    return { status: res.status, challenge: res.headers.get('www-authenticate') };
  };

  it('refuses an ID token whose aud matches, and accepts at+jwt in either spelling', async () => {
    const t = await startTestServer(env());
    try {
      const refused = await status(t, await idToken());
      expect(refused.status).toBe(401);
      expect(refused.challenge).toContain('error_description="not an access token (typ is not at+jwt)"');
      expect((await status(t, await minter.mint({ scp: undefined, scope: 'execute' }))).status).toBe(200);
      expect((await status(t, await minter.mint({}, { header: { typ: 'application/at+jwt' } }))).status).toBe(200);
    } finally {
      await t.server.close();
    }
  });

  it('AUTH_REQUIRE_AT_JWT=false lets an issuer that does not set the typ through', async () => {
    const t = await startTestServer({ ...env(), AUTH_REQUIRE_AT_JWT: 'false' });
    try {
      expect((await status(t, await minter.mint({}, { header: { typ: 'JWT' } }))).status).toBe(200);
    } finally {
      await t.server.close();
    }
  });
});

describe('legacy sessions with auth', () => {
  it('binds a session to the token that opened it', async () => {
    const minter = await startTokenMinter({ typ: 'at+jwt' });
    const t = await startTestServer({ AUTH_ISSUER: minter.issuer, AUTH_JWKS_URI: minter.jwksUri, AUTH_AUDIENCE: API_APP_ID, MCP_LEGACY_SESSIONS: 'true' });
    try {
      const alice = `Bearer ${await minter.mint({ sub: 'alice' })}`;
      const mallory = `Bearer ${await minter.mint({ sub: 'mallory' })}`;
      const init = await fetch(t.server.url, {
        method: 'POST',
        headers: { ...jsonRpcHeaders, Authorization: alice },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
        }),
      });
      const session = init.headers.get('mcp-session-id');
      expect(session).toMatch(/^[0-9a-f-]{36}$/);
      await init.text();
      const list = (authorization: string) =>
        fetch(t.server.url, {
          method: 'POST',
          headers: { ...jsonRpcHeaders, Authorization: authorization, 'Mcp-Session-Id': session as string, 'MCP-Protocol-Version': '2025-06-18' },
          body: LIST,
        });
      expect((await list(mallory)).status).toBe(404);
      expect((await list(alice)).status).toBe(200);
    } finally {
      await t.server.close();
      await minter.close();
    }
  });
});

describe('legacy session quotas', () => {
  let minter: TokenMinter;
  let t: TestServer;
  const initialize = (authorization?: string) =>
    fetch(t.server.url, {
      method: 'POST',
      headers: { ...jsonRpcHeaders, ...(authorization && { Authorization: authorization }) },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      }),
    });
  const open = async (authorization?: string) => {
    const res = await initialize(authorization);
    await res.text();
    return { status: res.status, session: res.headers.get('mcp-session-id') };
  };

  beforeAll(async () => {
    minter = await startTokenMinter({ typ: 'at+jwt' });
    t = await startTestServer({ AUTH_ISSUER: minter.issuer, AUTH_JWKS_URI: minter.jwksUri, AUTH_AUDIENCE: API_APP_ID, MCP_LEGACY_SESSIONS: 'true', AUTH_PUBLIC_TOOLS: 'reverse' });
  });
  afterAll(async () => {
    await t.server.close();
    await minter.close();
  });

  it('anonymous callers share a small quota; a signed-in user still opens sessions, within a quota of their own', async () => {
    const anonymous = await Promise.all(Array.from({ length: 16 }, () => open()));
    expect(anonymous.every((a) => a.status === 200 && a.session !== null)).toBe(true);
    const refused = await initialize();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { message: 'too many sessions for callers without a token (at most 16); close one or try again later' } });

    const alice = `Bearer ${await minter.mint({ sub: 'alice' })}`;
    const bob = `Bearer ${await minter.mint({ sub: 'bob' })}`;
    const aliceSessions = await Promise.all(Array.from({ length: 16 }, () => open(alice)));
    expect(aliceSessions.every((a) => a.status === 200)).toBe(true);
    expect((await open(alice)).status).toBe(429);
    expect(await open(bob)).toMatchObject({ status: 200, session: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    // Closing a session frees its place in the quota.
    const closed = await fetch(t.server.url, {
      method: 'DELETE',
      headers: { ...jsonRpcHeaders, Authorization: alice, 'Mcp-Session-Id': aliceSessions[0]?.session as string, 'MCP-Protocol-Version': '2025-06-18' },
    });
    expect(closed.status).toBe(200);
    expect((await open(alice)).status).toBe(200);
  });
});

describe('key sources', () => {
  it('fetches the JWKS over HTTPS from a self-signed provider trusted through WARDEN_DEV_CA_FILE', async () => {
    const minter = await startTokenMinter({ https: true });
    const env = { ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost };
    const trusting = await startTestServer({ ...env, WARDEN_DEV_CA_FILE: TEST_CA_FILE });
    const untrusting = await startTestServer(env);
    try {
      const token = await minter.mint();
      const ask = (url: string) => fetch(url, { method: 'POST', headers: { ...jsonRpcHeaders, Authorization: `Bearer ${token}` }, body: LIST });
      expect((await ask(trusting.server.url)).status).toBe(200);
      expect((await ask(untrusting.server.url)).status).toBe(503);
      const refused = await untrusting.logger.waitFor((r) => r.event === 'auth refused');
      expect(String(refused.reason)).toMatch(/certificate|self.signed|fetch failed/i);
    } finally {
      await trusting.server.close();
      await untrusting.server.close();
      await minter.close();
    }
  });

  it('verifies with a static PEM public key (AUTH_PUBLIC_KEY_FILE)', async () => {
    const minter = await startTokenMinter({ typ: 'at+jwt' });
    const dir = mkdtempSync(join(tmpdir(), 'warden-pem-'));
    const pemFile = join(dir, 'key.pem');
    writeFileSync(pemFile, minter.current().publicPem);
    const t = await startTestServer({ AUTH_ISSUER: minter.issuer, AUTH_AUDIENCE: API_APP_ID, AUTH_PUBLIC_KEY_FILE: pemFile, AUTH_ALLOWED_CLIENT_IDS: CLIENT_APP_ID });
    try {
      const ask = async (token: string) => (await fetch(t.server.url, { method: 'POST', headers: { ...jsonRpcHeaders, Authorization: `Bearer ${token}` }, body: LIST })).status;
      expect(await ask(await minter.mint())).toBe(200);
      expect(await ask(await minter.mint({}, { key: await minter.newKey() }))).toBe(401);
      expect(minter.jwksRequests()).toBe(0);
    } finally {
      await t.server.close();
      await minter.close();
    }
  });
});
