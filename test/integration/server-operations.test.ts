import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../mcp-server/config.js';
import { startNwsServer, type NwsServer } from '../helpers/nws-server.js';
import { connectClient, startTestServer, type TestServer } from '../helpers/server-harness.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

const jsonRpcHeaders = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
const call = (name: string, args: Record<string, unknown>, id = 1) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

/** One sample of the exposition: the value of `name{labels}` (labels in the order prom-client writes them). */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus metrics (METRICS_PORT)', () => {
  let minter: TokenMinter;
  let nws: NwsServer;
  let t: TestServer;
  let token: string;
  const scrape = async () => (await fetch(t.server.metricsUrl as string)).text();
  const post = (body: string, headers: Record<string, string> = {}) => fetch(t.server.url, { method: 'POST', headers: { ...jsonRpcHeaders, ...headers }, body });

  beforeAll(async () => {
    minter = await startTokenMinter();
    nws = await startNwsServer();
    t = await startTestServer({ ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost, NWS_BASE_URL: nws.url, METRICS_PORT: '0' });
    token = await minter.mint();
  });
  afterAll(async () => {
    await t.server.close();
    await nws.close();
    await minter.close();
  });

  it('counts calls, refusals, tool durations, JWKS fetches and NWS requests on a port of its own', async () => {
    const client = await connectClient(t.server.url, { token });
    const progress: number[] = [];
    await client.callTool({ name: 'reverse', arguments: { text: 'count me' } }, { onprogress: (p) => progress.push(p.progress) });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    await client.callTool({ name: 'get_alerts', arguments: { state: 'CA' } });
    await client.close();
    expect((await post(call('reverse', { text: 'x' }))).status).toBe(401);
    expect((await post(call('reverse', { text: 'x' }), { Authorization: `Bearer ${await minter.mint({ exp: 1 })}` })).status).toBe(401);
    // A caller's invented tool name is folded into `other`: no caller can add series.
    expect((await post(call('no_such_tool_0123', {}), { Authorization: `Bearer ${token}` })).status).toBe(200);

    const text = await scrape();
    expect(sample(text, 'warden_http_requests_total{method="tools/call",tool="reverse",status="200"}')).toBe(1);
    expect(sample(text, 'warden_http_requests_total{method="tools/call",tool="get_alerts",status="200"}')).toBe(1);
    expect(sample(text, 'warden_http_requests_total{method="tools/call",tool="other",status="200"}')).toBe(1);
    expect(sample(text, 'warden_auth_refusals_total{reason="no_token"}')).toBe(1);
    expect(sample(text, 'warden_auth_refusals_total{reason="invalid_token"}')).toBe(1);
    expect(sample(text, 'warden_tool_duration_seconds_count{tool="reverse",outcome="ok"}')).toBe(1);
    expect(sample(text, 'warden_jwks_fetches_total{outcome="ok"}')).toBe(1);
    expect(sample(text, 'warden_nws_request_duration_seconds_count{outcome="ok"}')).toBe(1);
    expect(sample(text, 'warden_sse_streams_active')).toBe(0);
    expect(sample(text, 'warden_rate_limited_total')).toBe(0);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).not.toContain('no_such_tool');
    expect(text).not.toContain(token.split('.')[2]);
  });

  it('serves nothing of it on the MCP port, and refuses to share that port', async () => {
    expect(new URL(t.server.metricsUrl as string).port).not.toBe(new URL(t.server.url).port);
    expect((await fetch(`${t.server.origin}/metrics`)).status).toBe(404);
    expect(() => loadServerConfig({ ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, MCP_PORT: '8123' }, { metricsPort: '8123' })).toThrow(
      'invalid --metrics-port: 8123 is the MCP port; metrics need a port of their own',
    );
  });

  it('is off unless a port is given', async () => {
    const plain = await startTestServer({}, { noAuth: true });
    try {
      expect(plain.server.metricsUrl).toBeUndefined();
    } finally {
      await plain.server.close();
    }
  });
});

