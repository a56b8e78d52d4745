import type { Client } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_SECRET, startInternalService, startNwsServer, type InternalService, type NwsServer } from '../helpers/nws-server.js';
import { connectClient, startTestServer, type TestServer } from '../helpers/server-harness.js';

describe('weather tools through MCP against a local NWS', () => {
  let nws: NwsServer;
  let t: TestServer;
  let client: Client;
  let internal: InternalService;

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({ name, arguments: args });
    const [first] = result.content as { type: string; text: string }[];
    return { isError: result.isError === true, text: first?.text ?? '' };
  };

  beforeAll(async () => {
    nws = await startNwsServer();
    internal = await startInternalService();
    t = await startTestServer({ NWS_BASE_URL: nws.url, NWS_TIMEOUT_MS: '300', NWS_USER_AGENT: 'warden-test (ops@example.com)' }, { noAuth: true });
    client = await connectClient(t.server.url);
  });
  afterEach(() => {
    for (const key of Object.keys(nws.faults)) delete nws.faults[key as keyof typeof nws.faults];
    nws.requests.length = 0;
    internal.requests.length = 0;
  });
  afterAll(async () => {
    await client.close();
    await t.server.close();
    await nws.close();
    await internal.close();
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
    expect(
      t.logger
        .events('nws failed')
        .filter((r) => r.level === 'warn')
        .map((r) => r.kind),
    ).toEqual(['unavailable', 'timeout']);
  });

  it('reports malformed NWS data as a tool error', async () => {
    nws.faults.malformed = 'json';
    expect(await call('get_alerts', { state: 'CA' })).toEqual({
      isError: true,
      text: 'Could not get weather alerts for CA: NWS sent a response that is not valid JSON',
    });
  });

  describe('redirects stay on the NWS origin', () => {
    const nwsHost = (): string => new URL(nws.url).host;
    const expectRefused = (result: { isError: boolean; text: string }): void => {
      expect(result.isError).toBe(true);
      expect(result.text).toContain(`NWS (${nwsHost()}) redirected the request away from ${nwsHost()}`);
      expect(result.text).not.toContain(INTERNAL_SECRET);
      expect(result.text).not.toContain(new URL(internal.url).host);
      expect(internal.requests).toEqual([]);
    };

    it('refuses /points redirecting to an internal service and shows nothing of its answer', async () => {
      nws.faults.redirects = { '/points/40.7127,-74.006': `${internal.url}/missing` };
      expectRefused(await call('get_forecast', { latitude: 40.7127, longitude: -74.006 }));
    });

    it('refuses a same-origin forecast link that redirects to an internal service', async () => {
      nws.faults.redirects = { '/gridpoints/OKX/33,35/forecast': `${internal.url}/ok/forecast` };
      expectRefused(await call('get_forecast', { latitude: 40.7127, longitude: -74.006 }));
      expect(nws.requests.map((r) => r.path)).toEqual(['/points/40.7127,-74.006', '/gridpoints/OKX/33,35/forecast']);
    });

    it('refuses an alerts redirect to an internal service', async () => {
      nws.faults.redirects = { '/alerts/active': `${internal.url}/ok/alerts` };
      expectRefused(await call('get_alerts', { state: 'CA' }));
    });

    it('follows a redirect that stays on the NWS host (as NWS does to a rounded point)', async () => {
      nws.faults.redirects = { '/points/40.7127,-74.006': `${nws.url}/moved/points/40.7127,-74.006` };
      const { isError, text } = await call('get_forecast', { latitude: 40.7127, longitude: -74.006 });
      expect(isError).toBe(false);
      expect(text).toMatch(/^Forecast for 40.7127, -74.006 \(near Hoboken, NJ\):/);
    });

    it('gives up on a redirect loop after 3 hops', async () => {
      nws.faults.redirects = { '/gridpoints/OKX/33,35/forecast': '/loop/a', '/loop/a': '/loop/b', '/loop/b': '/loop/a' };
      const { isError, text } = await call('get_forecast', { latitude: 40.7127, longitude: -74.006 });
      expect(isError).toBe(true);
      expect(text).toContain(`NWS (${nwsHost()}) redirected the request more than 3 times`);
      expect(nws.requests.map((r) => r.path)).toEqual(['/points/40.7127,-74.006', '/gridpoints/OKX/33,35/forecast', '/loop/a', '/loop/b', '/loop/a']);
    });
  });

  it('passes no terminal control characters from NWS into tool results', async () => {
    nws.faults.hostileText = ' \u001b]0;owned\u0007\u001b]52;c;Zm9v\u001b\\\u001b[2J\u001b[1A\u0007\u0008\u009b31m\r[reverse#1] forged';
    const controls = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
    const alerts = await call('get_alerts', { state: 'CA' });
    const forecast = await call('get_forecast', { latitude: 40.7127, longitude: -74.006 });
    for (const { isError, text } of [alerts, forecast]) {
      expect(isError).toBe(false);
      expect(text).not.toMatch(controls);
      expect(text).toContain('forged');
      // A CR inside a field cannot start a line of its own.
      expect(text.split('\n').some((line) => line.startsWith('[reverse#1]'))).toBe(false);
    }
    expect(alerts.text).toContain('\nSeverity: Moderate\n');
    expect(forecast.text.split('\n')).toHaveLength(7);

    const failure = await call('get_forecast', { latitude: 51.5074, longitude: -0.1278 });
    expect(failure.isError).toBe(true);
    expect(failure.text).toContain('Unable to provide data for requested point');
    expect(failure.text).toContain('forged');
    expect(failure.text).not.toMatch(controls);
    expect(failure.text).not.toContain('\n');
  });
});
