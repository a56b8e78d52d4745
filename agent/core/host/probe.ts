/**
 * "Does this server answer now?" for `warden mcp list`: connect through the server's transport
 * with its sign-in (a token it holds or can refresh silently; nobody is asked to sign in), list its
 * tools (counted as the chat counts them: offered-tools.ts), close — bounded by its connect
 * timeout, through the session a turn would use. The outcome is one terminal-safe line.
 *
 * Not responsible for: signing in (a server that wants one is reported with the command that
 * does it), keeping connections (the server host does that).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Env } from '../../../config/load.js';
import { safeLine } from '../../../config/terminal-text.js';
import type { ServerSignIn } from '../auth/kinds/kind.js';
import { loginCommand } from '../auth/settings.js';
import type { ClientFeatures } from '../mcp/client-features.js';
import { McpSession, McpSessionError } from '../mcp/session.js';
import { createTransport, type StdioExit } from '../mcp/transports.js';
import { offeredTools } from './offered-tools.js';
import { printableTarget } from './printable-target.js';
import { redactServerText } from './redact.js';
import type { ServerConfig } from './server-config.js';

export type ProbeResult = { ok: true; tools: number } | { ok: false; reason: string };

export interface ProbeOptions {
  env: Env;
  logDir: string;
  timeoutMs: number;
  /** The server's sign-in: a token it holds (or can refresh silently) is sent; nobody is asked to sign in. */
  signIn?: ServerSignIn;
}

/** The chat's capabilities, answered as a listing should: no roots, every question declined, logs ignored. */
const PROBE_FEATURES: ClientFeatures = {
  roots: () => [],
  elicit: async () => ({ action: 'decline' }),
  sample: async () => {
    throw new Error('warden mcp list does not run the model');
  },
  onLog: () => undefined,
};

export async function probeServer(config: ServerConfig, options: ProbeOptions): Promise<ProbeResult> {
  if (config.unavailable !== undefined) return { ok: false, reason: config.unavailable };
  let exit: StdioExit | undefined;
  let exited!: () => void;
  const exitSeen = new Promise<void>((resolve) => (exited = resolve));
  const auth = options.signIn?.connect(() => undefined);
  const authProvider = auth?.provider;
  const fetch = auth?.session?.watchFetch(undefined);
  // The session a turn would use (its protocol rule and capabilities included, so the server lists
  // the tools it lists for a turn); nothing is asked of the user, and no root is offered.
  const session = new McpSession({
    features: PROBE_FEATURES,
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
        ...(fetch && { fetch }),
        onExit: (e) => {
          exit = e;
          exited();
        },
      }),
    onConnection: () => undefined,
  });
  try {
    await session.connect();
    // The count /mcp and the status bar show: what the model would be offered.
    return { ok: true, tools: offeredTools(config, session.connectedTools() ?? []).length };
  } catch (error) {
    const failure = error instanceof McpSessionError ? error.failure : undefined;
    // A stdio server that died is reported once its stderr has ended, just after the connection closed.
    if (config.type === 'stdio') await Promise.race([exitSeen, delay(1000)]);
    if (failure?.kind === 'unreachable' && failure.timedOutMs !== undefined) return { ok: false, reason: `no answer within ${Math.round(failure.timedOutMs / 100) / 10} s` };
    // A server that wrote something else than MCP: that, before the exit its closing caused.
    if (failure?.kind === 'unreachable' && failure.permanent) return { ok: false, reason: safeLine(failure.message, 200) };
    if (exit && !exit.expected) return { ok: false, reason: exit.reason };
    // Nobody signed in (or the sign-in lapsed): the command that fixes it; any other reason as the sign-in put it.
    if (failure?.kind === 'sign-in' && /^not signed in|refused the access token/.test(failure.message))
      return { ok: false, reason: `needs sign-in (${safeLine(options.signIn ? loginCommand(options.signIn.settings) : 'warden login', 100)})` };
    return { ok: false, reason: safeLine(failure?.message ?? String(error), 200) };
  } finally {
    await session.close();
  }
}
