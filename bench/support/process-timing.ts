import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

export interface TimedRun {
  /** ms from just before spawn() to the moment each mark was first seen in stdout; absent if it never appeared. */
  marks: Record<string, number | undefined>;
  /** ms from spawn to exit when the process ended by itself (no marks given, or it quit early). */
  exitMs?: number;
  /** Everything the process wrote to stdout, for diagnosis. */
  output: string;
}

export interface PtyRunOptions {
  /** A shell command line, run by `script` in a new pseudo-terminal. */
  command: string;
  env: Record<string, string>;
  cwd: string;
  /** name → text to wait for in the terminal output (ANSI escapes are stripped before matching). */
  marks: Record<string, string | RegExp>;
  /** Terminal size set with stty before the command (a fresh pty is 0×0). */
  columns?: number;
  rows?: number;
  timeoutMs?: number;
}

/** Whether util-linux `script` (a pseudo-terminal without native modules) is on PATH. */
export function haveScript(): boolean {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && /util-linux/.test(`${probe.stdout}${probe.stderr}`);
}

// biome-ignore lint/complexity/useRegexLiterals: String.raw keeps the escapes readable
const ANSI = new RegExp(String.raw`\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])`, 'g');

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Runs `command` in a pseudo-terminal (`script -qfec`, flushing every write) and times each mark
 * from spawn (with no marks: until it exits). Once all marks are seen (or on timeout) it is
 * stopped: SIGKILL to `script` closes the terminal, whose hang-up ends the program in it; anything
 * still there after 3 s is killed too.
 */
export async function timeInPty(o: PtyRunOptions): Promise<TimedRun> {
  const size = `stty cols ${o.columns ?? 120} rows ${o.rows ?? 40}; `;
  const marks: Record<string, number | undefined> = Object.fromEntries(Object.keys(o.marks).map((k) => [k, undefined]));
  let output = '';
  let exitMs: number | undefined;
  let stopping = false;
  const started = performance.now();
  const child = spawn('script', ['-qfec', `${size}exec ${o.command}`, '/dev/null'], { env: o.env, cwd: o.cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, o.timeoutMs ?? 15_000);
    let plain = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const at = performance.now() - started;
      output += chunk;
      // Escapes may be split across chunks; the text so far is re-stripped (small: one screen or two).
      plain = stripAnsi(output);
      let all = true;
      for (const [name, wanted] of Object.entries(o.marks)) {
        if (marks[name] === undefined && (typeof wanted === 'string' ? plain.includes(wanted) : wanted.test(plain))) marks[name] = at;
        if (marks[name] === undefined) all = false;
      }
      if (all && Object.keys(o.marks).length > 0) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      if (!stopping) exitMs = performance.now() - started;
      clearTimeout(timer);
      resolve();
    });
  });
  if (child.exitCode === null && child.signalCode === null) {
    stopping = true;
    const inside = descendants(child.pid as number);
    // SIGKILL: on SIGTERM or SIGHUP script waits for its child, which may take seconds to go.
    child.kill('SIGKILL');
    await exited;
    // The terminal's hang-up ends the program in it; wait for that, so it never competes with the next run.
    await reap(inside);
  }
  return { marks, output, ...(exitMs !== undefined && { exitMs }) };
}

/** Every live descendant of a process (Linux /proc; empty elsewhere). */
function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

function alive(pid: number): boolean {
  try {
    // A zombie has exited; it only waits to be reaped.
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Waits up to 3 s for these processes to end, then kills what is left. */
async function reap(pids: number[]): Promise<void> {
  const deadline = performance.now() + 3000;
  while (pids.some(alive) && performance.now() < deadline) await delay(10);
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** ms from spawn() to exit of a short command (no shell, stdio ignored); throws unless it exits 0. */
export async function timeToExit(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { env, cwd, stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${String(code)}`);
  return ms;
}
