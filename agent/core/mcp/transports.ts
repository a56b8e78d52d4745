/**
 * One SDK v2 client transport per configured server: Streamable HTTP (`http`), the legacy
 * HTTP+SSE transport (`sse`) and stdio. HTTP transports send the configured headers on every
 * request; a stdio server gets a safe base environment plus only its configured `env`, runs in
 * its own process group (ended with Warden), writes stderr to a per-server log file, and its
 * exit is reported as an event with a sanitised reason.
 *
 * Not responsible for: reconnecting or back-off (the server host), sign-in (the AuthProvider
 * passed in), interpreting configuration (agent/core/host/).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { AuthProvider, FetchLike, Transport } from '@modelcontextprotocol/client';
import { ensurePrivateDir } from '../../../config/private-file.js';
import type { Env } from '../../../config/load.js';
import { safeLine } from '../../../config/terminal-text.js';
import { USER_AGENT } from '../../../config/version.js';
import type { HttpServerConfig, ServerConfig, StdioServerConfig } from '../host/server-config.js';
import { tracingFetch } from '../telemetry/propagation.js';
import { honouringRetryAfter } from './retry-after.js';
import { loadMcpSdk } from './sdk.js';
import { EXIT_MARK, launcherCommand } from './stdio-launcher.js';

/** How a stdio server ended, for the host to show and act on (reconnect with back-off). */
export interface StdioExit {
  server: string;
  code: number | null;
  signal: string | null;
  /** Warden closed it (close(), exit): not a crash. */
  expected: boolean;
  /** One terminal-safe line, e.g. `exited with code 1: Error: no such file` or `command not found: foo`. */
  reason: string;
  logFile: string;
}

export interface TransportDeps {
  /** http/sse: sign-in (absent: no Authorization header). */
  authProvider?: AuthProvider;
  fetch?: FetchLike;
  /** stdio: the environment the safe base is taken from (default process.env). */
  env?: Env;
  /** stdio: directory of the per-server stderr logs (default ~/.config/warden/logs). */
  logDir: string;
  /** stdio: the server process ended (crash, or closed by Warden with `expected`). */
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

/** A server's log is cut back to empty when it has grown past this at start. */
const MAX_LOG_BYTES = 5 * 1024 * 1024;

export async function createTransport(config: ServerConfig, deps: TransportDeps): Promise<Transport> {
  return config.type === 'stdio' ? createStdioTransport(config, deps) : createHttpTransport(config, deps);
}

/**
 * fetch refuses a URL with userinfo (and would quote it in the error): `user:password@` becomes
 * HTTP Basic authentication, as curl does, unless the configuration sets Authorization itself.
 */
export function splitUserinfo(rawUrl: string, headers: Record<string, string>): { url: URL; headers: Record<string, string> } {
  const url = new URL(rawUrl);
  if (!url.username && !url.password) return { url, headers };
  const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  url.username = '';
  url.password = '';
  const hasAuthorization = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  return { url, headers: hasAuthorization ? headers : { ...headers, Authorization: `Basic ${basic}` } };
}

/** Warden says who it is on every MCP request (server logs, rate limits), unless the configuration sets its own User-Agent. */
function withUserAgent(headers: Record<string, string>): Record<string, string> {
  return Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent') ? headers : { 'User-Agent': USER_AGENT, ...headers };
}

async function createHttpTransport(config: HttpServerConfig, deps: TransportDeps): Promise<Transport> {
  const { SSEClientTransport, StreamableHTTPClientTransport } = await loadMcpSdk();
  const { url, headers } = splitUserinfo(config.url, withUserAgent(config.headers));
  // A 429's Retry-After is waited out once; with tracing on, every request carries the trace (traceparent).
  const fetch = honouringRetryAfter(tracingFetch(deps.fetch));
  const options = {
    ...(deps.authProvider && { authProvider: deps.authProvider }),
    fetch,
    // The SDK sets these on every request of both transports (the SSE stream's GET included).
    requestInit: { headers },
  };
  return config.type === 'sse' ? new SSEClientTransport(url, options) : new StreamableHTTPClientTransport(url, options);
}

/** The child's environment: the safe base from `env`, then the server's configured `env`. */
export function stdioEnvironment(config: StdioServerConfig, env: Env): Record<string, string> {
  const base: Record<string, string> = {};
  for (const name of SAFE_ENV_NAMES) {
    const value = env[name];
    if (value !== undefined) base[name] = value;
  }
  return { ...base, ...config.env };
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

async function openLog(path: string): Promise<WriteStream> {
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size > MAX_LOG_BYTES) await truncate(path, 0);
  return createWriteStream(path, { flags: 'a', mode: 0o600 });
}

/** Collects stderr lines: the launcher's exit line is taken out, the rest goes to the log, the last one is kept. */
class StderrTap {
  lastLine = '';
  exit: { code: number | null; signal: string | null; error?: string } | undefined;
  private partial = '';
  // A character split across two chunks is joined, not turned into two replacement characters.
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly log: WriteStream) {}

