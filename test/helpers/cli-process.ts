import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI (`npm test` builds first), spawned as a user would run it. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/bundle/cli.js', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr (already written or to come); rejects if the process exits first. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr' | 'any'): Promise<RegExpMatchArray>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it lingers; resolves when it has exited. */
  stop(): Promise<void>;
}

export interface StartCliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
}

/**
 * Spawns `node dist/bundle/cli.js ...args` with a clean env (only what is passed plus PATH and a
 * fresh temporary HOME), so a developer's own .env, ANTHROPIC_API_KEY, ~/.config/warden (server
 * files, saved permissions, audit log, token cache) never leak into a test or get written by one.
 */
export function startCli(args: string[], options: StartCliOptions = {}): CliProcess {
  const home = mkdtempSync(join(tmpdir(), 'warden-cli-home-'));
  // `serve` on SIGTERM would keep serving for 5 s so load balancers notice (MCP_DRAIN_DELAY_MS): tests that drain set their own.
  const env: Record<string, string> = { HOME: home, MCP_DRAIN_DELAY_MS: '0' };
  for (const key of ['PATH', 'TMPDIR', 'LANG', 'TERM']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env,
    // A neutral cwd so no developer `.env` or `.mcp.json` is picked up.
    cwd: options.cwd ?? home,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((w) => w());
  child.stdout?.setEncoding('utf8').on('data', (d: string) => ((out += d), notify()));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => ((err += d), notify()));
  if (options.input !== undefined) child.stdin?.end(options.input);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    notify();
    rmSync(home, { recursive: true, force: true });
  });

  const waitFor: CliProcess['waitFor'] = (pattern, stream = 'any') =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const text = stream === 'stdout' ? out : stream === 'stderr' ? err : `${out}\n${err}`;
        const match = text.match(pattern);
        if (match) {
          waiters.delete(check);
          resolve(match);
        } else if (hasExited) {
          waiters.delete(check);
          reject(new Error(`process exited before ${pattern} appeared.\nstdout:\n${out}\nstderr:\n${err}`));
        }
      };
      waiters.add(check);
      check();
    });

  const stop = async (): Promise<void> => {
    if (hasExited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  return { child, stdout: () => out, stderr: () => err, waitFor, exited, stop };
}
