import type { BenchModule, BenchOutcome, KeyFigure } from '../types.js';
import type { Stretch, TuiChildResult } from '../support/tui-child.js';
import { runTuiChild } from '../support/tui-run.js';
import { spawnWarden } from '../support/warden-server.js';
import { percentile, round } from '../support/stats.js';

const CALLS = 16;
/** 5 progress steps 50 ms apart: 20 progress events/s per call, 250 ms per call. */
const STEP_MS = 50;
const STEPS = 5;
/**
 * "~30 frames/s": the UI's own 33 ms frame throttle (each React commit is drawn at once: the
 * transcript's <Static> re-renders with every commit, which makes Ink draw immediately rather than
 * through its maxFps throttle), plus the 1–2 frames per ~300 ms turn that print finished calls.
 */
const FPS_GOAL = 36;
/** Issue 17: TUI + client at most a quarter of a core while 16 calls report progress. */
const CPU_GOAL_PERCENT = 25;
/** A gap a user would see as a stall; the call panes' spinner ticks every 100 ms. */
const GAP_GOAL_MS = 100;

const fps = (s: Stretch): number => (s.ms > 0 ? (1000 * s.frames) / s.ms : NaN);
const cpu = (s: Stretch): number => (s.ms > 0 ? (100 * s.cpuMs) / s.ms : NaN);

/** 16 concurrent reverse calls, each reporting progress 20×/s, through the real client into the real TUI. */
export const progressFanout: BenchModule = {
  name: 'progress-fanout',
  title: 'Progress fan-out: 16 concurrent calls × 20 progress events/s into the TUI renderer',
  async run(ctx): Promise<BenchOutcome> {
    const turns = ctx.quick ? 4 : 12;
    const server = await spawnWarden(ctx, 'fanout-server', undefined, { REVERSE_STEP_MS: String(STEP_MS) });
    try {
      const variants: { name: string; env: Record<string, string> }[] = [
        // `warden` sets NODE_ENV=production itself; the second row is React's development build for comparison.
        { name: 'TUI as shipped (NODE_ENV=production)', env: { NODE_ENV: 'production' } },
        { name: "TUI, React's development build", env: { NODE_ENV: 'development' } },
      ];
      const results: { name: string; r: TuiChildResult }[] = [];
      for (const v of variants) {
        ctx.progress(`${v.name}: 1 warm-up turn + ${turns} turns of ${CALLS} concurrent calls`);
        const r = await runTuiChild(ctx, { serverUrl: server.url, turns, warmupTurns: 1, callsPerTurn: CALLS, columns: 120, rows: 40 }, { env: v.env });
        results.push({ name: v.name, r });
      }
      const rows = results.map(({ name, r }) => [
        name,
        r.calls,
        r.progressEvents,
        round(r.calling.ms / 1000, 2),
        round(fps(r.calling)),
        round(percentile(r.calling.frameGapsMs, 50)),
        round(Math.max(...r.calling.frameGapsMs)),
        `${Math.round(cpu(r.calling))}%`,
        round(fps(r.window)),
        `${Math.round(cpu(r.window))}%`,
        Math.round(r.bytes / 1024),
        r.timelineEntries,
        `${r.done - r.notShown}/${r.calls}`,
      ]);
      const shipped = results[0]?.r as TuiChildResult;
      const keyFigures: KeyFigure[] = [
        { label: 'frames/s while 16 calls report progress', value: fps(shipped.calling), unit: 'frames/s', goal: { op: '<=', target: FPS_GOAL } },
        { label: 'longest gap between frames while calls run', value: Math.max(...shipped.calling.frameGapsMs), unit: 'ms', goal: { op: '<=', target: GAP_GOAL_MS } },
        { label: 'TUI + client CPU while calls run (% of one core)', value: cpu(shipped.calling), unit: '%', goal: { op: '<=', target: CPU_GOAL_PERCENT } },
        { label: 'TUI + client CPU per frame while calls run', value: shipped.calling.frames > 0 ? shipped.calling.cpuMs / shipped.calling.frames : NaN, unit: 'ms' },
        {
          label: 'calls shown finished with their result (✓ line) / calls',
          value: Math.min(...results.map(({ r }) => (r.calls === 0 ? 0 : (r.done - r.notShown) / r.calls))),
          unit: '×',
          goal: { op: '>=', target: 1 },
        },
      ];
      const development = results[1]?.r;
      if (development) keyFigures.push({ label: 'CPU while calls run, as shipped / development build', value: cpu(shipped.calling) / cpu(development.calling), unit: '×' });
      const problems = results.flatMap(({ name, r }) => [
        ...(r.progressEvents !== r.calls * STEPS ? [`${name}: ${r.progressEvents} progress events for ${r.calls} calls, expected ${r.calls * STEPS}`] : []),
        ...(r.wrongResults.length ? [`${name}: wrong or failed calls: ${r.wrongResults.join('; ')}`] : []),
        ...(r.missingLines.length ? [`${name}: no ✓ line in the output for ${r.missingLines.join(', ')}`] : []),
        ...(r.turnErrors.length ? [`${name}: turns that did not end normally: ${r.turnErrors.join('; ')}`] : []),
      ]);
      return {
        status: 'done',
        figures: [
          {
            title: `${turns} turns × ${CALLS} concurrent reverse calls (${STEPS} steps of ${STEP_MS} ms: 20 progress events/s per call, ${CALLS * 20}/s in all)`,
            columns: ['TUI', 'calls', 'progress events', 'calls running s', 'frames/s', 'p50 gap ms', 'max gap ms', 'CPU', 'frames/s whole turns', 'CPU whole turns', 'KiB written', 'perf timeline entries', 'shown ✓'],
            rows,
          },
        ],
        keyFigures,
        notes: [
          `The real chat TUI (runTui: App with its providers, Ink, maxFps 30) renders into a fake 120×40 TTY in its own process (bench/support/tui-child.ts), with the real engine (MCP client, demo model, call registry) against \`warden serve --no-auth\` (REVERSE_STEP_MS=${STEP_MS}) in another process. Each turn types "reverse w…, w…, …" (${CALLS} words) and Enter into the TUI's stdin; the demo model turns it into ${CALLS} concurrent reverse calls, then answers with one paragraph per result. The next turn is typed once the input box is back. One unmeasured warm-up turn first.`,
          'A frame is everything Ink writes in one synchronous run (its synchronised-update markers, erase and content). "calls running" covers the stretches from the first call of a turn starting to the last one ending: the fan-out proper. "whole turns" adds the demo model\'s answer, whose 16 paragraphs are each printed as a <Static> frame at once (Ink does not throttle static output), so it bursts far above 30 frames/s for a few ms per turn.',
          "CPU is process.cpuUsage() of the TUI process (UI + MCP client; the server is elsewhere) over the same stretches, as % of one core. `warden` runs React's production build (it sets NODE_ENV=production); the second row shows what the development build would cost.",
          'Checked per call: done, result = its word reversed, 5 progress events received, and a "✓ reverse "word" · … · drow" line in the terminal output.',
          ...(problems.length ? problems : ['All checks passed for every call.']),
        ],
      };
    } finally {
      await server.stop();
    }
  },
};
