import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Env } from '../../config/load.js';
import { loadServerConfig, type ServerConfig, type ServerFlags } from '../../mcp-server/config.js';
import type { Logger, LogLevel } from '../../mcp-server/log.js';
import { startMcpServer, type RunningServer, type ServerDeps } from '../../mcp-server/server.js';

export interface LogRecord {
  level: LogLevel;
  event: string;
  [field: string]: unknown;
}

/** Keeps log records so tests can wait for a server-side event instead of sleeping. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];
  private waiters = new Set<() => void>();

  log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
    this.records.push({ ...fields, level, event });
    this.waiters.forEach((w) => w());
  }

  /** Resolves with the first record (already logged or still to come) that matches. */
  waitFor(match: (r: LogRecord) => boolean): Promise<LogRecord> {
    return new Promise((resolve) => {
      const check = (): void => {
        const found = this.records.find(match);
        if (found) {
          this.waiters.delete(check);
          resolve(found);
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  events(event: string): LogRecord[] {
    return this.records.filter((r) => r.event === event);
  }
}

export interface TestServer {
  server: RunningServer;
  config: ServerConfig;
  logger: RecordingLogger;
}

/**
 * The real server on 127.0.0.1:0 with a recording logger; reverse steps default to 5 ms and
 * the NWS retry pause to 0. `adjust` edits the loaded config before the server starts.
 */
export async function startTestServer(env: Env = {}, flags: ServerFlags = {}, deps: ServerDeps = {}, adjust: (config: ServerConfig) => void = () => {}): Promise<TestServer> {
  const config = loadServerConfig({ REVERSE_STEP_MS: '5', ...env }, { port: 0, ...flags });
  config.nws.retryDelayMs = 0;
  adjust(config);
  const logger = new RecordingLogger();
  const server = await startMcpServer(config, { logger, ...deps });
  return { server, config, logger };
}

export interface ConnectOptions {
  token?: string;
  /** 'modern' negotiates 2026-07-28 (what Warden's agent does); a version string pins a 2025-era revision. */
  protocol?: 'modern' | string;
}

/** The SDK's real client over Streamable HTTP. */
export async function connectClient(url: string, options: ConnectOptions = {}): Promise<Client> {
  const protocol = options.protocol ?? 'modern';
  const client =
    protocol === 'modern'
      ? new Client({ name: 'warden-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } })
      : new Client({ name: 'warden-test', version: '1.0.0' }, { supportedProtocolVersions: [protocol] });
  const token = options.token;
  const transport = new StreamableHTTPClientTransport(new URL(url), token ? { authProvider: { token: async () => token } } : {});
  await client.connect(transport);
  return client;
}
