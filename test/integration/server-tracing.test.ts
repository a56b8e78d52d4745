import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '../../config/telemetry.js';
import { startNwsServer, type NwsServer } from '../helpers/nws-server.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
const toolCall = (name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args, _meta: { progressToken: 1, ...meta } } });

describe('server spans (OpenTelemetry, in-process exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry | undefined;
  let minter: TokenMinter;
  let nws: NwsServer;
  let t: TestServer;
  let token: string;
  const spans = (traceId: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const named = (list: ReadableSpan[], name: string) => list.find((s) => s.name === name);

  beforeAll(async () => {
    telemetry = await startTelemetry({ serviceName: 'warden-server-test', exporter });
    minter = await startTokenMinter();
    nws = await startNwsServer();
    t = await startTestServer({ ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost, NWS_BASE_URL: nws.url });
    token = await minter.mint();
  });
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await t.server.close();
    await nws.close();
    await minter.close();
    await telemetry?.shutdown();
  });

  it('continues the caller’s traceparent: request → token check → tool (progress events) → NWS, and logs the ids', async () => {
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { ...headers, Authorization: `Bearer ${token}`, traceparent: `00-${TRACE_ID}-${PARENT}-01` },
      body: toolCall('reverse', { text: 'traced' }),
    });
    expect(res.status).toBe(200);
    await res.text();
    await t.logger.waitFor((r) => r.event === 'request' && r.tool === 'reverse');
    const trace = spans(TRACE_ID);
    const request = named(trace, 'POST /mcp');
    const check = named(trace, 'verify token');
    const tool = named(trace, 'tools/call reverse');
    expect(request?.parentSpanContext?.spanId).toBe(PARENT);
    expect(request?.attributes).toMatchObject({ 'http.response.status_code': 200, 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'reverse' });
    expect(check?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(check?.attributes).toMatchObject({ 'warden.auth.result': 'ok' });
    expect(tool?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(tool?.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'reverse', 'warden.tool.outcome': 'ok' });
    expect(tool?.events.map((e) => e.attributes?.['mcp.progress'])).toEqual([1, 2, 3, 4, 5]);

    const line = t.logger.events('request').find((r) => r.tool === 'reverse');
    expect(line).toMatchObject({ trace_id: TRACE_ID, span_id: request?.spanContext().spanId });
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => [s.attributes, s.events]))).not.toContain(token.split('.')[2]);
  });

  it('records a refused token with its reason and never the token', async () => {
    const bad = await minter.mint({ exp: 1 });
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { ...headers, Authorization: `Bearer ${bad}`, traceparent: `00-${TRACE_ID}-${PARENT}-01` },
      body: toolCall('reverse', { text: 'x' }),
    });
    expect(res.status).toBe(401);
    await t.logger.waitFor((r) => r.event === 'request' && r.status === 401);
    const check = named(spans(TRACE_ID), 'verify token');
    expect(check?.attributes).toMatchObject({ 'warden.auth.result': 'refused', 'warden.auth.reason': 'token expired' });
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes))).not.toContain(bad.split('.')[2]);
  });

  it('takes the trace from the request’s _meta when the HTTP headers carry none, and traces the NWS request under the tool', async () => {
    const traceId = 'aaaabbbbccccddddeeeeffff00001111';
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { ...headers, Authorization: `Bearer ${token}` },
      body: toolCall('get_alerts', { state: 'CA' }, { traceparent: `00-${traceId}-${PARENT}-01` }),
    });
    expect(res.status).toBe(200);
    await res.text();
    await t.logger.waitFor((r) => r.event === 'request' && r.tool === 'get_alerts');
    const tool = named(spans(traceId), 'tools/call get_alerts');
    expect(tool?.parentSpanContext?.spanId).toBe(PARENT);
    const request = exporter.getFinishedSpans().find((s) => s.name === 'POST /mcp');
    expect(tool?.links.map((l) => l.context.spanId)).toEqual([request?.spanContext().spanId]);
    const upstream = spans(traceId).find((s) => s.name === 'GET' && s.parentSpanContext?.spanId === tool?.spanContext().spanId);
    expect(upstream?.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200, 'server.address': '127.0.0.1' });
  });
});
