/**
 * Child process for the TUI benchmarks (progress-fanout, memory): the real chat TUI (`runTui`:
 * App with its providers, as `warden` renders it) on a fake terminal, driven by typed prompts,
 * with the real engine (MCP client, demo model, call registry) against a `--no-auth` server.
 *
 *   node tui-child.js '<TuiChildConfig as JSON>'   → one JSON line (TuiChildResult) on stdout
 *
 * Run with --expose-gc for the memory readings. Its own process, so CPU time and memory are the
 * TUI's and the client's alone (the server runs in another process).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { FakeTtyIn, FakeTtyOut } from './fake-terminal.js';
import { stripAnsi } from './process-timing.js';

export interface TuiChildConfig {
  serverUrl: string;
  /** Turns to run one after another; each asks for `callsPerTurn` reverse calls at once. */
  turns: number;
  /** Unmeasured turns first (JIT, connection set-up); their calls are still checked. */
  warmupTurns: number;
  callsPerTurn: number;
  columns: number;
  rows: number;
  /** memory: keep no output, gc and sample memory idle and after every `sampleEvery` turns. */
  memory?: { sampleEvery: number };
  /** Type /clear after every turn (forgets the conversation, finished calls and transcript): what is left growing is not history. */
  clearAfterTurn?: boolean;
}

export interface MemorySample {
  calls: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/** Frames and CPU over some stretch of time. */
export interface Stretch {
  ms: number;
  frames: number;
  /** Gaps between consecutive frames inside the stretch, ms. */
  frameGapsMs: number[];
  /** CPU ms of this process (TUI + client). */
  cpuMs: number;
}

export interface TuiChildResult {
  /** The measured turns, from the first prompt to the frame after the last turn ended. */
  window: Stretch;
  /** The parts of the window in which calls were running (the fan-out proper, without the model's answers). */
  calling: Stretch;
  totalFrames: number;
  bytes: number;
  calls: number;
  done: number;
  progressEvents: number;
  /** Calls that failed or whose result was not their word reversed (first few). */
  wrongResults: string[];
  /** Done calls whose ✓ line is not in the terminal output (not checked in memory runs), and the first few of them. */
  notShown: number;
  missingLines: string[];
  turnErrors: string[];
  /** Entries in the process's performance timeline (React's development build adds a measure per component render). */
  timelineEntries: number;
  memory?: { idle: MemorySample; samples: MemorySample[] };
}

const READY = 'Type a message';

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with --expose-gc');
  // A few passes: finalizers and weak references free more on the next one.
  for (let i = 0; i < 3; i++) collect();
}

function sample(calls: number): MemorySample {
  gc();
  const m = process.memoryUsage();
  return { calls, rssBytes: m.rss, heapUsedBytes: m.heapUsed };
}

/** Distinct words per call, so each result and each ✓ line can be checked on its own. */
function wordFor(turn: number, call: number): string {
  return `w${String(turn).padStart(3, '0')}c${String(call).padStart(2, '0')}x`;
}

/** Adds the frames and CPU time from `since` to `until` to a stretch. */
function addStretch(stretch: Stretch, stdout: FakeTtyOut, since: { at: number; frame: number; cpu: NodeJS.CpuUsage }, until: number): void {
  const cpu = process.cpuUsage(since.cpu);
  stretch.ms += until - since.at;
  stretch.cpuMs += (cpu.user + cpu.system) / 1000;
  const times = stdout.frameTimes.slice(since.frame);
  stretch.frames += times.length;
  for (let i = 1; i < times.length; i++) stretch.frameGapsMs.push((times[i] as number) - (times[i - 1] as number));
}

const reversed = (word: string): string => [...word].reverse().join('');

/** What is kept of each finished call (checked at its turn's end, before a /clear could drop it). */
interface Tally {
  calls: number;
  done: number;
  progressEvents: number;
  wrongResults: string[];
  /** Words whose ✓ line must be in the output. */
  shown: string[];
}

