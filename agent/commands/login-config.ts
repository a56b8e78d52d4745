import { buildLoginConfig, createAuthenticator, loadLoginConfig, type LoginConfig, type WardenAuthenticator } from '../../auth/login/index.js';
import { ConfigError } from '../../config/errors.js';
import type { Env } from '../../config/load.js';
import { loadAgentConfig } from '../config.js';
import { discoverAuth } from '../core/auth/discovery.js';
import { discoveredLoginValues } from '../core/auth/login-factory.js';
import type { CommandContext } from './context.js';

const isSet = (env: Env, name: string): boolean => (env[name] ?? '').trim() !== '';

/**
 * Sign-in settings for login/logout/status: ENTRA_* from the environment, or — when only
 * ENTRA_CLIENT_ID is set — the authority and scope the MCP server publishes (RFC 9728), as the chat does.
 */
export async function resolveLoginConfig(env: Env, signal?: AbortSignal, serverUrl = loadAgentConfig(env).serverUrl): Promise<LoginConfig> {
  if (isSet(env, 'ENTRA_API_SCOPE') || !isSet(env, 'ENTRA_CLIENT_ID')) return loadLoginConfig(env);
  let discovered;
  try {
    // Ctrl-C stops it, and so does a server that never answers.
    const stop = AbortSignal.any([AbortSignal.timeout(5000), ...(signal ? [signal] : [])]);
    discovered = await discoverAuth(serverUrl, undefined, (url, init) => fetch(url, { ...init, signal: stop }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`ENTRA_API_SCOPE is not set and ${serverUrl} did not say which scope to request (${reason}); set ENTRA_API_SCOPE`);
  }
  return buildLoginConfig(discoveredLoginValues(env, discovered), env);
}

/**
 * The sign-in settings and the Authenticator a login/logout/status command works with (discovered
 * from `serverUrl`, default MCP_SERVER_URL, when needed); warnings go to stderr.
 */
export async function commandAuthenticator(ctx: CommandContext, serverUrl?: string): Promise<{ config: LoginConfig; auth: WardenAuthenticator }> {
  const config = await resolveLoginConfig(ctx.env, ctx.shutdownSignal, serverUrl);
  const auth = createAuthenticator(config, { onWarning: (line) => ctx.stderr.write(`warden: warning: ${line}\n`) });
  return { config, auth };
}
