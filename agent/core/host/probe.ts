/**
 * "Does this server answer now?" for `warden mcp list`: connect through the server's transport,
 * list its tools, close — bounded by a short timeout. The outcome is one terminal-safe line.
 *
 * Not responsible for: sign-in (a server that wants a token is reported as needing sign-in;
 * only `auth.kind: bearer` sends one), keeping connections (the server host does that).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { AuthProvider } from '@modelcontextprotocol/client';
import type { Env } from '../../../config/load.js';
import { printableUrl } from '../../../config/printable-url.js';
import { safeLine } from '../../../config/terminal-text.js';
import { WARDEN_VERSION } from '../../../config/version.js';
import { redactServerText } from './redact.js';
import { classifyMcpError } from '../mcp/errors.js';
import { loadMcpSdk } from '../mcp/sdk.js';
import { createTransport, type StdioExit } from '../mcp/transports.js';
import type { ServerConfig } from './server-config.js';

export type ProbeResult = { ok: true; tools: number } | { ok: false; reason: string };

export interface ProbeOptions {
  env: Env;
  logDir: string;
  timeoutMs: number;
}

function bearer(config: ServerConfig, env: Env): AuthProvider | undefined {
  if (config.auth?.kind !== 'bearer') return undefined;
  const name = config.auth.tokenEnv;
  return { token: async () => env[name] };
}

export async function probeServer(config: ServerConfig, options: ProbeOptions): Promise<ProbeResult> {
  if (config.unavailable !== undefined) return { ok: false, reason: config.unavailable };
  const { Client } = await loadMcpSdk();
  let exit: StdioExit | undefined;
  let exited!: () => void;
  const exitSeen = new Promise<void>((resolve) => (exited = resolve));
  const authProvider = bearer(config, options.env);
  const opened = await createTransport(config, {
    env: options.env,
    logDir: options.logDir,
    ...(authProvider && { authProvider }),
    onExit: (e) => {
      exit = e;
      exited();
    },
  });
  const client = new Client({ name: 'warden', version: WARDEN_VERSION }, { versionNegotiation: { mode: 'auto' } });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout()), options.timeoutMs);
  });
  try {
    const tools = await Promise.race([
      (async () => {
        await client.connect(opened.transport);
        return (await client.listTools()).tools.length;
      })(),
      timeout,
    ]);
    return { ok: true, tools };
  } catch (error) {
    // A stdio server that died is reported once its stderr has ended, just after the connection closed.
    if (config.type === 'stdio' && !(error instanceof ProbeTimeout)) await Promise.race([exitSeen, delay(1000)]);
    return { ok: false, reason: reasonFor(error, config, options.env, exit, options.timeoutMs) };
  } finally {
    clearTimeout(timer);
    opened.willClose?.();
    await client.close().catch(() => undefined);
  }
}

class ProbeTimeout extends Error {}

function reasonFor(error: unknown, config: ServerConfig, env: Env, exit: StdioExit | undefined, timeoutMs: number): string {
  if (error instanceof ProbeTimeout) return `no answer within ${Math.round(timeoutMs / 100) / 10} s`;
  if (exit && !exit.expected) return exit.reason;
  const target = config.type === 'stdio' ? config.command : printableUrl(config.url);
  const failure = classifyMcpError(error, target);
  if (failure.kind === 'sign-in') return 'needs sign-in (warden login)';
  return safeLine(redactServerText(failure.message, config, env), 200);
}
