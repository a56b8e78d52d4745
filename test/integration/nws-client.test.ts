import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNwsClient, type NwsClientOptions } from '../../mcp-server/nws/client.js';
import { NwsError } from '../../mcp-server/nws/errors.js';
import { startNwsServer, type NwsServer } from '../helpers/nws-server.js';

describe('NWS client against a local NWS-shaped server', () => {
  let nws: NwsServer;
  const client = (overrides: Partial<NwsClientOptions> = {}) =>
    createNwsClient({ baseUrl: nws.url, userAgent: 'warden-test (test@example.com)', timeoutMs: 2000, retryDelayMs: 0, ...overrides });
  const failure = async (promise: Promise<unknown>): Promise<NwsError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NwsError);
    return error as NwsError;
  };

  beforeAll(async () => {
    nws = await startNwsServer();
  });
  afterEach(() => {
    for (const key of Object.keys(nws.faults)) delete nws.faults[key as keyof typeof nws.faults];
    nws.requests.length = 0;
  });
  afterAll(async () => {
    await nws.close();
  });

  it('gets active alerts, sending User-Agent and Accept: application/geo+json', async () => {
    const alerts = await client().activeAlerts('CA');
    expect(alerts.map((a) => a.event)).toEqual(['Wind Advisory', 'Red Flag Warning', 'Beach Hazards Statement']);
    expect(nws.requests).toEqual([{ path: '/alerts/active?area=CA', userAgent: 'warden-test (test@example.com)', accept: 'application/geo+json' }]);
  });

  it('gets a forecast via /points and the forecast link it returns', async () => {
    const forecast = await client().forecast(40.71272, -74.00601);
    expect(forecast.place).toBe('Hoboken, NJ');
    expect(forecast.periods[0]?.name).toBe('This Afternoon');
    expect(nws.requests.map((r) => r.path)).toEqual(['/points/40.7127,-74.006', '/gridpoints/OKX/33,35/forecast']);
  });

  it('maps 404 (a point outside the US) to not-found with the NWS detail', async () => {
    const error = await failure(client().forecast(51.5074, -0.1278));
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain('Unable to provide data for requested point');
  });

  it('maps 400 (bad area) to bad-request with the NWS detail', async () => {
    const error = await failure(client().activeAlerts('XX'));
    expect(error.kind).toBe('bad-request');
    expect(error.message).toMatch(/HTTP 400.*Parameter "area" is invalid/);
  });

  it('retries a 5xx once and succeeds', async () => {
    nws.faults.fail5xx = { status: 503, times: 1 };
    expect(await client().activeAlerts('CA')).toHaveLength(3);
    expect(nws.requests).toHaveLength(2);
  });

  it('gives up after the one retry with a clear unavailable error', async () => {
    nws.faults.fail5xx = { status: 502, times: 2 };
    const error = await failure(client().activeAlerts('CA'));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toBe('NWS is unavailable (HTTP 502 after 2 attempts); try again later');
    expect(nws.requests).toHaveLength(2);
  });

  it('times out a slow answer', async () => {
    nws.faults.delayMs = 5000;
    const error = await failure(client({ timeoutMs: 100 }).activeAlerts('CA'));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('did not answer within 100 ms');
  });

  it('reports malformed JSON and an unexpected shape', async () => {
    nws.faults.malformed = 'json';
    expect((await failure(client().activeAlerts('CA'))).message).toBe('NWS sent a response that is not valid JSON');
    nws.faults.malformed = 'shape';
    const error = await failure(client().activeAlerts('CA'));
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('features');
  });

  it('follows redirects', async () => {
    nws.faults.redirect = true;
    expect((await client().forecast(40.7127, -74.006)).periods).toHaveLength(14);
    expect(nws.requests.map((r) => r.path)).toEqual([
      '/points/40.7127,-74.006',
      '/moved/points/40.7127,-74.006',
      '/gridpoints/OKX/33,35/forecast',
      '/moved/gridpoints/OKX/33,35/forecast',
    ]);
  });

  it('does not follow a forecast link to another host', async () => {
    const rewriting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const body = (await res.text()).replaceAll(nws.url, 'http://elsewhere.example');
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const error = await failure(client({ fetch: rewriting }).forecast(40.7127, -74.006));
    expect(error.message).toContain('another host (elsewhere.example)');
  });

  it('reports an unreachable NWS after retrying once', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(client({ baseUrl: `http://127.0.0.1:${port}` }).activeAlerts('CA'));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('stops when the caller aborts', async () => {
    nws.faults.delayMs = 5000;
    const controller = new AbortController();
    const pending = client().activeAlerts('CA', controller.signal);
    controller.abort();
    expect((await failure(pending)).kind).toBe('cancelled');
  });
});
