import { join } from 'node:path';
import type { TurnUsage } from '../../agent/core/engine-types.js';
import { startFakeAnthropic, text, type Script } from '../../test/helpers/anthropic-server.js';
import { PromptCache } from '../../test/helpers/prompt-cache.js';
import { round } from '../support/stats.js';
import type { BenchModule, BenchOutcome, KeyFigure } from '../types.js';

/**
 * Prompt caching as the engine really lays requests out: a 20-round conversation (each round a
 * prompt, one tool call and an answer: two requests) against a local Messages API that bills by
 * the documented caching rules (test/helpers/prompt-cache.ts), on a virtual clock so pauses
 * between rounds are modelled without waiting them out.
 */

const ROUNDS = 20;
const TOOLS = 50;
/** Past the tool search threshold (50): definitions are deferred. */
const DEFERRED_TOOLS = 60;
/** The user's pause between rounds; 6 minutes outlives a 5-minute cache entry. */
const THINK_MS = 45_000;
const LONG_PAUSE_MS = 6 * 60_000;
const RESULT_CHARS = 1500;

/** Billing multipliers of the input price (Anthropic's pricing: 5-minute writes 1.25×, 1-hour 2×, reads 0.1×). */
const WRITE_5M = 1.25;
const WRITE_1H = 2;
const READ = 0.1;

interface Variant {
  name: string;
  cache: '5m' | '1h' | 'off';
  tools: number;
  pauseMs: number;
}

interface Measured {
  variant: Variant;
  rounds: TurnUsage[];
}

const total = (u: TurnUsage): number => u.inputTokens + (u.cacheCreationInputTokens ?? 0) + (u.cacheReadInputTokens ?? 0);
const share = (u: TurnUsage): number => (u.cacheReadInputTokens ?? 0) / Math.max(1, total(u));
function billed(u: TurnUsage): number {
  const oneHour = u.cacheCreation1hInputTokens ?? 0;
  return u.inputTokens + ((u.cacheCreationInputTokens ?? 0) - oneHour) * WRITE_5M + oneHour * WRITE_1H + (u.cacheReadInputTokens ?? 0) * READ;
}
const sum = (rows: TurnUsage[], f: (u: TurnUsage) => number): number => rows.reduce((n, u) => n + f(u), 0);

/** Round r's two replies: a tool call (found by tool search first when definitions are deferred), then the answer. */
function roundScripts(r: number, deferred: boolean): Script[] {
  const tool = `many__tool_${(r * 7) % TOOLS}`;
  const call: Script = () => ({
    kind: 'stream',
    content: [
      ...(deferred
        ? [
            { type: 'server_tool_use' as const, id: `srvtoolu_${r}`, name: 'tool_search_tool_bm25' as const, input: { query: `record ${r}` } },
            { type: 'tool_search_tool_result' as const, tool_use_id: `srvtoolu_${r}`, tool_names: [tool] },
          ]
        : []),
      { type: 'tool_use', id: `toolu_${r}`, name: tool, input: { id: `r-${r}`, verbose: true } },
    ],
    stopReason: 'tool_use',
  });
  return [call, text(`Record r-${r} is where the inventory says; its last change is in the result above.`)];
}

async function measure(root: string, workDir: string, variant: Variant): Promise<Measured> {
  let clock = Date.UTC(2026, 11, 7, 9);
  const api = await startFakeAnthropic({ promptCache: new PromptCache({ now: () => clock }) });
  const [{ createAgentEngine }, { loadAgentConfig }] = await Promise.all([import('../../agent/core/engine.js'), import('../../agent/config.js')]);
  const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-bench', ANTHROPIC_BASE_URL: api.url, WARDEN_PROMPT_CACHE: variant.cache }, { noAuth: true });
  config.servers = [
    {
      name: 'many',
      source: { kind: 'flag', file: 'bench' },
      type: 'stdio',
      command: process.execPath,
      args: [join(root, 'test/fixtures/stdio/many-tools-server.mjs')],
      env: { TOOL_COUNT: String(variant.tools), RESULT_CHARS: String(RESULT_CHARS) },
    },
  ];
  const engine = createAgentEngine(config, { logDir: join(workDir, 'prompt-cache-logs'), now: () => clock });
  const rounds: TurnUsage[] = [];
  try {
    await engine.start();
    for (let r = 0; r < ROUNDS; r++) {
      api.enqueue(...roundScripts(r, variant.tools > TOOLS));
      const result = await engine.runTurn(`Round ${r + 1}: what does record r-${r} say? Look it up.`);
      if (result.stopReason !== 'end_turn') throw new Error(`round ${r + 1} failed: ${result.error ?? result.stopReason}`);
      rounds.push(result.usage);
      clock += variant.pauseMs;
    }
  } finally {
    await engine.close();
    await api.close();
  }
  return { variant, rounds };
}

