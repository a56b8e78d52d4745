import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

export interface ServerProcess {
  /** The MCP endpoint the process printed, e.g. http://127.0.0.1:41234/mcp. */
  url: string;
  pid: number;
  /** Everything the process wrote to stderr (its log), read back from the log file. */
  log(): string;
  stop(): Promise<void>;
}

export interface SpawnServerOptions {
  command: string;
  args: string[];
  /** The complete environment (nothing of the bench's own is inherited but PATH and HOME). */
  env: Record<string, string>;
  /** stderr goes here, so a chatty server can never block on a full pipe. */
  logFile: string;
  startTimeoutMs?: number;
  /** A CPU list (`taskset -c`) the process runs on; unset = any CPU. */
  cpus?: string;
}

const LISTENING = /listening on (http:\/\/\S+\/mcp)/;

/**
 * Starts a server in its own process (so it never shares an event loop or a core's time
 * slice with the load generator) and resolves once it prints `listening on <url>`.
 */
export async function spawnServer(o: SpawnServerOptions): Promise<ServerProcess> {
  const logFd = openSync(o.logFile, 'w');
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() };
  // A neutral cwd: no developer .env is picked up.
  // taskset execs the command: the pid stays the server's own (its CPU time is read from /proc/<pid>).
  const [command, args] = o.cpus === undefined ? [o.command, o.args] : ['taskset', ['-c', o.cpus, o.command, ...o.args]];
  const child = spawn(command, args, { env: { ...base, ...o.env }, cwd: tmpdir(), stdio: ['ignore', 'pipe', logFd] });
  closeSync(logFd);
  const exited = once(child, 'exit');
  const log = (): string => readFileSync(o.logFile, 'utf8');

  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let started = false;
    const timer = setTimeout(() => fail(`did not start within ${o.startTimeoutMs ?? 30_000} ms`), o.startTimeoutMs ?? 30_000);
    const fail = (why: string): void => {
      if (started) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${o.command} ${o.args.join(' ')} ${why}\n${out}${log().slice(-2000)}`));
    };
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = LISTENING.exec(out);
      if (match?.[1] && !started) {
        started = true;
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(([code]) => fail(`exited with ${String(code)} before listening`));
  });

  return {
    url,
    pid: child.pid as number,
    log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
