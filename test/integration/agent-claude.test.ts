import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine, type AgentEngineDeps } from '../../agent/core/engine.js';
import type { AgentEngine, TurnEvent } from '../../agent/core/engine-types.js';
import { ClaudeModel } from '../../agent/core/model/claude.js';
import { apiError, plain, startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

describe('Claude (through the real SDK against a local Messages API) drives the real MCP server', () => {
  let mcp: TestServer;
  let claude: FakeAnthropic;
  let engine: AgentEngine;
  const env = (): Record<string, string> => ({ MCP_SERVER_URL: mcp.server.url, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url });
  const makeEngine = (extra: Record<string, string> = {}, deps: AgentEngineDeps = {}): AgentEngine =>
    createAgentEngine(loadAgentConfig({ ...env(), ...extra }, { noAuth: true }), deps);
  const collect = (): { events: TurnEvent[]; onEvent: (e: TurnEvent) => void; text(): string } => {
    const events: TurnEvent[] = [];
    return {
      events,
      onEvent: (e) => events.push(e),
      text: () => events.map((e) => (e.type === 'text' ? e.delta : '')).join(''),
    };
  };

  beforeAll(async () => {
    mcp = await startTestServer({ REVERSE_STEP_MS: '20' }, { noAuth: true });
  });
  afterAll(async () => {
    await mcp.server.close();
  });
  beforeEach(async () => {
    claude = await startFakeAnthropic();
    engine = makeEngine();
    await engine.start();
  });
  afterEach(async () => {
    await engine.close();
    await claude.close();
  });

  it('streams a text-only answer and sends model, key, tools and the prompt', async () => {
    claude.enqueue(text('Hello from Claude, streamed in pieces.', { input_tokens: 42, output_tokens: 9 }));
    const seen = collect();
    const result = await engine.runTurn('hi', { onEvent: seen.onEvent });

    expect(result).toMatchObject({ text: 'Hello from Claude, streamed in pieces.', stopReason: 'end_turn', usage: { inputTokens: 42, outputTokens: 9 }, callIds: [] });
    expect(seen.events.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    expect(seen.text()).toBe(result.text);
    const [request] = claude.requests;
    // SDK 1.x sends the API key as a bearer credential.
    expect(request?.headers.authorization).toBe('Bearer sk-ant-test');
    expect(request?.body).toMatchObject({ model: 'claude-sonnet-5-5', stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
    expect(request?.body.tools?.map((t) => t.name).sort()).toEqual(['get_alerts', 'get_forecast', 'reverse']);
    expect(request?.body.tools?.find((t) => t.name === 'reverse')?.input_schema).toMatchObject({ type: 'object', required: ['text'] });
    expect(engine.getStatus().model).toEqual({ kind: 'claude', model: 'claude-sonnet-5-5' });
  });

  it('runs one tool call and sends the real tool_result back', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_one', name: 'reverse', input: { text: 'hello world' } }], 'Let me reverse that.'), (request) => {
      const [result] = toolResults(request);
      return text(`Reversed: ${String(result?.content)}`)(request);
    });
    const seen = collect();
    const result = await engine.runTurn('reverse hello world', { onEvent: seen.onEvent });

    expect(result.stopReason).toBe('end_turn');
    expect(result.text).toBe('Let me reverse that.\n\nReversed: dlrow olleh');
    expect(result.callIds).toEqual(['toolu_one']);
    expect(seen.events).toContainEqual({ type: 'tool-call', callId: 'toolu_one' });
    expect(toolResults(claude.requests[1]!)).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_one', content: 'dlrow olleh' }]);
    // The history the model sees: prompt, its tool_use, our tool_result.
    expect(claude.requests[1]?.body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(engine.registry.get('toolu_one')).toMatchObject({ tool: 'reverse', status: 'done', result: 'dlrow olleh', progress: 5, total: 5, progressEvents: 5 });
  });

  it('runs two tool_use blocks of one response at the same time, each with its own progress', async () => {
    claude.enqueue(
      toolUse([
        { id: 'toolu_a', name: 'reverse', input: { text: 'alpha' } },
        { id: 'toolu_b', name: 'reverse', input: { text: 'bravo' } },
      ]),
      (request) =>
        text(
          toolResults(request)
            .map((r) => String(r.content))
            .join(' '),
        )(request),
    );
    const progressLog: string[] = [];
    let bothRunning = false;
    const seen = new Map<string, number>();
    const unsubscribe = engine.registry.subscribe(() => {
      const active = engine.registry.active();
      if (active.length === 2 && active.every((r) => r.progressEvents > 0)) bothRunning = true;
      for (const record of engine.registry.snapshot()) {
        if (record.progressEvents !== (seen.get(record.id) ?? 0)) {
          seen.set(record.id, record.progressEvents);
          progressLog.push(`${record.id}:${record.progress}`);
        }
      }
    });
    const result = await engine.runTurn('reverse alpha and bravo');
    unsubscribe();

    expect(result.text).toBe('ahpla ovarb');
    expect(bothRunning).toBe(true);
    const a = progressLog.filter((p) => p.startsWith('toolu_a'));
    const b = progressLog.filter((p) => p.startsWith('toolu_b'));
    expect(a).toEqual([1, 2, 3, 4, 5].map((n) => `toolu_a:${n}`));
    expect(b).toEqual([1, 2, 3, 4, 5].map((n) => `toolu_b:${n}`));
    // Interleaved: b's first progress came before a's last.
    expect(progressLog.indexOf('toolu_b:1')).toBeLessThan(progressLog.indexOf('toolu_a:5'));
    expect(engine.registry.get('toolu_a')).toMatchObject({ status: 'done', result: 'ahpla', progressEvents: 5 });
    expect(engine.registry.get('toolu_b')).toMatchObject({ status: 'done', result: 'ovarb', progressEvents: 5 });
  });

  it('sends a tool error back with is_error and the model answers it', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_bad', name: 'get_alerts', input: { state: 'ZZ' } }]), text('That state code does not exist.'));
    const result = await engine.runTurn('alerts for ZZ');

    expect(result).toMatchObject({ stopReason: 'end_turn', text: 'That state code does not exist.' });
    const [toolResult] = toolResults(claude.requests[1]!);
    expect(toolResult).toMatchObject({ tool_use_id: 'toolu_bad', is_error: true });
    expect(String(toolResult?.content)).toMatch(/Unknown state code "ZZ"/);
    expect(engine.registry.get('toolu_bad')).toMatchObject({ status: 'error' });
    expect(engine.registry.get('toolu_bad')?.error).toMatch(/Unknown state code/);
  });

  it('waits out a 429 as its retry-after says, with a notice, then answers', async () => {
    claude.enqueue(apiError(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', { 'retry-after': '1' }), text('Worth the wait.'));
    const seen = collect();
    const result = await engine.runTurn('hello?', { onEvent: seen.onEvent });

    expect(result).toMatchObject({ stopReason: 'end_turn', text: 'Worth the wait.' });
    const notices = seen.events.filter((e) => e.type === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ message: expect.stringMatching(/rate limit.*429.*retry 1 of 3 in 1 s/) });
    expect(claude.requests).toHaveLength(2);
    expect(claude.requests[1]!.at - claude.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries 529 overloaded with backoff and gives up with one clear line', async () => {
    const quick = makeEngine({}, { model: new ClaudeModel({ apiKey: 'sk-ant-test', baseURL: claude.url, model: 'claude-sonnet-5-5' }, { retryBaseMs: 5, maxRetries: 2 }) });
    try {
      claude.enqueue(apiError(529, 'overloaded_error', 'Overloaded'), text('Recovered.'));
      const seen = collect();
      expect(await quick.runTurn('one', { onEvent: seen.onEvent })).toMatchObject({ stopReason: 'end_turn', text: 'Recovered.' });
      expect(seen.events.filter((e) => e.type === 'notice')).toEqual([{ type: 'notice', message: expect.stringMatching(/overloaded \(529\)/) }]);

      claude.enqueue(apiError(529, 'overloaded_error', 'Overloaded'), apiError(529, 'overloaded_error', 'Overloaded'), apiError(529, 'overloaded_error', 'Overloaded'));
      const failed = await quick.runTurn('two');
      expect(failed).toMatchObject({ stopReason: 'error', error: expect.stringMatching(/^Claude is overloaded \(529\)/) });
      expect(claude.requests).toHaveLength(2 + 3);
    } finally {
      await quick.close();
    }
  });

  it('retries a 408 and a 409 too, and waits at most 60 s however long an overloaded API asks for', async () => {
    // The waits are recorded instead of sat through: the retry loop's scheduler is the test's.
    const waits: number[] = [];
    const model = new ClaudeModel({ apiKey: 'sk-ant-test', baseURL: claude.url, model: 'claude-sonnet-5-5' }, { retryBaseMs: 5, wait: async (ms) => void waits.push(ms) });
    const patient = makeEngine({}, { model });
    try {
      claude.enqueue(
        apiError(408, 'timeout_error', 'Request timed out'),
        apiError(409, 'conflict_error', 'Conflict'),
        apiError(529, 'overloaded_error', 'Overloaded', { 'retry-after': '600' }),
        text('Third time lucky.'),
      );
      const seen = collect();
      expect(await patient.runTurn('hello?', { onEvent: seen.onEvent })).toMatchObject({ stopReason: 'end_turn', text: 'Third time lucky.' });
      expect(claude.requests).toHaveLength(4);
      expect(waits).toEqual([5, 10, 60_000]);
      expect(seen.events.filter((e) => e.type === 'notice').map((e) => (e.type === 'notice' ? e.message : ''))).toEqual([
        'The Anthropic API failed (408); retry 1 of 3 in 0.0 s.',
        'The Anthropic API failed (409); retry 2 of 3 in 0.0 s.',
        'Claude is overloaded (529); retry 3 of 3 in 60 s.',
      ]);
    } finally {
      await patient.close();
    }
  });

  it('reports a rejected API key (401) in one line, and the chat goes on', async () => {
    claude.enqueue(apiError(401, 'authentication_error', 'invalid x-api-key'));
    const failed = await engine.runTurn('first');
    expect(failed.stopReason).toBe('error');
    expect(failed.error).toMatch(/^ANTHROPIC_API_KEY was rejected \(401\)/);
    expect(claude.requests).toHaveLength(1);

    claude.enqueue(text('Second try works.'));
    const next = await engine.runTurn('second');
    expect(next).toMatchObject({ stopReason: 'end_turn', text: 'Second try works.' });
    // Both prompts are in one user message: roles still alternate.
    expect(plain(claude.requests[1]?.body.messages)).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'first' },
          { type: 'text', text: 'second' },
        ],
      },
    ]);
  });

  it('keeps the conversation across turns and forgets it on clearHistory', async () => {
    claude.enqueue(text('One.'), text('Two.'), text('Fresh.'));
    await engine.runTurn('first');
    await engine.runTurn('second');
    expect(claude.requests[1]?.body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    engine.clearHistory();
    await engine.runTurn('third');
    expect(plain(claude.requests[2]?.body.messages)).toEqual([{ role: 'user', content: [{ type: 'text', text: 'third' }] }]);
  });

  it('stops a model that keeps calling tools at WARDEN_MAX_TURNS', async () => {
    const capped = makeEngine({ WARDEN_MAX_TURNS: '2' });
    try {
      claude.enqueue(toolUse([{ name: 'reverse', input: { text: 'again' } }]), toolUse([{ name: 'reverse', input: { text: 'again' } }]));
      const result = await capped.runTurn('loop forever');
      expect(result.stopReason).toBe('turn_limit');
      expect(result.callIds).toHaveLength(2);
      expect(claude.requests).toHaveLength(2);
    } finally {
      await capped.close();
    }
  });
});
