import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine, TurnUsage } from '../../agent/core/engine-types.js';
import { startFakeAnthropic, text, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { PromptCache } from '../helpers/prompt-cache.js';

const MANY = fileURLToPath(new URL('../fixtures/stdio/many-tools-server.mjs', import.meta.url));

/** The real engine and SDK against a local API that bills by the prompt-caching rules. */
describe('prompt caching through the engine', () => {
  let claude: FakeAnthropic;
  let engine: AgentEngine;

  beforeAll(async () => {
    claude = await startFakeAnthropic({ promptCache: new PromptCache() });
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
    // Two servers listed in reverse order: the tools still go out sorted.
    config.servers = ['zeta', 'alpha'].map((name) => ({
      name,
      source: { kind: 'flag' as const, file: 'test.json' },
      type: 'stdio' as const,
      command: process.execPath,
      args: [MANY],
      env: { TOOL_COUNT: '25', RESULT_CHARS: '1500' },
    }));
    engine = createAgentEngine(config, { logDir: mkdtempSync(join(tmpdir(), 'warden-cache-logs-')) });
    await engine.start();
  });
  afterAll(async () => {
    await engine.close();
    await claude.close();
  });

  it('reads what the previous round wrote: from round 3 on ≥ 90 % of the input comes from the cache, and the usage says so', async () => {
    const usages: TurnUsage[] = [];
    for (let round = 0; round < 4; round++) {
      claude.enqueue(toolUse([{ name: `alpha__tool_${round}`, input: { id: `r-${round}` } }]), text(`Record ${round} is fine.`));
      const result = await engine.runTurn(`Look up record ${round}.`);
      expect(result.stopReason).toBe('end_turn');
      usages.push(result.usage);
    }
    const share = (u: TurnUsage) => (u.cacheReadInputTokens ?? 0) / (u.inputTokens + (u.cacheCreationInputTokens ?? 0) + (u.cacheReadInputTokens ?? 0));
    expect(usages[0]?.cacheCreationInputTokens).toBeGreaterThan(1024);
    expect(share(usages[2]!)).toBeGreaterThanOrEqual(0.9);
    expect(share(usages[3]!)).toBeGreaterThanOrEqual(0.9);

    const names = claude.requests[0]?.body.tools?.map((t) => t.name) ?? [];
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe('alpha__tool_0');
  });
});
