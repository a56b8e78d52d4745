import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchModule, BenchOutcome, KeyFigure } from '../types.js';
import { startFakeMessagesApi } from '../support/fake-messages-api.js';
import { childEnv } from '../support/signed-in-stack.js';
import { round, summarize } from '../support/stats.js';
import type { ToolsChildConfig, ToolsChildResult } from '../support/tools-child.js';
import { TOOLS_PAGE } from '../../agent/ui/slash-commands/tools.js';

const MB = 1024 * 1024;
const ROUND_TOOLS = 250;
const LISTED_TOOLS = 3000;
/** The goal for the TUI with 3,000 tools listed. */
const RSS_GOAL_MB = 200;

async function runToolsChild(root: string, workDir: string, config: ToolsChildConfig): Promise<ToolsChildResult> {
  const script = join(root, 'dist/bench/support/tools-child.js');
  const env = childEnv(join(workDir, 'tools-home'), { TERM: 'xterm-256color', FORCE_COLOR: '3', NODE_ENV: 'production' });
  const child = spawn(process.execPath, ['--expose-gc', script, JSON.stringify(config)], { env, cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`tools-child exited with ${String(code)}: ${err.slice(-2000)}`);
  return JSON.parse(line) as ToolsChildResult;
}

/** One model round with 250 tools, with and without tool search; the TUI's memory with 3,000 tools listed. */
export const manyTools: BenchModule = {
  name: 'many-tools',
  title: `Many tools: one model round with ${ROUND_TOOLS} tools with/without tool search; TUI memory with ${LISTED_TOOLS} tools listed`,
  async run(ctx): Promise<BenchOutcome> {
    const server = join(ctx.root, 'test/fixtures/stdio/many-tools-server.mjs');
    const rounds = ctx.quick ? 5 : 30;
    const api = await startFakeMessagesApi();
    const [{ createAgentEngine }, { loadAgentConfig }] = await Promise.all([import('../../agent/core/engine.js'), import('../../agent/config.js')]);
    const variants = [
      { name: 'every definition each round', threshold: '100000' },
      { name: 'tool search (deferred definitions)', threshold: '50' },
    ];
    const measured: { name: string; bytes: number; ms: ReturnType<typeof summarize> }[] = [];
    try {
      for (const v of variants) {
        ctx.progress(`${v.name}: ${rounds} rounds with ${ROUND_TOOLS} tools`);
        const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-bench', ANTHROPIC_BASE_URL: api.url, WARDEN_TOOL_SEARCH_THRESHOLD: v.threshold }, { noAuth: true });
        config.servers = [
          { name: 'many', source: { kind: 'flag', file: 'bench' }, type: 'stdio', command: process.execPath, args: [server], env: { TOOL_COUNT: String(ROUND_TOOLS) } },
        ];
        const engine = createAgentEngine(config, { logDir: join(ctx.workDir, 'many-tools-logs') });
        try {
          await engine.start();
          const times: number[] = [];
          const first = api.requestBytes.length;
          for (let i = 0; i < rounds + 2; i++) {
            engine.clearHistory();
            const started = performance.now();
            const result = await engine.runTurn('hello');
            if (result.stopReason !== 'end_turn') throw new Error(`round failed: ${result.error ?? result.stopReason}`);
            // The first two rounds warm up the SDK and the JIT.
            if (i >= 2) times.push(performance.now() - started);
          }
          measured.push({ name: v.name, bytes: api.requestBytes[first + 2] ?? NaN, ms: summarize(times) });
        } finally {
          await engine.close();
        }
      }
    } finally {
      await api.close();
    }

    ctx.progress(`TUI with ${LISTED_TOOLS} tools: /tools pages 1–5, memory after gc`);
    const tui = await runToolsChild(ctx.root, ctx.workDir, { server, tools: LISTED_TOOLS, pages: 5 });
    const [all, search] = measured;
    const keyFigures: KeyFigure[] = [
      { label: `request bytes per round, ${ROUND_TOOLS} tools, every definition`, value: all?.bytes ?? NaN, unit: 'B' },
      { label: `request bytes per round, ${ROUND_TOOLS} tools, tool search`, value: search?.bytes ?? NaN, unit: 'B' },
      { label: 'round time with tool search ÷ without (p50)', value: round((search?.ms.p50 ?? NaN) / (all?.ms.p50 ?? NaN), 2), unit: '×' },
      { label: `TUI RSS with ${LISTED_TOOLS} tools listed (5 pages of /tools, after gc)`, value: round(tui.rssBytes / MB, 1), unit: 'MB', goal: { op: '<=', target: RSS_GOAL_MB } },
    ];
    return {
      status: 'done',
      figures: [
        {
          title: `One model round (local fake Messages API, real SDK and engine, stdio server with ${ROUND_TOOLS} tools)`,
          columns: ['tools sent as', 'request bytes', 'p50 ms', 'p95 ms', 'rounds'],
          rows: measured.map((m) => [m.name, m.bytes, round(m.ms.p50, 1), round(m.ms.p95, 1), m.ms.n]),
        },
        {
          title: `TUI process with ${LISTED_TOOLS} tools (stdio server, /tools pages 1–5)`,
          columns: ['tools /tools reported', 'idle RSS MB', 'RSS after listing MB', 'heap after listing MB'],
          rows: [[tui.listed, round(tui.idleRssBytes / MB, 1), round(tui.rssBytes / MB, 1), round(tui.heapUsedBytes / MB, 1)]],
        },
      ],
      keyFigures,
      notes: [
        'Tool search is the Messages API\'s own (tool_search_tool_bm25 with defer_loading on each definition): the definitions still travel in every request, so the request bytes do not fall (each gains `"defer_loading":true`); what falls is what enters the model\'s context — the input tokens of a round — which a local fake cannot count. Against the real API compare `usage.input_tokens` of the two rows.',
        "Round time is the whole turn through the engine (catalog, request serialisation, the SDK's stream parsing) against a fake that answers at once: it shows the client-side cost of the larger tool list, not the API's latency.",
        `/tools keeps one page (${TOOLS_PAGE} tools, descriptions cut at 2,000 characters) per listing in the transcript, so memory does not grow with the number of tools listed; the engine keeps the server's tool list (${LISTED_TOOLS} definitions) as the MCP SDK returns it.`,
        ...(tui.listed !== LISTED_TOOLS ? [`/tools reported ${tui.listed} tools, expected ${LISTED_TOOLS}`] : []),
      ],
    };
  },
};
