import type { BenchModule, BenchOutcome, KeyFigure } from '../types.js';
import type { MemorySample, TuiChildResult } from '../support/tui-child.js';
import { runTuiChild } from '../support/tui-run.js';
import { spawnWarden } from '../support/warden-server.js';
import { round, slope } from '../support/stats.js';

const CALLS_PER_TURN = 10;
const MB = 1024 * 1024;
/** RSS may grow by at most this much from the settled reading to the last call (see the notes for why). */
const RSS_BOUND_MB = 10;
/**
 * The first calls' one-time growth (JIT code, connection pool, buffers, V8 sizing its heap spaces
 * up to the allocation rate) ends before this many calls (100 in a quick run): about call 150 now
 * that Ink's frame builder allocates little per frame, since V8 then grows its spaces more slowly.
 */
const SETTLED_CALLS = 200;
const QUICK_SETTLED_CALLS = 100;
/** Live heap kept per call once warmed up: history the chat keeps on purpose is well under this. */
const HEAP_PER_CALL_BOUND_KB = 10;
/** Samples from this many calls on feed the per-call slope (the first turns warm up JIT and caches). */
const SLOPE_FROM_CALLS = 100;

const mb = (bytes: number): number => round(bytes / MB, 1);

/** Idle TUI memory, and memory after hundreds of tool calls through it. */
export const memory: BenchModule = {
  name: 'memory',
  title: 'Memory: idle TUI RSS and RSS after 500 tool calls (gc before each reading)',
  async run(ctx): Promise<BenchOutcome> {
    const turns = ctx.quick ? 20 : 50;
    const calls = turns * CALLS_PER_TURN;
    const settledCalls = ctx.quick ? QUICK_SETTLED_CALLS : SETTLED_CALLS;
    const server = await spawnWarden(ctx, 'memory-server');
    try {
      const variants: { name: string; env: Record<string, string>; clear?: boolean }[] = [
        // `warden` sets NODE_ENV=production itself; React's development build is the comparison row.
        { name: 'as shipped (NODE_ENV=production)', env: { NODE_ENV: 'production' } },
        // What still grows when the chat forgets its history after every turn is not history.
        { name: 'as shipped, /clear after each turn', env: { NODE_ENV: 'production' }, clear: true },
        { name: "React's development build", env: { NODE_ENV: 'development' } },
      ];
      const results: { name: string; r: TuiChildResult; idle: MemorySample; samples: MemorySample[] }[] = [];
      for (const v of variants) {
        ctx.progress(`${v.name}: ${turns} turns × ${CALLS_PER_TURN} calls, gc + reading every 50 calls`);
        const r = await runTuiChild(
          ctx,
          { serverUrl: server.url, turns, warmupTurns: 0, callsPerTurn: CALLS_PER_TURN, columns: 120, rows: 40, memory: { sampleEvery: 5 }, clearAfterTurn: v.clear === true },
          { env: v.env, nodeArgs: ['--expose-gc'], timeoutMs: 300_000 },
        );
        if (!r.memory) throw new Error('no memory readings from the TUI child');
        results.push({ name: v.name, r, idle: r.memory.idle, samples: r.memory.samples });
      }

      const perCall = (samples: MemorySample[], pick: (s: MemorySample) => number): number =>
        slope(samples.filter((s) => s.calls >= SLOPE_FROM_CALLS).map((s) => ({ x: s.calls, y: pick(s) })));
      const at = (samples: MemorySample[], calls: number): MemorySample | undefined => samples.find((s) => s.calls === calls);
      const summary = results.map(({ name, r, idle, samples }) => {
        const last = samples[samples.length - 1] as MemorySample;
        const settled = at(samples, settledCalls) ?? idle;
        return { name, r, idle, settled, last, heapPerCall: perCall(samples, (s) => s.heapUsedBytes), settledGrowth: last.rssBytes - settled.rssBytes };
      });
      const rows = summary.map(({ name, r, idle, settled, last, heapPerCall, settledGrowth }) => [
        name,
        r.done,
        mb(idle.rssBytes),
        mb(settled.rssBytes),
        mb(last.rssBytes),
        mb(settledGrowth),
        mb(idle.heapUsedBytes),
        mb(last.heapUsedBytes),
        round(heapPerCall / 1024, 2),
        r.timelineEntries,
      ]);
      const trace = results.map(
        ({ name, idle, samples }) =>
          `${name}: RSS MB ${[idle, ...samples].map((s) => `${s.calls}→${mb(s.rssBytes)}`).join(', ')}; heap MB ${[idle, ...samples].map((s) => mb(s.heapUsedBytes)).join(', ')}`,
      );

      const shipped = summary[0] as (typeof summary)[number];
      const development = summary[2];
      const keyFigures: KeyFigure[] = [
        { label: 'idle TUI RSS (connected, after gc)', value: mb(shipped.idle.rssBytes), unit: 'MB' },
        { label: `RSS after ${calls} calls`, value: mb(shipped.last.rssBytes), unit: 'MB' },
        { label: `RSS growth from call ${settledCalls} to ${calls}`, value: mb(shipped.settledGrowth), unit: 'MB', goal: { op: '<=', target: RSS_BOUND_MB } },
        {
          label: `live heap kept per call (slope from call ${SLOPE_FROM_CALLS})`,
          value: shipped.heapPerCall / 1024,
          unit: 'KB',
          goal: { op: '<=', target: HEAP_PER_CALL_BOUND_KB },
        },
        ...(development
          ? [{ label: "live heap kept per call with React's development build (what NODE_ENV=production saves)", value: development.heapPerCall / 1024, unit: 'KB' }]
          : []),
      ];
      const failed = results.filter(({ r }) => r.done !== r.calls || r.wrongResults.length > 0 || r.turnErrors.length > 0);
      return {
        status: 'done',
        figures: [
          {
            title: `TUI process memory: idle, then ${turns} turns × ${CALLS_PER_TURN} reverse calls (REVERSE_STEP_MS=0)`,
            columns: [
              'TUI',
              'calls done',
              'idle RSS MB',
              `RSS @${settledCalls} MB`,
              `RSS @${calls} MB`,
              `RSS growth ${settledCalls}→${calls} MB`,
              'idle heap MB',
              `heap @${calls} MB`,
              'heap KB/call',
              'perf timeline entries',
            ],
            rows,
          },
        ],
        keyFigures,
        notes: [
          `The same in-process setup as progress-fanout (real TUI on a fake 120×40 TTY, real engine and MCP client, demo model; server \`warden serve --no-auth\` in another process with REVERSE_STEP_MS=0), run with --expose-gc and no output kept. Each turn types "reverse a, b, …" (${CALLS_PER_TURN} words): ${CALLS_PER_TURN} concurrent calls, then the demo model's answer. Readings: process.memoryUsage() after 3 × gc(): once idle (connected, first frame out, then 5 × gc() 200 ms apart so start-up garbage is gone and the heap has shrunk back; without that the idle reading swings by ±15 MB), then after every 5 turns (50 calls).`,
          `Bounds: the live heap may grow by at most ${HEAP_PER_CALL_BOUND_KB} KB per call (least-squares slope over the readings from call ${SLOPE_FROM_CALLS} on), and RSS by at most ${RSS_BOUND_MB} MB from call ${settledCalls} to call ${calls}. The first calls grow RSS once, by some 30–40 MB (V8 sizes its heap spaces up for the allocation rate; JIT code; sockets and buffers), over about 150 calls since Ink's frame builder allocates little per frame (V8 then grows its spaces more slowly; the RSS it ends at is the same); from call ${settledCalls} RSS stays flat unless something leaks, so that step does not count. A chat keeps its history on purpose until /clear: per call a transcript entry, a registry record (up to 200) and the model conversation (tool_use + tool_result) plus its line of the answer; the /clear row shows what is left without it. ${HEAP_PER_CALL_BOUND_KB} KB per call is several times that, while state leaked per progress event or per frame (5 events and ~10 frames per call) would cross it; ${RSS_BOUND_MB} MB over ${calls - settledCalls} calls is the heap bound's ${((HEAP_PER_CALL_BOUND_KB * (calls - settledCalls)) / 1024).toFixed(1)} MB plus allocator slack.`,
          ...trace,
          ...(failed.length
            ? failed.map(({ name, r }) => `${name}: ${r.done}/${r.calls} done; ${[...r.wrongResults, ...r.turnErrors].join('; ')}`)
            : ['Every call completed with the right result.']),
        ],
      };
    } finally {
      await server.stop();
    }
  },
};