export const promptCache: BenchModule = {
  name: 'prompt-cache',
  title: `Prompt caching: a ${ROUNDS}-round conversation with ${TOOLS} tools against a Messages API that bills by the documented caching rules`,
  async run(ctx): Promise<BenchOutcome> {
    const variants: Variant[] = [
      { name: 'no caching (WARDEN_PROMPT_CACHE=off)', cache: 'off', tools: TOOLS, pauseMs: THINK_MS },
      { name: 'cached, 5-minute entries (default)', cache: '5m', tools: TOOLS, pauseMs: THINK_MS },
      { name: `cached, 5-minute entries, ${LONG_PAUSE_MS / 60_000}-min pauses`, cache: '5m', tools: TOOLS, pauseMs: LONG_PAUSE_MS },
      { name: `cached, 1-hour entries, ${LONG_PAUSE_MS / 60_000}-min pauses`, cache: '1h', tools: TOOLS, pauseMs: LONG_PAUSE_MS },
      { name: `cached, ${DEFERRED_TOOLS} tools deferred (tool search)`, cache: '5m', tools: DEFERRED_TOOLS, pauseMs: THINK_MS },
    ];
    const measured: Measured[] = [];
    for (const variant of variants) {
      ctx.progress(`${variant.name}: ${ROUNDS} rounds`);
      measured.push(await measure(ctx.root, ctx.workDir, variant));
    }
    const cached = measured[1];
    const fromThird = (m: Measured | undefined): number => Math.min(...(m?.rounds.slice(2) ?? []).map(share));
    const ratio = (m: Measured | undefined): number => (m ? sum(m.rounds, billed) / sum(m.rounds, total) : NaN);
    const keyFigures: KeyFigure[] = [
      { label: 'input tokens served from the cache, lowest round from round 3 on', value: round(fromThird(cached) * 100, 1), unit: '%', goal: { op: '>=', target: 90 } },
      { label: `billed input over ${ROUNDS} rounds ÷ the same conversation uncached`, value: round(ratio(cached), 3), unit: '×', goal: { op: '<=', target: 0.25 } },
      ...measured.slice(2).map((m) => ({ label: `billed input ÷ uncached: ${m.variant.name}`, value: round(ratio(m), 3), unit: '×' })),
    ];
    return {
      status: 'done',
      figures: [
        {
          title: `${ROUNDS} rounds, each a prompt, one tool call (${RESULT_CHARS}-character result) and an answer; tokens summed over the conversation`,
          columns: ['variant', 'input tokens', 'uncached', 'cache writes', 'cache reads', 'cached from round 3 (min)', 'billed ÷ uncached'],
          rows: measured.map((m) => [
            m.variant.name,
            sum(m.rounds, total),
            sum(m.rounds, (u) => u.inputTokens),
            sum(m.rounds, (u) => u.cacheCreationInputTokens ?? 0),
            sum(m.rounds, (u) => u.cacheReadInputTokens ?? 0),
            `${round(fromThird(m) * 100, 1)} %`,
            round(ratio(m), 3),
          ]),
        },
        {
          title: 'Per round, default caching: share of the input read from the cache',
          columns: ['round', ...Array.from({ length: ROUNDS }, (_, i) => String(i + 1))],
          rows: [['cached %', ...(cached?.rounds ?? []).map((u) => round(share(u) * 100, 0))]],
        },
      ],
      keyFigures,
      notes: [
        'The real engine and the real Anthropic SDK send every request (tools from a stdio server in their stable sorted order, the constant system prompt, breakpoints on the last tool, the system prompt and the last two user turns); the local API bills each request by the caching rules: prefix match up to a breakpoint (with the 20-block lookback), 1,024-token minimum, 5-minute or 1-hour TTL refreshed on a hit, at most four breakpoints. Tokens are estimated at 4 characters each, so the figures are about the rules, not the tokenizer.',
        `"Billed" prices cache writes at ${WRITE_5M}× (5-minute) or ${WRITE_1H}× (1-hour) the input price and reads at ${READ}×, Anthropic's published multipliers; "uncached" is the same conversation billed at 1× throughout.`,
        `Deferred tools: past ${TOOLS} tools each definition is sent with defer_loading and the model finds it with the API's tool search; the prompt then holds only the search tool and the definitions a search result loaded, so the conversation's input is smaller and the cache still holds it.`,
        `Pauses: ${THINK_MS / 1000} s of user think time between rounds, or ${LONG_PAUSE_MS / 60_000} min to show what outlives a 5-minute entry (modelled on a virtual clock; nothing waits).`,
      ],
    };
  },
};