async function main(config: TuiChildConfig): Promise<TuiChildResult> {
  // Ink renders nothing but the last frame in CI mode; the benchmark wants a terminal's behaviour.
  for (const key of Object.keys(process.env)) if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_')) delete process.env[key];
  const [{ runTui }, { createAgentEngine }, { loadAgentConfig }, { TERMINAL_STATUSES }] = await Promise.all([
    import('../../agent/ui/run.js'),
    import('../../agent/core/engine.js'),
    import('../../agent/config.js'),
    import('../../agent/core/tool-calls/types.js'),
  ]);

  const stdin = new FakeTtyIn();
  const stdout = new FakeTtyOut(config.columns, config.rows, config.memory ? 0 : Number.POSITIVE_INFINITY);
  const stderr = new FakeTtyOut(config.columns, config.rows, 0);
  const base = createAgentEngine(loadAgentConfig({}, { server: config.serverUrl, noAuth: true }), {});
  const tally: Tally = { calls: 0, done: 0, progressEvents: 0, wrongResults: [], shown: [] };
  // Told when the UI acted on typed input (a turn started, the history was cleared), and when a turn ended.
  let acted: (() => void) | undefined;
  let turnEnded: ((error?: string) => void) | undefined;
  // The calls of the current turn, so telling whether any still runs looks at 16 records, not the registry's whole history on every change.
  const turnCalls: string[] = [];
  let callsChanged = (): void => undefined;
  const anyRunning = (): boolean =>
    turnCalls.some((id) => {
      const status = base.registry.get(id)?.status;
      return status !== undefined && !TERMINAL_STATUSES.has(status);
    });
  const engine: typeof base = {
    ...base,
    async runTurn(prompt, options) {
      acted?.();
      turnCalls.length = 0;
      const result = await base.runTurn(prompt, {
        ...options,
        onEvent: (event) => {
          if (event.type === 'tool-call') {
            turnCalls.push(event.callId);
            callsChanged();
          }
          options?.onEvent?.(event);
        },
      });
      for (const id of result.callIds) {
        const r = base.registry.get(id);
        if (!r) continue;
        const word = String(r.args.text);
        tally.calls++;
        tally.progressEvents += r.progressEvents;
        if (r.status === 'done' && r.result === reversed(word)) {
          tally.done++;
          if (!config.memory) tally.shown.push(word);
        } else if (tally.wrongResults.length < 5) tally.wrongResults.push(`${word}: ${r.status} ${r.result ?? r.error ?? ''}`);
      }
      turnEnded?.(result.stopReason === 'end_turn' ? undefined : `${result.stopReason}: ${result.error ?? ''}`);
      return result;
    },
    clearHistory() {
      acted?.();
      base.clearHistory();
    },
  };
  const shutdown = new AbortController();
  const ctx = { env: {}, stdin, stdout, stderr, shutdownSignal: shutdown.signal };
  const ready = (): Promise<void> => stdout.nextFrame((frame) => stripAnsi(frame).includes(READY));
  const firstReady = ready();
  const exited = runTui(engine, ctx as unknown as Parameters<typeof runTui>[1]);

  /** Types a line; again if the input box had not taken keys yet (its handler comes back just after the frame that shows it). */
  const typeLine = async (line: string): Promise<void> => {
    for (let attempt = 0; attempt <= 500; attempt++) {
      const took = new Promise<boolean>((resolve) => {
        acted = () => resolve(true);
        setTimeout(() => resolve(false), 10);
      });
      stdin.type(`${line}\r`);
      if (await took) return;
    }
    throw new Error(`the TUI did not take "${line.slice(0, 40)}…"`);
  };

  await firstReady;
  await new Promise<void>((resolve, reject) => {
    const check = (): boolean => {
      const c = base.getStatus().connection;
      if (c.state === 'connected') resolve();
      else if (c.state !== 'connecting') reject(new Error(`not connected: ${JSON.stringify(c)}`));
      else return false;
      return true;
    };
    if (check()) return;
    const stop = base.subscribeStatus(() => {
      if (check()) stop();
    });
  });
  // Let the "connected" frame out before anything is measured.
  await delay(100);

  // Idle means idle: start-up garbage collected and the heap shrunk back (RSS right after start swings by ±15 MB).
  if (config.memory) {
    for (let i = 0; i < 5; i++) {
      gc();
      await delay(200);
    }
  }
  const idle = config.memory ? sample(0) : undefined;
  const samples: MemorySample[] = [];
  const turnErrors: string[] = [];

  // Stretches in which calls run: from the first call of a turn starting to the last one ending.
  const calling: Stretch = { ms: 0, frames: 0, frameGapsMs: [], cpuMs: 0 };
  let measuring = false;
  let callingSince: { at: number; frame: number; cpu: NodeJS.CpuUsage } | undefined;
  const closeCalling = (): void => {
    if (!callingSince) return;
    addStretch(calling, stdout, callingSince, performance.now());
    callingSince = undefined;
  };
  if (!config.memory) {
    callsChanged = () => {
      const active = anyRunning();
      if (active && !callingSince && measuring) callingSince = { at: performance.now(), frame: stdout.frames, cpu: process.cpuUsage() };
      else if (!active) closeCalling();
    };
  }
  const unsubscribe = base.registry.subscribe(() => callsChanged());

  let windowStart: { at: number; frame: number; cpu: NodeJS.CpuUsage } | undefined;
  for (let turn = 0; turn < config.warmupTurns + config.turns; turn++) {
    if (turn === config.warmupTurns) {
      measuring = true;
      windowStart = { at: performance.now(), frame: stdout.frames, cpu: process.cpuUsage() };
    }
    const words = Array.from({ length: config.callsPerTurn }, (_, call) => wordFor(turn, call));
    const ended = new Promise<string | undefined>((resolve) => (turnEnded = resolve));
    await typeLine(`reverse ${words.join(', ')}`);
    const error = await ended;
    closeCalling();
    if (error && turnErrors.length < 3) turnErrors.push(error);
    await ready();
    if (config.clearAfterTurn) {
      const cleared = ready();
      await typeLine('/clear');
      await cleared;
    }
    if (config.memory && turn >= config.warmupTurns && (turn + 1 - config.warmupTurns) % config.memory.sampleEvery === 0) {
      samples.push(sample((turn + 1) * config.callsPerTurn));
    }
  }
  unsubscribe();
  const window: Stretch = { ms: 0, frames: 0, frameGapsMs: [], cpuMs: 0 };
  if (windowStart) addStretch(window, stdout, windowStart, performance.now());

  const plain = config.memory ? '' : stripAnsi(stdout.output());
  const notShown = tally.shown.filter((word) => !new RegExp(`✓ reverse "${word}" · [^\\n]* · ${reversed(word)}`).test(plain));

  shutdown.abort();
  await exited;
  await base.close();
  return {
    window,
    calling,
    totalFrames: stdout.frames,
    bytes: stdout.bytes,
    calls: tally.calls,
    done: tally.done,
    progressEvents: tally.progressEvents,
    wrongResults: tally.wrongResults,
    notShown: notShown.length,
    missingLines: notShown.slice(0, 5),
    turnErrors,
    timelineEntries: performance.getEntries().length,
    ...(idle && { memory: { idle, samples } }),
  };
}

const config = JSON.parse(process.argv[2] ?? '{}') as TuiChildConfig;
main(config).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`tui-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
