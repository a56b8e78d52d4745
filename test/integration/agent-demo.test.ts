import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine, TurnEvent } from '../../agent/core/engine-types.js';
import { startNwsServer, type NwsServer } from '../helpers/nws-server.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

describe('the offline demo model drives the real MCP server through the same loop', () => {
  let mcp: TestServer;
  let nws: NwsServer;
  let engine: AgentEngine;

  beforeAll(async () => {
    nws = await startNwsServer();
    mcp = await startTestServer({ REVERSE_STEP_MS: '40', NWS_BASE_URL: nws.url }, { noAuth: true });
  });
  afterAll(async () => {
    await mcp.server.close();
    await nws.close();
  });
  beforeEach(async () => {
    engine = createAgentEngine(loadAgentConfig({ MCP_SERVER_URL: mcp.server.url }, { noAuth: true }));
    await engine.start();
  });
  afterEach(async () => {
    await engine.close();
  });

  it('is the active model without ANTHROPIC_API_KEY', () => {
    expect(engine.getStatus()).toMatchObject({ model: { kind: 'demo' }, auth: { state: 'disabled' }, connection: { state: 'connected', toolCount: 3 } });
  });

  it('"reverse alpha, beta and gamma" → three concurrent calls with separate progress, answer from the results', async () => {
    const events: TurnEvent[] = [];
    let maxRunning = 0;
    const unsubscribe = engine.registry.subscribe(() => {
      maxRunning = Math.max(maxRunning, engine.registry.active().filter((r) => r.progressEvents > 0).length);
    });
    const result = await engine.runTurn('reverse alpha, beta and gamma', { onEvent: (e) => events.push(e) });
    unsubscribe();

    expect(result.stopReason).toBe('end_turn');
    expect(result.callIds).toHaveLength(3);
    expect(maxRunning).toBe(3);
    const records = result.callIds.map((id) => engine.registry.get(id));
    expect(records.map((r) => r?.args)).toEqual([{ text: 'alpha' }, { text: 'beta' }, { text: 'gamma' }]);
    expect(records.map((r) => [r?.status, r?.result, r?.progressEvents])).toEqual([
      ['done', 'ahpla', 5],
      ['done', 'ateb', 5],
      ['done', 'ammag', 5],
    ]);
    for (const word of ['"alpha" reversed is "ahpla"', '"beta" reversed is "ateb"', '"gamma" reversed is "ammag"']) expect(result.text).toContain(word);
    expect(result.text).toMatch(/offline demo model; set ANTHROPIC_API_KEY to use Claude/);
    expect(events.filter((e) => e.type === 'tool-call')).toHaveLength(3);
    // Streamed in pieces, and the pieces are the answer.
    const streamed = events.flatMap((e) => (e.type === 'text' ? [e.delta] : []));
    expect(streamed.length).toBeGreaterThan(3);
    expect(streamed.join('')).toBe(result.text);
    expect(result.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it('"reverse hello world" is one call', async () => {
    const result = await engine.runTurn('reverse hello world');
    expect(result.callIds).toHaveLength(1);
    expect(result.text).toContain('"hello world" reversed is "dlrow olleh".');
  });

  it('turns alerts and forecast requests into weather tool calls and answers from their results', async () => {
    const result = await engine.runTurn('weather alerts for california and forecast for 40.7127, -74.006');
    const records = result.callIds.map((id) => engine.registry.get(id));
    expect(records.map((r) => [r?.tool, r?.args, r?.status])).toEqual([
      ['get_alerts', { state: 'CA' }, 'done'],
      ['get_forecast', { latitude: 40.7127, longitude: -74.006 }, 'done'],
    ]);
    expect(nws.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/alerts/active?area=CA', '/points/40.7127,-74.006']));
    expect(result.text).toContain('Weather alerts for CA:');
    expect(result.text).toContain('Forecast for 40.7127, -74.006:');
    // Built from the real results, not canned text.
    expect(result.text).toContain(records[0]?.result?.split('\n')[0]);
    expect(result.text).toContain(records[1]?.result?.split('\n')[0]);
  });

  it('answers what it does not understand with what it does, and names Claude', async () => {
    const result = await engine.runTurn('what is the meaning of life?');
    expect(result.callIds).toEqual([]);
    expect(result.text).toMatch(/offline demo model/);
    expect(result.text).toMatch(/reverse alpha, beta and gamma/);
    expect(result.text).toMatch(/ANTHROPIC_API_KEY/);
  });

  it('a cancelled call is reported to the model as cancelled, and the others finish', async () => {
    let cancelledOne = false;
    const unsubscribe = engine.registry.subscribe(() => {
      const target = engine.registry.active().find((r) => r.args.text === 'two' && r.progressEvents > 0);
      if (target && !cancelledOne) cancelledOne = engine.registry.cancel(target.id);
    });
    const result = await engine.runTurn('reverse one, two and three');
    unsubscribe();
    const records = result.callIds.map((id) => engine.registry.get(id));
    expect(records.map((r) => r?.status)).toEqual(['done', 'cancelled', 'done']);
    expect(result.text).toContain('"one" reversed is "eno"');
    expect(result.text).toContain('You cancelled reverse("two"), so there is no result for it.');
    await mcp.logger.waitFor((r) => r.event === 'tool cancelled' && r.reason === 'client cancelled');
  });
});
