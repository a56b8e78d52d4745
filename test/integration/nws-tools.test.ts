import type { Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNwsServer, type NwsServer } from '../helpers/nws-server.js';
import { connectClient, startTestServer, type TestServer } from '../helpers/server-harness.js';

describe('weather tools through MCP against a local NWS', () => {
  let nws: NwsServer;
  let t: TestServer;
  let client: Client;

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({ name, arguments: args });
    const [first] = result.content as { type: string; text: string }[];
    return { isError: result.isError === true, text: first?.text ?? '' };
  };

  beforeAll(async () => {
    nws = await startNwsServer();
    t = await startTestServer({ NWS_BASE_URL: nws.url, NWS_TIMEOUT_MS: '300', NWS_USER_AGENT: 'warden-test (ops@example.com)' }, { noAuth: true });
    client = await connectClient(t.server.url);
  });
  afterEach(() => {
    for (const key of Object.keys(nws.faults)) delete nws.faults[key as keyof typeof nws.faults];
  });
  afterAll(async () => {
    await client.close();
    await t.server.close();
    await nws.close();
  });

  it('get_alerts formats every alert readably', async () => {
    const { isError, text } = await call('get_alerts', { state: 'ca' });
    expect(isError).toBe(false);
    expect(text).toMatch(/^3 active alerts for CA:/);
    expect(text).toContain('Event: Wind Advisory\nArea: Los Angeles County Mountains; Santa Clarita Valley\nSeverity: Moderate\nHeadline: Wind Advisory issued');
    expect(text).toContain('Event: Red Flag Warning');
    expect(text).toContain('Instruction: none');
    expect(nws.requests.at(-1)?.userAgent).toBe('warden-test (ops@example.com)');
  });

  it('get_alerts says plainly when there are none', async () => {
    expect(await call('get_alerts', { state: 'WY' })).toEqual({ isError: false, text: 'No active weather alerts for WY.' });
  });

  it('get_forecast gives the next 5 periods', async () => {
    const { isError, text } = await call('get_forecast', { latitude: 40.7127, longitude: -74.006 });
    expect(isError).toBe(false);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Forecast for 40.7127, -74.006 (near Hoboken, NJ):');
    expect(lines.slice(2)).toHaveLength(5);
    expect(lines[2]).toBe('This Afternoon: 48°F, wind 8 mph NW, 5% chance of precipitation. Partly Sunny, with a high near 48. NW wind 8 mph.');
  });

  it('explains a point outside the US', async () => {
    const { isError, text } = await call('get_forecast', { latitude: 51.5074, longitude: -0.1278 });
    expect(isError).toBe(true);
    expect(text).toContain('HTTP 404');
    expect(text).toContain('NWS covers only the United States and its territories.');
  });

  it('turns NWS outages and timeouts into tool errors naming the cause', async () => {
    nws.faults.fail5xx = { status: 503, times: 2 };
    expect(await call('get_alerts', { state: 'CA' })).toEqual({
      isError: true,
      text: 'Could not get weather alerts for CA: NWS is unavailable (HTTP 503 after 2 attempts); try again later',
    });
    nws.faults.delayMs = 2000;
    const slow = await call('get_forecast', { latitude: 40.7127, longitude: -74.006 });
    expect(slow.isError).toBe(true);
    expect(slow.text).toContain('did not answer within 300 ms');
    expect(t.logger.events('nws failed').filter((r) => r.level === 'warn').map((r) => r.kind)).toEqual(['unavailable', 'timeout']);
  });

  it('reports malformed NWS data as a tool error', async () => {
    nws.faults.malformed = 'json';
    expect(await call('get_alerts', { state: 'CA' })).toEqual({
      isError: true,
      text: 'Could not get weather alerts for CA: NWS sent a response that is not valid JSON',
    });
  });
});
