import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { SUMMARY_HEADER, SUMMARY_PROMPT } from '../../agent/core/context/summary.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine, Compaction, TurnEvent } from '../../agent/core/engine-types.js';
import type { Env } from '../../config/load.js';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic, type FakeAnthropicOptions, type RecordedRequest, type Script } from '../helpers/anthropic-server.js';
import { promptTokens } from '../helpers/prompt-cache.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

/**
 * Answers as a model would at each point: a summary when asked for one, an answer after results,
 * else a call of `reverse` on `chars` characters (the call and its result each add that much).
 */
const conversational =
  (chars: number): Script =>
  (request: RecordedRequest) => {
    if (request.body.tool_choice?.type === 'none') return text('Notes: the user looked up records; all were found.')(request);
    if (toolResults(request).length > 0) return text(`Found it (${request.body.messages.length} messages so far).`)(request);
    return toolUse([{ name: 'many__reverse', input: { text: `${request.body.messages.length}`.padEnd(chars, 'ab') } }])(request);
  };

const isSummaryRequest = (r: RecordedRequest): boolean => r.body.tool_choice?.type === 'none';
const firstText = (r: RecordedRequest | undefined): string => {
  const first = r?.body.messages[0]?.content;
  return Array.isArray(first) && first[0]?.type === 'text' ? String(first[0].text) : '';
};

