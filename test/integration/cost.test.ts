import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintTranscript } from '../../agent/commands/print-mode.js';
import { loadAgentConfig } from '../../agent/config.js';
import { costOf } from '../../agent/core/cost/prices.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import { startFakeAnthropic, text, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startCli } from '../helpers/cli-process.js';
import { PromptCache } from '../helpers/prompt-cache.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

describe('what a conversation costs', () => {
  let claude: FakeAnthropic;
  let alpha: TestServer;
  let beta: TestServer;
  let home: string;
  let config: string;

  beforeAll(async () => {
    [claude, alpha, beta] = await Promise.all([
      // A low minimum, so a prompt of a few tools is cached (the real minimum is 1,024 tokens).
      startFakeAnthropic({ promptCache: new PromptCache({ minTokens: 100 }) }),
      startTestServer({ REVERSE_STEP_MS: '20' }, { noAuth: true }),
      startTestServer({ REVERSE_STEP_MS: '20' }, { noAuth: true }),
    ]);
    home = mkdtempSync(join(tmpdir(), 'warden-cost-'));
    mkdirSync(join(home, 'project'));
    config = join(home, 'servers.json');
    // No trust: the call runs because --allowed-tools allows it (an approval decided by a flag).
    writeFileSync(config, JSON.stringify({ mcpServers: { alpha: { type: 'http', url: alpha.server.url }, beta: { type: 'http', url: beta.server.url } } }));
  });
  afterAll(async () => {
    await Promise.all([claude.close(), alpha.server.close(), beta.server.close()]);
  });

  const run = async (args: string[]) => {
    const cli = startCli(['-p', '--mcp-config', config, '--allowed-tools', 'alpha__reverse', ...args], {
      env: { HOME: home, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url },
      cwd: join(home, 'project'),
    });
    const code = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  };

  it('-p --output json reports the usage (cache writes and reads included) and the cost, priced request by request', async () => {
    claude.enqueue(toolUse([{ name: 'alpha__reverse', input: { text: 'abc' } }]), text('It is "cba".'));
    const before = claude.requests.length;
    const { code, stdout } = await run(['reverse abc', '--output', 'json', '-q']);
    expect(code).toBe(0);
    const transcript = JSON.parse(stdout) as PrintTranscript;
    expect(transcript.usage).toEqual({
      inputTokens: expect.any(Number),
      outputTokens: expect.any(Number),
      cacheCreationInputTokens: expect.any(Number),
      cacheReadInputTokens: expect.any(Number),
    });
    expect((transcript.usage.cacheCreationInputTokens ?? 0) + (transcript.usage.cacheReadInputTokens ?? 0)).toBeGreaterThan(1000);
    expect(transcript.cost.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(transcript.cost.usd).toBeCloseTo(costOf('claude-sonnet-5-5', transcript.usage) ?? NaN, 9);
    expect(transcript.cost.conversationUsd).toBeCloseTo(transcript.cost.usd ?? NaN, 9);
    expect(claude.requests.length - before).toBe(2);
  });

  it('--output stream-json: one JSON event a line — start, text, the call with its progress, the approval, usage, then the result', async () => {
    claude.enqueue(toolUse([{ name: 'alpha__reverse', input: { text: 'hello' } }], 'Reversing.'), text('It is "olleh".'));
    const { code, stdout, stderr } = await run(['reverse hello', '--output', 'stream-json', '-q']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const events = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown> & { type: string });
    expect(events[0]).toEqual({ type: 'start', model: 'claude-sonnet-5-5' });
    const result = events.at(-1) as unknown as PrintTranscript & { type: string };
    expect(result).toMatchObject({ type: 'result', answer: 'Reversing.\n\nIt is "olleh".', stopReason: 'end_turn', conversationId: expect.stringMatching(/^\d{8}-/) });
    const of = (type: string) => events.filter((e) => e.type === type);
    expect(
      of('text')
        .map((e) => e.delta)
        .join(''),
    ).toBe('Reversing.It is "olleh".');
    const [start] = of('tool_call_start');
    expect(start).toMatchObject({ server: 'alpha', tool: 'reverse', arguments: { text: 'hello' } });
    expect(of('approval')).toEqual([{ type: 'approval', id: start?.id, server: 'alpha', tool: 'reverse', decision: 'allow', source: expect.stringContaining('--allowed-tools') }]);
    const progress = of('tool_call_progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.every((p) => p.id === start?.id && p.total === 5)).toBe(true);
    expect(of('tool_call_end')).toEqual([{ type: 'tool_call_end', id: start?.id, status: 'done', result: 'olleh', durationMs: expect.any(Number) }]);
    const usage = of('usage');
    expect(usage).toHaveLength(2);
    expect(usage.every((u) => u.model === 'claude-sonnet-5-5' && typeof u.costUsd === 'number')).toBe(true);
    // Events come in the order things happened.
    const order = events.map((e) => e.type);
    expect(order.indexOf('tool_call_start')).toBeLessThan(order.indexOf('tool_call_end'));
    expect(order.lastIndexOf('tool_call_progress')).toBeLessThan(order.indexOf('tool_call_end'));
    expect(order.indexOf('approval')).toBeLessThan(order.indexOf('tool_call_end'));
  });

  it('/cost in the engine: per model, per server (results and definitions), and a resumed conversation keeps counting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-cost-conversations-'));
    const make = () => {
      const agent = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
      agent.servers = [
        { name: 'alpha', source: { kind: 'flag', file: 't' }, type: 'http', url: alpha.server.url, headers: {} },
        { name: 'beta', source: { kind: 'flag', file: 't' }, type: 'http', url: beta.server.url, headers: {} },
      ];
      return createAgentEngine(agent, { conversations: { dir, cwd: '/p' } });
    };
    const engine = make();
    await engine.start();
    claude.enqueue(toolUse([{ name: 'alpha__reverse', input: { text: 'x'.repeat(2000) } }]), text('Done.'));
    expect((await engine.runTurn('reverse a long text')).stopReason).toBe('end_turn');
    const report = engine.usage();
    expect(report.models).toEqual([{ model: 'claude-sonnet-5-5', requests: 2, usage: expect.any(Object), costUsd: expect.any(Number) }]);
    const alphaUsage = report.servers.find((s) => s.server === 'alpha');
    expect(alphaUsage).toMatchObject({ calls: 1, resultTokens: expect.any(Number) });
    expect(alphaUsage?.resultTokens).toBeGreaterThan(450);
    expect(report.servers.find((s) => s.server === 'beta')).toMatchObject({ calls: 0, resultTokens: 0 });
    expect(alphaUsage?.definitionTokensSent).toBe(2 * (alphaUsage?.definitionTokens ?? 0));
    expect(report.context?.tokens).toBeGreaterThan(0);
    expect(engine.getStatus().usage).toMatchObject({ contextWindow: 1_000_000, costUsd: report.costUsd });
    const id = engine.conversationId() ?? '';
    await engine.close();

    const again = make();
    await again.resume(id);
    expect(again.usage().costUsd).toBeCloseTo(report.costUsd ?? NaN, 12);
    expect(again.usage().servers.find((s) => s.server === 'alpha')?.resultTokens).toBe(alphaUsage?.resultTokens);
    await again.close();
  });
});