describe('per-principal rate limit (RATE_LIMIT_PER_MINUTE)', () => {
  let minter: TokenMinter;
  let t: TestServer;
  let clock = Date.now();

  beforeAll(async () => {
    minter = await startTokenMinter();
    t = await startTestServer(
      {
        ENTRA_TENANT_ID: TENANT_ID,
        ENTRA_API_AUDIENCE: API_APP_ID,
        ENTRA_AUTHORITY_HOST: minter.authorityHost,
        AUTH_PUBLIC_TOOLS: 'reverse',
        RATE_LIMIT_PER_MINUTE: '3',
        METRICS_PORT: '0',
      },
      {},
      { now: () => clock },
    );
  });
  afterAll(async () => {
    await t.server.close();
    await minter.close();
  });
  const reverse = (authorization?: string) =>
    fetch(t.server.url, { method: 'POST', headers: { ...jsonRpcHeaders, ...(authorization && { Authorization: authorization }) }, body: call('reverse', { text: 'r' }) });

  it('answers 429 with Retry-After once a caller has used its calls, other callers unaffected, anonymous callers sharing one bucket', async () => {
    const alice = `Bearer ${await minter.mint({ sub: 'alice' })}`;
    const bob = `Bearer ${await minter.mint({ sub: 'bob' })}`;
    for (let i = 0; i < 3; i++) expect((await reverse(alice)).status).toBe(200);
    const limited = await reverse(alice);
    expect(limited.status).toBe(429);
    // A bucket of 3 per minute refills one call every 20 s.
    expect(limited.headers.get('retry-after')).toBe('20');
    expect(await limited.json()).toMatchObject({ error: { message: 'rate limit: at most 3 tool calls per minute for this caller; try again in 20 s' } });
    expect((await reverse(bob)).status).toBe(200);

    for (let i = 0; i < 3; i++) expect((await reverse()).status).toBe(200);
    const anonymous = await reverse();
    expect(anonymous.status).toBe(429);
    expect(await anonymous.json()).toMatchObject({ error: { message: expect.stringContaining('for callers without a token') } });

    // Listing is not a call: only tools/call counts.
    expect(
      (await fetch(t.server.url, { method: 'POST', headers: { ...jsonRpcHeaders, Authorization: alice }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) }))
        .status,
    ).toBe(200);
    clock += 20_000;
    expect((await reverse(alice)).status).toBe(200);
    expect((await reverse(alice)).status).toBe(429);

    const exposition = await (await fetch(t.server.metricsUrl as string)).text();
    expect(sample(exposition, 'warden_rate_limited_total')).toBe(3);
    expect(sample(exposition, 'warden_http_requests_total{method="tools/call",tool="reverse",status="429"}')).toBe(3);
  });
});

describe('draining (what SIGTERM does)', () => {
  it('fails readiness first while still serving, then refuses new connections, lets running calls finish, and stops', async () => {
    const t = await startTestServer({ REVERSE_STEP_MS: '100', MCP_DRAIN_DELAY_MS: '400', MCP_DRAIN_TIMEOUT_MS: '5000' }, { noAuth: true });
    const client: Client = await connectClient(t.server.url);
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const inFlight = client.callTool({ name: 'reverse', arguments: { text: 'in flight' } }, { onprogress: () => started() });
    await running;
    const drained = t.server.drain();
    expect((await fetch(`${t.server.origin}/healthz`)).status).toBe(503);
    // Still served while load balancers notice (a fresh connection, not the client's pooled one).
    const during = await fetch(t.server.url, { method: 'POST', headers: { ...jsonRpcHeaders, Connection: 'close' }, body: call('reverse', { text: 'late' }) });
    expect(during.status).toBe(200);
    await t.logger.waitFor((r) => r.event === 'request' && r.status === 200 && r.tool === 'reverse');
    expect((await inFlight).content).toEqual([{ type: 'text', text: 'thgilf ni' }]);
    await drained;
    await expect(fetch(`${t.server.origin}/healthz`)).rejects.toThrow();
    expect(t.logger.events('drain timed out')).toEqual([]);
    await client.close();
  });

  it('stops what still runs at the deadline, with a tool error that says the server is shutting down', async () => {
    const t = await startTestServer({ REVERSE_STEP_MS: '400', MCP_DRAIN_DELAY_MS: '0', MCP_DRAIN_TIMEOUT_MS: '300' }, { noAuth: true });
    const client = await connectClient(t.server.url);
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const inFlight = client.callTool({ name: 'reverse', arguments: { text: 'too long' } }, { onprogress: () => started() });
    await running;
    await t.server.drain();
    const result = await inFlight;
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toMatch(/^the server is shutting down: reverse stopped at step 2 of 5 without finishing; call it again$/);
    expect(t.logger.events('drain timed out')).toHaveLength(1);
    await client.close();
  });
});