describe('conversations that do not overflow', () => {
  const engines: AgentEngine[] = [];
  const fakes: FakeAnthropic[] = [];
  let mcp: TestServer;
  beforeAll(async () => {
    mcp = await startTestServer({ REVERSE_STEP_MS: '0' }, { noAuth: true });
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });
  afterAll(async () => {
    await mcp.server.close();
  });

  async function setup(options: { env?: Env; fake?: FakeAnthropicOptions; resultChars?: number; model?: string; conversations?: string }) {
    const claude = await startFakeAnthropic(options.fake);
    fakes.push(claude);
    claude.enqueue(...Array.from({ length: 200 }, () => conversational(options.resultChars ?? 12_000)));
    const config = loadAgentConfig(
      { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url, ANTHROPIC_MODEL: options.model ?? 'claude-test-1', ...options.env },
      { noAuth: true },
    );
    config.servers = [{ name: 'many', source: { kind: 'flag', file: 'test.json' }, type: 'http', url: mcp.server.url, headers: {} }];
    const engine = createAgentEngine(config, {
      ...(options.conversations && { conversations: { dir: options.conversations, cwd: '/project' } }),
    });
    engines.push(engine);
    await engine.start();
    const events: TurnEvent[] = [];
    const turn = async (prompt: string) => {
      const result = await engine.runTurn(prompt, { onEvent: (e) => events.push(e) });
      expect(result.stopReason, result.error).toBe('end_turn');
      return result;
    };
    const compactions = (): Compaction[] => events.flatMap((e) => (e.type === 'compacted' ? [e.compaction] : []));
    return { claude, engine, events, turn, compactions };
  }

  it('locally (a model the API does not compact for): past 80 % of the window Warden has the model summarize, and the conversation goes on', async () => {
    const { claude, turn, compactions } = await setup({ fake: { contextWindow: 20_000, models: { 'claude-test-1': { max_input_tokens: 20_000, max_tokens: 4_000 } } } });
    for (let i = 1; i <= 5; i++) await turn(`Look up record ${i}.`);
    expect(compactions().map((c) => c.how)).toContain('local-summary');
    const summary = claude.requests.find(isSummaryRequest);
    // The summary request carries the same tools (so the cache matches) and may not call one.
    expect(summary?.body.tools?.length).toBeGreaterThan(0);
    expect(JSON.stringify(summary?.body.messages.at(-1))).toContain(SUMMARY_PROMPT.slice(0, 40));
    const after = claude.requests[claude.requests.indexOf(summary as RecordedRequest) + 1];
    expect(firstText(after)).toBe(`${SUMMARY_HEADER}\n\nNotes: the user looked up records; all were found.`);
    // Every request fit (the stand-in refuses what does not) and asked for no more than the room left.
    for (const request of claude.requests) expect(request.body.max_tokens).toBeLessThanOrEqual(4_000);
    expect(claude.requests.some((r) => r.body.context_management)).toBe(false);
  });

  it('on the server where offered: context management is asked for, the compaction block comes back, is sent first from then on, and is saved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-compact-conversations-'));
    const { claude, engine, turn, compactions } = await setup({
      fake: { contextWindow: 20_000, models: { 'claude-test-1': { max_input_tokens: 20_000, max_tokens: 4_000, compaction: true, clearToolUses: true } } },
      conversations: dir,
    });
    for (let i = 1; i <= 4; i++) await turn(`Look up record ${i}.`);
    const first = claude.requests[0];
    expect(first?.body.context_management?.edits?.map((e) => [e.type, e.trigger?.value])).toEqual([
      ['clear_tool_uses_20250919', 12_000],
      ['compact_20260112', 16_000],
    ]);
    expect(String(first?.headers['anthropic-beta'])).toBe('context-management-2025-06-27,compact-2026-01-12');
    expect(compactions().map((c) => c.how)).toContain('server-summary');
    expect(claude.requests.some(isSummaryRequest)).toBe(false);
    // After the compaction the history starts with the API's block, sent back verbatim.
    const last = claude.requests.at(-1);
    expect(last?.body.messages[0]).toMatchObject({
      role: 'assistant',
      content: expect.arrayContaining([expect.objectContaining({ type: 'compaction', encrypted_content: expect.stringMatching(/^opaque-/) })]),
    });

    // Saved: the resumed conversation gives the model the block first too.
    const id = engine.conversationId() ?? '';
    const file = readFileSync(join(dir, `${id}.jsonl`), 'utf8');
    expect(file).toContain('"type":"compaction"');
    const again = await setup({
      fake: { contextWindow: 20_000, models: { 'claude-test-1': { max_input_tokens: 20_000, max_tokens: 4_000, compaction: true } } },
      conversations: dir,
    });
    const resumed = await again.engine.resume(id);
    expect(resumed.history.some((h) => h.kind === 'compaction')).toBe(true);
    await again.turn('And now?');
    expect(again.claude.requests[0]?.body.messages[0]).toMatchObject({ role: 'assistant', content: expect.arrayContaining([expect.objectContaining({ type: 'compaction' })]) });
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('/compact on the server sends a compaction request with the instructions; without it Warden summarizes with them', async () => {
    const server = await setup({ fake: { models: { 'claude-test-1': { max_input_tokens: 200_000, max_tokens: 4_000, compaction: true } } }, resultChars: 400 });
    await server.turn('Look up record 1.');
    const done = await server.engine.compact('keep the record ids');
    expect(done.how).toBe('server-summary');
    const request = server.claude.requests.at(-1);
    expect(request?.body.compaction).toEqual({ type: 'summarize', instructions: 'keep the record ids' });
    expect(String(request?.headers['anthropic-beta'])).toBe('compact-2026-09-04');
    await server.turn('And now?');
    expect(server.claude.requests.at(-1)?.body.messages.map((m) => m.role)).toEqual(['assistant', 'user', 'assistant', 'user']);

    const local = await setup({ fake: { models: { 'claude-test-1': { max_input_tokens: 200_000, max_tokens: 4_000 } } }, resultChars: 400 });
    await local.turn('Look up record 1.');
    await local.turn('Look up record 2.');
    const summarized = await local.engine.compact('keep the record ids');
    expect(summarized.how).toBe('local-summary');
    expect(JSON.stringify(local.claude.requests.find(isSummaryRequest)?.body.messages.at(-1))).toContain("The user's instructions for this summary: keep the record ids");
    // Between turns the whole conversation is summarized: the history is the summary alone.
    expect(local.claude.requests.find(isSummaryRequest)?.body.messages).toHaveLength(9);
    await local.turn('And now?');
    expect(local.claude.requests.at(-2)?.body.messages.map((m) => m.role)).toEqual(['user']);
    expect(firstText(local.claude.requests.at(-2))).toMatch(new RegExp(`^${SUMMARY_HEADER}`));
    const empty = await setup({ fake: { models: { 'claude-test-1': { max_input_tokens: 200_000, max_tokens: 4_000 } } } });
    await expect(empty.engine.compact()).rejects.toThrow('there is nothing to compact yet');
  });

  it('a request the API finds too long is compacted locally and sent again; refused context management falls back to Warden compacting', async () => {
    // Warden believes the table's 200k window; the API allows 20k.
    const small = await setup({ model: 'claude-sonnet-4-5', fake: { contextWindow: 20_000 } });
    for (let i = 1; i <= 4; i++) await small.turn(`Look up record ${i}.`);
    expect(small.compactions().length).toBeGreaterThan(0);
    // The refusal named the real window: one request was too long, and none after it.
    expect(small.claude.requests.filter((r) => promptTokens(r.body) > 20_000)).toHaveLength(1);

    const refusing = await setup({
      fake: { contextWindow: 20_000, noContextManagement: true, models: { 'claude-test-1': { max_input_tokens: 20_000, max_tokens: 4_000, compaction: true } } },
    });
    for (let i = 1; i <= 4; i++) await refusing.turn(`Look up record ${i}.`);
    expect(refusing.events).toContainEqual({ type: 'notice', message: 'The API does not manage the context here; Warden compacts the conversation itself.' });
    expect(refusing.compactions().map((c) => c.how)).toContain('local-summary');
  });

  it('a 300k-token conversation keeps working in a 200k window (old tool results cleared, counted by the API near the limit)', async () => {
    const { claude, turn, compactions } = await setup({ model: 'claude-haiku-4-5', fake: { contextWindow: 200_000 }, resultChars: 40_000 });
    let pushed = 0;
    for (let i = 1; i <= 15; i++) {
      await turn(`Look up record ${i}.`);
      pushed += 20_000;
    }
    expect(pushed).toBeGreaterThanOrEqual(300_000);
    expect(compactions().length).toBeGreaterThan(0);
    expect(compactions().every((c) => c.tokensAfter < 200_000)).toBe(true);
    expect(claude.countRequests.length).toBeGreaterThan(0);
  });

  it('a tool result past the limit is cut for the model with a note saying how much, and the user is told', async () => {
    const { claude, events, turn } = await setup({ env: { WARDEN_TOOL_RESULT_MAX_TOKENS: '1000' }, resultChars: 20_000 });
    await turn('Look up record 1.');
    const [result] = toolResults(claude.requests[1] as RecordedRequest);
    const content = String(result?.content);
    expect(content.length).toBeLessThan(4_400);
    expect(content).toMatch(/\[Warden cut this tool result for you: it was about 5,0\d\d tokens \(20,0\d\d characters\); only the first 1,000 or so are above\./);
    expect(events).toContainEqual({
      type: 'notice',
      message: expect.stringMatching(/^The result of many › reverse was cut for the model: about 5,0\d\d tokens, of which the first 1,000 or so were sent/),
    });
  });

  it('the offline demo model compacts too, with an extract of the conversation', async () => {
    const config = loadAgentConfig({ MCP_SERVER_URL: mcp.server.url, WARDEN_CONTEXT_WINDOW: '1000' }, { noAuth: true });
    const engine = createAgentEngine(config);
    engines.push(engine);
    const events: TurnEvent[] = [];
    for (const word of ['alpha', 'beta', 'gamma']) {
      const result = await engine.runTurn(`reverse ${word.repeat(150)}`, { onEvent: (e) => events.push(e) });
      expect(result.stopReason).toBe('end_turn');
      expect(result.text).toContain([...word.repeat(150)].reverse().join(''));
    }
    const compacted = events.flatMap((e) => (e.type === 'compacted' ? [e.compaction] : []));
    expect(compacted.map((c) => c.how)).toContain('local-summary');
    expect(compacted[0]?.summary).toMatch(/^User: reverse alpha/);
  });
});
