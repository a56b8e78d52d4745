import type { Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNwsServer, type NwsServer } from '../helpers/nws-server.js';
import { connectClient, startTestServer, type TestServer } from '../helpers/server-harness.js';

const CONCURRENT = 20;
const NWS_TIMEOUT_MS = 1000;

describe('NWS failing under concurrent load: every call gets a tool error, the server keeps serving', () => {
  let nws: NwsServer;
  let t: TestServer;
  let client: Client;

  const weather = async (i: number): Promise<{ isError: boolean; text: string }> => {
    const result =
      i % 2 === 0
        ? await client.callTool({ name: 'get_alerts', arguments: { state: 'CA' } })
        : await client.callTool({ name: 'get_forecast', arguments: { latitude: 40.7127, longitude: -74.006 } });
    return { isError: result.isError === true, text: (result.content as { text: string }[])[0]?.text ?? '' };
  };
  const burst = () => Promise.all(Array.from({ length: CONCURRENT }, (_, i) => weather(i)));
  /** NWS trouble is logged as a warning naming its kind. */
  const warnedKinds = () =>
    new Set(
      t.logger
        .events('nws failed')
        .filter((r) => r.level === 'warn')
        .map((r) => r.kind),
    );

  /** After every fault no request has failed at the HTTP level, and the same server answers a healthy weather call and a reverse. */
  const expectHealthy = async (): Promise<void> => {
    expect(t.logger.events('request').filter((r) => r.status !== 200)).toEqual([]);
    expect(t.logger.events('request failed')).toEqual([]);
    for (const key of Object.keys(nws.faults)) delete nws.faults[key as keyof typeof nws.faults];
    expect(await weather(0)).toMatchObject({ isError: false, text: expect.stringMatching(/^3 active alerts for CA:/) });
    expect((await client.callTool({ name: 'reverse', arguments: { text: 'alive' } })).content).toEqual([{ type: 'text', text: 'evila' }]);
  };

  beforeAll(async () => {
    nws = await startNwsServer();
    t = await startTestServer({ NWS_BASE_URL: nws.url, NWS_TIMEOUT_MS: String(NWS_TIMEOUT_MS) }, { noAuth: true });
    client = await connectClient(t.server.url);
  });
  afterEach(expectHealthy);
  afterAll(async () => {
    await client.close();
    await t.server.close();
    await nws.close();
  });

  it(`${CONCURRENT} concurrent calls while NWS answers 500`, async () => {
    nws.faults.fail5xx = { status: 500, times: 1000 };
    const results = await burst();
    expect(results.every((r) => r.isError && r.text.includes('NWS is unavailable (HTTP 500 after 2 attempts)'))).toBe(true);
    expect(warnedKinds()).toContain('unavailable');
  });

  it(`${CONCURRENT} concurrent calls while NWS hangs time out, and a reverse finishes meanwhile`, async () => {
    nws.faults.delayMs = 60_000;
    const finished: string[] = [];
    const weatherCalls = burst().then((results) => (finished.push('weather'), results));
    const reverse = client.callTool({ name: 'reverse', arguments: { text: 'not blocked' } }).then((r) => (finished.push('reverse'), r));
    const [results, reversed] = await Promise.all([weatherCalls, reverse]);
    expect(reversed.content).toEqual([{ type: 'text', text: 'dekcolb ton' }]);
    expect(finished).toEqual(['reverse', 'weather']);
    expect(results.every((r) => r.isError && r.text.includes(`did not answer within ${NWS_TIMEOUT_MS / 1000} s`))).toBe(true);
    expect(warnedKinds()).toContain('timeout');
  });

  it(`${CONCURRENT} concurrent calls while NWS sends truncated JSON or an unexpected shape`, async () => {
    nws.faults.malformed = 'json';
    expect((await burst()).every((r) => r.isError && r.text.includes('not valid JSON'))).toBe(true);
    nws.faults.malformed = 'shape';
    expect((await burst()).every((r) => r.isError && /Could not get (weather alerts|the forecast)/.test(r.text))).toBe(true);
    expect(warnedKinds()).toContain('malformed');
  });
});
