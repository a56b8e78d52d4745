import { homedir } from 'node:os';
import { ConfigError } from '../../config/errors.js';
import type { Env } from '../../config/load.js';
import { createSignInService, type SignInService } from '../core/auth/sign-in-service.js';
import { loadServerConfigs, type ServerFlags } from '../core/host/load-servers.js';
import type { HttpServerConfig, ServerConfig } from '../core/host/server-config.js';

/**
 * The sign-in of a configured server (an `mcpServers` entry), as the chat and the
 * login/logout/status commands build it: its ENTRA_* settings and its SignInService from its
 * `auth` entry, and picking a server by name from the files.
 * Not responsible for signing in or showing anything (the commands and the engine are).
 */

/** The ENTRA_* environment for one server: its configured `entra` settings over the user's variables. */
export function entraEnv(env: Env, server: ServerConfig): Env {
  const auth = server.auth;
  if (auth?.kind !== 'entra' && auth?.kind !== 'client-credentials') return env;
  return {
    ...env,
    ...(auth.scope && { ENTRA_API_SCOPE: auth.scope }),
    ...(auth.tenantId && { ENTRA_TENANT_ID: auth.tenantId }),
    ...(auth.authorityHost && { ENTRA_AUTHORITY_HOST: auth.authorityHost }),
    ...(auth.clientId && { ENTRA_CLIENT_ID: auth.clientId }),
  };
}

export interface ServerSignInOptions {
  env: Env;
  /** Every configured server: an `entra` sign-in also consents to the scopes of the others on the same API. */
  servers?: readonly ServerConfig[];
  approveRun?: boolean;
  onWarning?: (line: string) => void;
}

const apiOf = (scope: string): string => scope.slice(0, Math.max(0, scope.lastIndexOf('/')));

/**
 * The configured scopes of the other `entra` servers that sign in the same way (client, tenant,
 * identity provider) to the same API as `server`: one device code consents to all of them.
 */
export function sameApiScopes(server: ServerConfig, servers: readonly ServerConfig[], env: Env): string[] {
  const own = entraEnv(env, server);
  const scope = own.ENTRA_API_SCOPE?.trim();
  if (!scope || !apiOf(scope)) return [];
  const same = (other: Env): boolean => (['ENTRA_CLIENT_ID', 'ENTRA_TENANT_ID', 'ENTRA_AUTHORITY_HOST'] as const).every((k) => (other[k] ?? '').trim() === (own[k] ?? '').trim());
  const scopes = servers
    .filter((s) => s !== server && s.type !== 'stdio' && s.auth?.kind === 'entra' && s.auth.scope)
    .filter((s) => same(entraEnv(env, s)))
    .map((s) => (s.auth?.kind === 'entra' ? (s.auth.scope ?? '') : ''))
    .filter((s) => s !== scope && apiOf(s) === apiOf(scope));
  return [...new Set(scopes)];
}

/** One HTTP server's sign-in service, from its `auth` entry (a server's own settings win over ENTRA_*). */
export function serverSignInService(server: HttpServerConfig, options: ServerSignInOptions): SignInService {
  const auth = server.auth;
  return createSignInService({
    env: entraEnv(options.env, server),
    serverUrl: server.url,
    ...(options.approveRun !== undefined && { approveRun: options.approveRun }),
    ...(options.onWarning && { deps: { onWarning: options.onWarning } }),
    ...(auth?.kind === 'entra' && options.servers && { alsoConsent: sameApiScopes(server, options.servers, options.env) }),
    ...(auth?.kind === 'oauth' && { oauth: { ...(auth.clientId && { clientId: auth.clientId }), ...(auth.scope && { scope: auth.scope }) } }),
    ...(auth?.kind === 'client-credentials' && {
      appCredentials: { ...(auth.certificateFile && { certificateFile: auth.certificateFile }), ...(auth.federatedTokenFile && { federatedTokenFile: auth.federatedTokenFile }) },
    }),
  });
}

/** The servers of the user's file, the approved project file and --mcp-config files (no shortcut server). */
export async function configuredServers(env: Env, flags: Pick<ServerFlags, 'mcpConfig'> = {}): Promise<ServerConfig[]> {
  const loaded = await loadServerConfigs({ env, home: env.HOME || homedir(), flags });
  return loaded.servers.filter((s) => s.source.kind !== 'shortcut');
}

/** The configured server called `name`; a name no file has is a configuration error naming the ones there are. */
export async function configuredServer(env: Env, name: string, flags: Pick<ServerFlags, 'mcpConfig'> = {}): Promise<ServerConfig> {
  const servers = await configuredServers(env, flags);
  const server = servers.find((s) => s.name === name);
  if (server) return server;
  const known = servers.map((s) => s.name).join(', ');
  throw new ConfigError(`no configured MCP server is called "${name}" (${known ? `configured: ${known}` : 'none is configured: add one with `warden mcp add NAME URL`'})`);
}
