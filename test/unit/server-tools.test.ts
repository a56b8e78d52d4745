import { describe, expect, it } from 'vitest';
import { isOpenRequest, parseBody, peekMessages } from '../../mcp-server/access.js';
import { pointPath } from '../../mcp-server/nws/client.js';
import { formatAlerts, formatForecast } from '../../mcp-server/nws/format.js';
import { graphemes, reverseGraphemes } from '../../mcp-server/tools/reverse.js';

describe('reverseGraphemes', () => {
  it.each([
    ['hello', 'olleh'],
    ['', ''],
    ['e\u0301a', 'ae\u0301'],
    ['👨‍👩‍👧 and 🏳️‍🌈', '🏳️‍🌈 dna 👨‍👩‍👧'],
    ['🇩🇪🇫🇷', '🇫🇷🇩🇪'],
    ['👋🏿!', '!👋🏿'],
  ])('%j → %j', (input, expected) => {
    expect(reverseGraphemes(graphemes(input))).toBe(expected);
  });
});

describe('access policy for public tools', () => {
  const peek = (body: unknown) => peekMessages(parseBody(Buffer.from(JSON.stringify(body)))?.json);

  it('reads method and tool name from a message or a batch', () => {
    expect(peek({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'reverse' } })).toEqual([{ method: 'tools/call', tool: 'reverse' }]);
    expect(peek([{ method: 'ping' }, { result: {} }])).toEqual([{ method: 'ping' }, {}]);
    expect(parseBody(Buffer.from('{not json'))).toBeUndefined();
    expect(parseBody(Buffer.from('\uFEFF{"method":"ping"}'))).toEqual({ json: { method: 'ping' } });
    expect(peek([])).toBeUndefined();
  });

  it('opens discovery and the public tools only', () => {
    const open = (body: unknown) => isOpenRequest(peek(body), ['reverse']);
    expect(open({ method: 'initialize' })).toBe(true);
    expect(open({ method: 'server/discover' })).toBe(true);
    expect(open({ method: 'notifications/initialized' })).toBe(true);
    expect(open({ method: 'tools/list' })).toBe(true);
    expect(open({ method: 'tools/call', params: { name: 'reverse' } })).toBe(true);
    expect(open({ method: 'tools/call', params: { name: 'get_alerts' } })).toBe(false);
    expect(open([{ method: 'tools/list' }, { method: 'tools/call', params: { name: 'get_alerts' } }])).toBe(false);
    expect(open({ method: 'resources/read' })).toBe(false);
    expect(isOpenRequest(peek({ method: 'tools/list' }), [])).toBe(false);
  });
});

describe('NWS formatting', () => {
  it('rounds points to the 4 decimals NWS serves without a redirect', () => {
    expect(pointPath(40.712776, -74.005974)).toBe('/points/40.7128,-74.006');
    expect(pointPath(39, -105.5)).toBe('/points/39,-105.5');
  });

  it('joins wrapped alert text and fills missing fields', () => {
    const text = formatAlerts('TX', [{ event: 'Heat Advisory', description: 'Hot\nand humid.\n\nStay cool.', instruction: null, areaDesc: null, severity: null, headline: null }]);
    expect(text).toBe(
      '1 active alert for TX:\n\nEvent: Heat Advisory\nArea: not given\nSeverity: Unknown\nHeadline: none\nDescription: Hot and humid.\nStay cool.\nInstruction: none',
    );
  });

  it('formats forecast periods without optional fields', () => {
    expect(formatForecast(1, 2, { periods: [{ name: 'Tonight', temperature: null, shortForecast: 'Clear' }] })).toBe('Forecast for 1, 2:\n\nTonight: temperature n/a. Clear');
  });
});
