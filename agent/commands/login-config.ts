import { buildLoginConfig, createAuthenticator, loadLoginConfig, type LoginConfig, type WardenAuthenticator } from '../../auth/login/index.js';
import { describeApprovalReason, type ApprovalReason } from '../../auth/login/sign-in-policy.js';
import { ConfigError } from '../../config/errors.js';
import type { Env } from '../../config/load.js';
import { loadAgentConfig } from '../config.js';
import { discoverAuth, type DiscoveredAuth } from '../core/auth/discovery.js';
import { discoveredLoginValues } from '../core/auth/login-factory.js';
import { createSignInGate } from '../core/auth/sign-in-gate.js';
import { ServerApprovalNeededError } from '../core/mcp/errors.js';
import type { CommandContext } from './context.js';

const isSet = (env: Env, name: string): boolean => (env[name] ?? '').trim() !== '';

/** How login and logout users approve a server the sign-in policy refused. */
export const APPROVE_FLAG_HINT = 'run again with --approve-server to approve';

/**
 * Sign-in settings for login/logout/status: ENTRA_* from the environment, or — when only
 * ENTRA_CLIENT_ID is set — the authority and scope the MCP server publishes (RFC 9728), as the chat does.
 */
export async function resolveLoginConfig(
  env: Env,
  signal?: AbortSignal,
  serverUrl = loadAgentConfig(env).serverUrl,
): Promise<{ config: LoginConfig; discovered?: DiscoveredAuth }> {
  if (isSet(env, 'ENTRA_API_SCOPE') || !isSet(env, 'ENTRA_CLIENT_ID')) return { config: loadLoginConfig(env) };
  let discovered;
  try {
    // Ctrl-C stops it, and so does a server that never answers.
    const stop = AbortSignal.any([AbortSignal.timeout(5000), ...(signal ? [signal] : [])]);
    discovered = await discoverAuth(serverUrl, undefined, (url, init) => fetch(url, { ...init, signal: stop }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`ENTRA_API_SCOPE is not set and ${serverUrl} did not say which scope to request (${reason}); set ENTRA_API_SCOPE`);
  }
  return { config: buildLoginConfig(discoveredLoginValues(env, discovered), env), discovered };
}

export interface CommandAuth {
  config: LoginConfig;
  auth: WardenAuthenticator;
  /** With `enforce: false`: what the sign-in policy refused (nothing may be fetched from the provider then). */
  refusal?: ApprovalReason;
  /** Records that the server now holds the scope (after a sign-in it was allowed). */
  bind(): Promise<void>;
}

export interface CommandAuthOptions {
  /** The MCP server whose sign-in this is (default MCP_SERVER_URL). */
  serverUrl?: string;
  /** --approve-server: approve and record what the server asks for. */
  approve?: boolean;
  /** false: report a refusal instead of throwing it (status). Default true. */
  enforce?: boolean;
}

/**
 * The sign-in settings and the Authenticator a login/logout/status command works with (discovered
 * from the server when needed), after the sign-in policy allowed them: a refusal is thrown as
 * ServerApprovalNeededError (one line, exit 1) before anything is sent to the identity provider.
 */
export async function commandAuthenticator(ctx: CommandContext, options: CommandAuthOptions = {}): Promise<CommandAuth> {
  const serverUrl = options.serverUrl ?? loadAgentConfig(ctx.env).serverUrl;
  const { config, discovered } = await resolveLoginConfig(ctx.env, ctx.shutdownSignal, serverUrl);
  const gate = createSignInGate({ env: ctx.env, serverUrl, approveRun: options.approve === true });
  const decision = await gate.check(discovered);
  if (!decision.allowed && options.enforce !== false) {
    throw new ServerApprovalNeededError(decision.reason, describeApprovalReason(decision.reason, APPROVE_FLAG_HINT));
  }
  const auth = createAuthenticator(config, { onWarning: (line) => ctx.stderr.write(`warden: warning: ${line}\n`) });
  return { config, auth, ...(!decision.allowed && { refusal: decision.reason }), bind: () => gate.bind(discovered) };
}
