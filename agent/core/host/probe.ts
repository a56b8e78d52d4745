/**
 * "Does this server answer now?" for `warden mcp list`: connect through the server's transport,
 * list its tools, close — bounded by its connect timeout, through the session a turn would use. The
 * outcome is one terminal-safe line.
 *
 * Not responsible for: sign-in (a server that wants a token is reported as needing sign-in;
 * only `auth.kind: bearer` sends one), keeping connections (the server host does that).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { AuthProvider } from '@modelcontextprotocol/client';
import type { Env } from '../../../config/load.js';
import { safeLine } from '../../../config/terminal-text.js';
import { McpSession, McpSessionError } from '../mcp/session.js';
import { createTransport, type StdioExit } from '../mcp/transports.js';
import { printableTarget } from './printable-target.js';
import { redactServerText } from './redact.js';
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
  let exit: StdioExit | undefined;
  let exited!: () => void;
  const exitSeen = new Promise<void>((resolve) => (exited = resolve));
  const authProvider = bearer(config, options.env);
  // The session a turn would use (its protocol rule included), without features: nothing is asked.
  const session = new McpSession({
    target: printableTarget(config),
    redact: (text) => redactServerText(text, config, options.env),
    stdio: config.type === 'stdio',
    ...(config.protocolVersion && { protocolVersion: config.protocolVersion }),
    connectTimeoutMs: options.timeoutMs,
    ...(authProvider && { authProvider }),
    openTransport: () =>
      createTransport(config, {
        env: options.env,
        logDir: options.logDir,
        ...(authProvider && { authProvider }),
        onExit: (e) => {
          exit = e;
          exited();
        },
      }),
    onConnection: () => undefined,
  });
  try {
    await session.connect();
    return { ok: true, tools: session.connectedTools()?.length ?? 0 };
  } catch (error) {
    const failure = error instanceof McpSessionError ? error.failure : undefined;
    // A stdio server that died is reported once its stderr has ended, just after the connection closed.
    if (config.type === 'stdio') await Promise.race([exitSeen, delay(1000)]);
    if (failure?.kind === 'unreachable' && failure.timedOutMs !== undefined) return { ok: false, reason: `no answer within ${Math.round(failure.timedOutMs / 100) / 10} s` };
    if (exit && !exit.expected) return { ok: false, reason: exit.reason };
    if (failure?.kind === 'sign-in') return { ok: false, reason: 'needs sign-in (warden login)' };
    return { ok: false, reason: safeLine(failure?.message ?? String(error), 200) };
  } finally {
    await session.close();
  }
}
