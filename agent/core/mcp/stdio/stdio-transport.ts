import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import type { Transport } from '@modelcontextprotocol/client';
import type { Env } from '../../../../config/load.js';
import { ensurePrivateDir } from '../../../../config/private-file.js';
import { safeLine } from '../../../../config/terminal-text.js';
import type { StdioServerConfig } from '../../host/server-config.js';
import { readLaunchLine } from './launch-protocol.js';
import { MAX_LOG_BYTES, ServerLog } from './server-log.js';

/**
 * A stdio server as Warden starts it: the SDK's StdioClientTransport (used as it is: the SDK
 * probes the protocol on a disposable sibling only for its own class, which Warden's 2025
 * handshake first — ../protocol-version.ts — leaves to servers that refuse it) running the launcher
 * (stdio-launcher.ts) in front of the command, with a safe base environment plus the server's
 * own `env`; its stderr goes to a bounded per-server log (server-log.ts), and how it ended is
 * reported once, with a terminal-safe reason.
 * Not responsible for MCP (the SDK), reconnecting (the server host), or the HTTP transports.
 */

/** How a stdio server ended, for the host to show and act on (reconnect with back-off). */
export interface StdioExit {
  server: string;
  code: number | null;
  signal: string | null;
  /** Warden closed it (close(), reconnect, exit): not a crash. */
  expected: boolean;
  /** One terminal-safe line, e.g. `exited with code 1: Error: no such file` or `command not found: foo`. */
  reason: string;
  logFile: string;
}

export interface StdioDeps {
  /** The environment the safe base is taken from. */
  env: Env;
  /** Directory of the per-server stderr logs. */
  logDir: string;
  /** Each log file's cap (default 5 MiB; two files are kept). */
  maxLogBytes?: number;
  /** The server process ended (crash, or closed by Warden with `expected`). */
  onExit?: (exit: StdioExit) => void;
}

/** What a stdio server inherits from Warden's environment; never API keys or tokens. */
export const SAFE_ENV_NAMES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'TEMP',
  'TMP',
  // Windows needs these to start most programs.
  'SystemRoot',
  'SYSTEMROOT',
  'COMSPEC',
  'PATHEXT',
  'WINDIR',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'PROGRAMDATA',
];

/** The child's environment: the safe base from `env`, then the server's configured `env`. */
export function stdioEnvironment(config: StdioServerConfig, env: Env): Record<string, string> {
  const base: Record<string, string> = {};
  for (const name of SAFE_ENV_NAMES) {
    const value = env[name];
    if (value !== undefined) base[name] = value;
  }
  return { ...base, ...config.env };
}

/**
 * The launcher program: beside this module once built (dist/agent/core/mcp/stdio/, and the
 * bundle's dist/bundle/), or the build's copy when running from the sources (tests run after
 * `npm run build`).
 */
function launcherPath(): string {
  const built = fileURLToPath(new URL('./stdio-launcher.js', import.meta.url));
  if (existsSync(built)) return built;
  const fromSources = fileURLToPath(new URL('../../../../dist/agent/core/mcp/stdio/stdio-launcher.js', import.meta.url));
  if (existsSync(fromSources)) return fromSources;
  throw new Error('the stdio launcher is not built: run `npm run build`');
}

/** Live launchers, ended when Warden exits however it exits (an `exit` handler must be synchronous). */
const live = new Set<number>();
let exitHookInstalled = false;
function track(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const p of live) {
        try {
          process.kill(p, 'SIGTERM'); // the launcher ends the server's process group
        } catch {
          // already gone
        }
      }
    });
  }
  live.add(pid);
}

type Ended = { code: number | null; signal: string | null } | { error: string };

/** Splits stderr into lines: the launcher's are taken out, the server's go to the log, the last one is kept. */
class StderrTap {
  lastLine = '';
  ended: Ended | undefined;
  /** The launcher's pid, once it said it started the server. */
  launcher: number | undefined;
  private partial = '';
  // A character split across two chunks is joined, not turned into two replacement characters.
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly log: ServerLog,
    private readonly onStarted: (pid: number) => void,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > 64 * 1024) {
      // A line without an end: log it in pieces rather than hold it.
      lines.push(this.partial);
      this.partial = '';
    }
    for (const line of lines) await this.line(line);
  }

  async end(): Promise<void> {
    this.partial += this.decoder.end();
    if (this.partial) await this.line(this.partial);
    this.partial = '';
  }

  private async line(line: string): Promise<void> {
    const launch = readLaunchLine(line);
    if (launch?.event === 'started') {
      this.launcher = launch.pid;
      this.onStarted(launch.pid);
      return;
    }
    if (launch?.event === 'exit') {
      this.ended = 'error' in launch ? { error: launch.error } : { code: launch.code, signal: launch.signal };
      return;
    }
    if (line.trim()) this.lastLine = line;
    await this.log.write(`${line}\n`);
  }
}