  write(chunk: Buffer): void {
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > 64 * 1024) {
      // A line without an end: log it in pieces rather than hold it.
      lines.push(this.partial);
      this.partial = '';
    }
    for (const line of lines) this.line(line);
  }

  end(): void {
    this.partial += this.decoder.end();
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  private line(line: string): void {
    if (line.startsWith(EXIT_MARK)) {
      try {
        this.exit = JSON.parse(line.slice(EXIT_MARK.length)) as StderrTap['exit'];
      } catch {
        // a forged or cut line: the exit stays unknown
      }
      return;
    }
    this.log.write(`${line}\n`);
    if (line.trim()) this.lastLine = line;
  }
}

function exitReason(exit: StderrTap['exit'], lastLine: string, command: string): string {
  const last = lastLine ? `: ${safeLine(lastLine, 160)}` : '';
  if (exit?.error === 'ENOENT') return `command not found: ${safeLine(command, 80)}`;
  if (exit?.error) return `could not start ${safeLine(command, 80)} (${safeLine(exit.error, 60)})`;
  if (exit?.signal) return `killed by ${exit.signal}${last}`;
  if (exit && exit.code !== null) return `exited with code ${exit.code}${last}`;
  return `ended${last}`;
}

async function createStdioTransport(config: StdioServerConfig, deps: TransportDeps): Promise<Transport> {
  const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
  await ensurePrivateDir(deps.logDir);
  // Names from files are already plain (config-schema.ts); a name from elsewhere must not pick the path.
  const logFile = join(deps.logDir, `${config.name.replace(/[^A-Za-z0-9_-]/g, '_')}.log`);
  const log = await openLog(logFile);
  log.write(`--- ${new Date().toISOString()} starting ${config.name}\n`);
  const launcher = process.platform === 'win32' ? { command: config.command, args: config.args } : launcherCommand(config.command, config.args);
  const transport = new StdioClientTransport({
    ...launcher,
    env: stdioEnvironment(config, deps.env ?? process.env),
    ...(config.cwd !== undefined && { cwd: config.cwd }),
    stderr: 'pipe',
  });
  const tap = new StderrTap(log);
  transport.stderr?.on('data', (chunk: Buffer) => tap.write(chunk));

  let closing = false;
  let reported = false;
  // Kept here: the SDK forgets the pid when the process closes, and a stale pid must not stay in `live`.
  let pid: number | null = null;
  const report = (): void => {
    if (reported) return;
    reported = true;
    tap.end();
    if (pid !== null) live.delete(pid);
    const exit = tap.exit;
    deps.onExit?.({
      server: config.name,
      code: exit?.code ?? null,
      signal: exit?.signal ?? null,
      expected: closing,
      reason: exitReason(exit, tap.lastLine, config.command),
      logFile,
    });
    log.end();
  };
  // The stderr pipe ends after the launcher wrote its exit line: the one moment everything is known.
  transport.stderr?.on('end', report);

  const start = transport.start.bind(transport);
  transport.start = async () => {
    await start();
    pid = transport.pid;
    if (pid !== null) track(pid);
  };
  const close = transport.close.bind(transport);
  transport.close = async () => {
    closing = true;
    await close();
  };
  return transport;
}
