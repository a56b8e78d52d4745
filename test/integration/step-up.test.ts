import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { envSignIns } from '../helpers/sign-ins.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';
import { waitForSignInPrompt } from '../helpers/engine-status.js';
import { devIdpServerEnv } from '../../agent/demo-stack/stack.js';

/**
 * Step-up with an Entra claims challenge (issue 13): the server demands an authentication context
 * per tool (AUTH_TOOL_ACRS), answers a token without it with 401 insufficient_claims, the agent
 * gets a token for those claims (MSAL `claims`) and the dev identity provider adds `acrs`.
 */

const rpc = (id: number, method: string, params: Record<string, unknown> = {}): string => JSON.stringify({ jsonrpc: '2.0', id, method, params });
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };

describe('the server demands an authentication context per tool (AUTH_TOOL_ACRS)', () => {
  let minter: TokenMinter;
  let server: TestServer;
  beforeAll(async () => {
    minter = await startTokenMinter();
    server = await startTestServer({
      ENTRA_TENANT_ID: TENANT_ID,
      ENTRA_API_AUDIENCE: API_APP_ID,
      ENTRA_AUTHORITY_HOST: minter.authorityHost,
      AUTH_TOOL_ACRS: 'reverse=c1',
      REVERSE_STEP_MS: '0',
    });
  });
  afterAll(async () => {
    await server?.server.close();
    await minter?.close();
  });

  const call = async (token: string, tool: string) =>
    fetch(server.server.url, { method: 'POST', headers: { ...HEADERS, authorization: `Bearer ${token}` }, body: rpc(1, 'tools/call', { name: tool, arguments: { text: 'hi' } }) });

  it('answers a call without the context with 401 insufficient_claims and the claims to request; with it, the call runs', async () => {
    const plain = await call(await minter.mint(), 'reverse');
    expect(plain.status).toBe(401);
    const challenge = plain.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer error="insufficient_claims", error_description="reverse needs authentication context c1", claims="[A-Za-z0-9+/=]+", resource_metadata="/);
    const claims = Buffer.from(/claims="([^"]+)"/.exec(challenge)?.[1] ?? '', 'base64').toString('utf8');
    expect(JSON.parse(claims)).toEqual({ access_token: { acrs: { essential: true, value: 'c1' } } });

    expect((await call(await minter.mint({ acrs: ['c1'] }), 'reverse')).status).toBe(200);
    // Listing needs no context, nor do other tools.
    const list = await fetch(server.server.url, { method: 'POST', headers: { ...HEADERS, authorization: `Bearer ${await minter.mint()}` }, body: rpc(2, 'tools/list') });
    expect(list.status).toBe(200);
  });
});

describe('step-up end to end: Warden server, dev identity provider, the agent with real MSAL', () => {
  let root: string;
  let idp: RunningDevIdp;
  let mcp: TestServer;
  let engine: AgentEngine | undefined;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'warden-step-up-'));
    idp = await startDevIdp({ port: 0, dataDir: join(root, 'idp'), pollIntervalSeconds: 0 });
    mcp = await startTestServer({ ...devIdpServerEnv(idp), AUTH_TOOL_ACRS: 'reverse=c1', REVERSE_STEP_MS: '0' });
  });
  afterAll(async () => {
    await engine?.close();
    await mcp?.server.close();
    await idp?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('the call that needs c1 gets one token with acrs c1 silently, then runs; later calls reuse it', async () => {
    const loginEnv = { ENTRA_CLIENT_ID: idp.clientId, WARDEN_DEV_CA_FILE: idp.caFile, WARDEN_TOKEN_CACHE: join(root, 'agent', 'token_cache.json') };
    const e = createAgentEngine(loadAgentConfig({ MCP_SERVER_URL: mcp.server.url }), { signIns: envSignIns(loginEnv, { approveRun: true }) });
    engine = e;
    await e.start();
    const signingIn = e.signIn();
    await idp.approve((await waitForSignInPrompt(e)).userCode ?? '');
    await signingIn;
    expect(e.getStatus().connection.state).toBe('connected');

    const before = idp.stats().tokenRequests;
    const turn = await e.runTurn('reverse step up');
    expect(e.registry.get(turn.callIds[0]!)?.status).toBe('done');
    expect(turn.text).toContain('"pu pets"');
    // One refresh-token redemption carrying the claims; no device code.
    expect(idp.stats().tokenRequests - before).toBe(1);
    expect(idp.stats().deviceCodeRequests).toBe(1);

    const again = await e.runTurn('reverse again');
    expect(again.text).toContain('"niaga"');
    expect(idp.stats().tokenRequests - before).toBe(1);
    expect(e.getStatus().auth).toMatchObject({ state: 'signed-in' });
  });
});