function exitReason(ended: Ended | undefined, lastLine: string, command: string): string {
  const last = lastLine ? `: ${safeLine(lastLine, 160)}` : '';
  if (ended && 'error' in ended)
    return ended.error === 'ENOENT' ? `command not found: ${safeLine(command, 80)}` : `could not start ${safeLine(command, 80)} (${safeLine(ended.error, 60)})`;
  if (ended?.signal) return `killed by ${ended.signal}${last}`;
  if (ended && ended.code !== null) return `exited with code ${ended.code}${last}`;
  return `ended${last}`;
}

/** A transport for one connect, and what its owner says before it closes it. */
export interface OpenedTransport {
  transport: Transport;
  /** The owner is about to close it: a stdio server's exit that follows is expected, not a crash. */
  willClose?(): void;
  /** A stdio server wrote lines that are not MCP on stdout: the first (terminal-safe), to say instead of "no answer". */
  strayOutput?(): string | undefined;
}

/**
 * The server's stdout, watched beside the SDK (which skips a line that is not JSON without a
 * word): the first such line, so a server that logs to stdout is reported as doing that rather
 * than as not answering. Reads what the SDK reads; changes nothing.
 */
class StdoutWatch {
  first: string | undefined;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');

  write(chunk: Buffer): void {
    if (this.first !== undefined) return;
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = (lines.pop() ?? '').slice(-64 * 1024);
    for (const line of lines) {
      const text = line.trim();
      if (!text) continue;
      try {
        JSON.parse(text);
      } catch {
        this.first = safeLine(text, 120);
        return;
      }
    }
  }
}

export async function createStdioTransport(config: StdioServerConfig, deps: StdioDeps): Promise<OpenedTransport> {
  const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
  await ensurePrivateDir(deps.logDir);
  // Names from files are already plain (config-schema.ts); a name from elsewhere must not pick the path.
  const logFile = join(deps.logDir, `${config.name.replace(/[^A-Za-z0-9_-]/g, '_')}.log`);
  const log = await ServerLog.open(logFile, deps.maxLogBytes ?? MAX_LOG_BYTES);
  await log.write(`--- ${new Date().toISOString()} starting ${config.name}\n`);
  const command =
    process.platform === 'win32' ? { command: config.command, args: config.args } : { command: process.execPath, args: [launcherPath(), '--', config.command, ...config.args] };
  const watch = new StdoutWatch();
  /** The SDK's transport, with the server's stdout also watched from the moment it starts (a listener beside the SDK's). */
  class WatchedStdioTransport extends StdioClientTransport {
    override start(): Promise<void> {
      const started = super.start();
      // The child exists once start() has run its spawn; its first output comes after this turn.
      this['_process']?.stdout?.on('data', (chunk: Buffer) => watch.write(chunk));
      return started;
    }
  }
  const transport = new WatchedStdioTransport({
    ...command,
    env: stdioEnvironment(config, deps.env),
    ...(config.cwd !== undefined && { cwd: config.cwd }),
    stderr: 'pipe',
  });
  const tap = new StderrTap(log, track);
  // A PassThrough with stderr: 'pipe' (the SDK's type says Stream).
  const stderr = transport.stderr as Readable | null;
  let closing = false;
  let reported = false;
  // The stderr pipe ends after the launcher wrote its exit line: the one moment everything is known.
  const report = async (): Promise<void> => {
    if (reported) return;
    reported = true;
    await tap.end();
    if (tap.launcher !== undefined) live.delete(tap.launcher);
    const ended = tap.ended;
    // Reported once the log holds everything the server wrote.
    await log.close();
    deps.onExit?.({
      server: config.name,
      code: ended && 'code' in ended ? ended.code : null,
      signal: ended && 'signal' in ended ? ended.signal : null,
      expected: closing,
      reason: exitReason(ended, tap.lastLine, config.command),
      logFile,
    });
  };
  // One chunk at a time: the log is written before more is read (a flood waits for the disk).
  stderr?.on('data', (chunk: Buffer) => {
    stderr.pause();
    void tap.write(chunk).finally(() => stderr.resume());
  });
  stderr?.on('end', () => void report());
  return { transport, willClose: () => void (closing = true), strayOutput: () => watch.first };
}
