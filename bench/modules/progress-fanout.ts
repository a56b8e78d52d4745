import type { BenchModule, BenchOutcome, KeyFigure } from '../types.js';
import type { Stretch, TuiChildResult } from '../support/tui-child.js';
import { runTuiChild } from '../support/tui-run.js';
import { spawnSdkPeer } from '../support/sdk-peer.js';
import { spawnWarden } from '../support/warden-server.js';
import { percentile, round } from '../support/stats.js';

const CALLS = 16;
/** Progress steps 50 ms apart: 20 progress events/s per call. */
const STEP_MS = 50;
/** The sustained storm: 40 steps, so 16 calls keep reporting for 2 s (the SDK peer's reverse). */
const STORM_STEPS = 40;
/** Warden's own reverse: always 5 steps, so calls end after 250 ms and each turn's start and finish weigh in. */
const WARDEN_STEPS = 5;
/**
 * "~30 frames/s": the UI's own 33 ms frame throttle (each React commit is drawn at once: the
 * transcript's <Static> re-renders with every commit, which makes Ink draw immediately rather than
 * through its maxFps throttle), plus the frames that print finished calls.
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
    const stormTurns = ctx.quick ? 2 : 6;
    const shortTurns = ctx.quick ? 4 : 12;
    const storm = await spawnSdkPeer(ctx, 'sdk-peer-storm', STORM_STEPS, STEP_MS);
    const warden = await spawnWarden(ctx, 'fanout-server', undefined, { REVERSE_STEP_MS: String(STEP_MS) });
    try {
      const variants: { name: string; url: string; steps: number; turns: number; env: Record<string, string> }[] = [
        // `warden` sets NODE_ENV=production itself; the development build is there for comparison.
        { name: `sustained storm (${STORM_STEPS} steps, 2 s calls), TUI as shipped`, url: storm.url, steps: STORM_STEPS, turns: stormTurns, env: { NODE_ENV: 'production' } },
        { name: `sustained storm, React's development build`, url: storm.url, steps: STORM_STEPS, turns: stormTurns, env: { NODE_ENV: 'development' } },
        {
          name: `Warden's reverse (${WARDEN_STEPS} steps, 250 ms calls), TUI as shipped`,
          url: warden.url,
          steps: WARDEN_STEPS,
          turns: shortTurns,
          env: { NODE_ENV: 'production' },
        },
      ];
      const results: { name: string; steps: number; r: TuiChildResult }[] = [];
      for (const v of variants) {
        ctx.progress(`${v.name}: 1 warm-up turn + ${v.turns} turns of ${CALLS} concurrent calls`);
        const r = await runTuiChild(ctx, { serverUrl: v.url, turns: v.turns, warmupTurns: 1, callsPerTurn: CALLS, columns: 120, rows: 40 }, { env: v.env });
        results.push({ name: v.name, steps: v.steps, r });
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
      const [shipped, development, short] = results.map(({ r }) => r) as [TuiChildResult, TuiChildResult, TuiChildResult];
      const keyFigures: KeyFigure[] = [
        { label: 'frames/s while 16 calls report progress', value: fps(shipped.calling), unit: 'frames/s', goal: { op: '<=', target: FPS_GOAL } },
        { label: 'longest gap between frames while calls run', value: Math.max(...shipped.calling.frameGapsMs), unit: 'ms', goal: { op: '<=', target: GAP_GOAL_MS } },
        { label: 'TUI + client CPU while 16 calls report progress (% of one core)', value: cpu(shipped.calling), unit: '%', goal: { op: '<=', target: CPU_GOAL_PERCENT } },
        { label: 'TUI + client CPU per frame while calls run', value: shipped.calling.frames > 0 ? shipped.calling.cpuMs / shipped.calling.frames : NaN, unit: 'ms' },
        {
          label: 'calls shown finished with their result (✓ line) / calls',
          value: Math.min(...results.map(({ r }) => (r.calls === 0 ? 0 : (r.done - r.notShown) / r.calls))),
          unit: '×',
          goal: { op: '>=', target: 1 },
        },
        { label: 'CPU while calls run, as shipped / development build', value: cpu(shipped.calling) / cpu(development.calling), unit: '×' },
        { label: "CPU while Warden's 250 ms calls run (each turn's 16 starts and finishes included)", value: cpu(short.calling), unit: '%' },
      ];
      const problems = results.flatMap(({ name, steps, r }) => [
        ...(r.progressEvents !== r.calls * steps ? [`${name}: ${r.progressEvents} progress events for ${r.calls} calls, expected ${r.calls * steps}`] : []),
        ...(r.wrongResults.length ? [`${name}: wrong or failed calls: ${r.wrongResults.join('; ')}`] : []),
        ...(r.missingLines.length ? [`${name}: no ✓ line in the output for ${r.missingLines.join(', ')}`] : []),
        ...(r.turnErrors.length ? [`${name}: turns that did not end normally: ${r.turnErrors.join('; ')}`] : []),
      ]);
      return {
        status: 'done',
        figures: [
          {
            title: `${CALLS} concurrent reverse calls per turn, progress every ${STEP_MS} ms (20 events/s per call, ${CALLS * 20}/s in all): ${stormTurns} turns of the sustained storm per build, ${shortTurns} of Warden's own reverse`,
            columns: [
              'TUI',
              'calls',
              'progress events',
              'calls running s',
              'frames/s',
              'p50 gap ms',
              'max gap ms',
              'CPU',
              'frames/s whole turns',
              'CPU whole turns',
              'KiB written',
              'perf timeline entries',
              'shown ✓',
            ],
            rows,
          },
        ],
        keyFigures,
        notes: [
          `The real chat TUI (runTui: App with its providers, Ink, maxFps 30) renders into a fake 120×40 TTY in its own process (bench/support/tui-child.ts), with the real engine (MCP client, demo model, call registry) against an MCP server in another process: for the sustained storm bench/peer/sdk-server.ts (SDK v2, a reverse tool reporting ${STORM_STEPS} steps ${STEP_MS} ms apart, so 16 calls report for 2 s, the storm the goal is about), and for the last row \`warden serve --no-auth\` (REVERSE_STEP_MS=${STEP_MS}; its reverse always takes ${WARDEN_STEPS} steps, so every 250 ms a turn's 16 call starts and finishes weigh in as much as the progress between them). Each turn types "reverse w…, w…, …" (${CALLS} words) and Enter into the TUI's stdin; the demo model turns it into ${CALLS} concurrent reverse calls, then answers with one paragraph per result. The next turn is typed once the input box is back. One unmeasured warm-up turn first.`,
          'A frame is everything Ink writes in one synchronous run (its synchronised-update markers, erase and content). "calls running" covers the stretches from the first call of a turn starting to the last one ending: the fan-out proper. "whole turns" adds the demo model\'s answer, whose 16 paragraphs are each printed as a <Static> frame at once (Ink does not throttle static output), so it bursts far above 30 frames/s for a few ms per turn.',
          "CPU is process.cpuUsage() of the TUI process (UI + MCP client; the server is elsewhere) over the same stretches, as % of one core. `warden` runs React's production build (it sets NODE_ENV=production); the second row shows what the development build would cost. The goals are read from the first row.",
          'Checked per call: done, result = its word reversed, every progress event received (40 or 5), and a "✓ reverse "word" · … · drow" line in the terminal output.',
          ...(problems.length ? problems : ['All checks passed for every call.']),
        ],
      };
    } finally {
      await Promise.all([storm.stop(), warden.stop()]);
    }
  },
};
