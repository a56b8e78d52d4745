import { didYouMean } from '../../config/did-you-mean.js';
import { safeLine } from '../../config/terminal-text.js';
import { ConfigError } from '../../config/errors.js';
import type { Env } from '../../config/load.js';
import { loadAgentConfig } from '../config.js';
import { demoDir, readDemoSignIn } from '../demo-stack/demo-settings.js';
import type { ServerSignIn } from '../core/auth/kinds/kind.js';
import { createSignInDirectory, type SignInDirectory, type SignInDirectoryOptions } from '../core/auth/server-sign-in.js';
import { loadServerConfigs, type ServerFlags } from '../core/host/load-servers.js';
import type { HttpServerConfig, ServerConfig } from '../core/host/server-config.js';
import type { CommandContext } from './context.js';

/**
 * The sign-ins the commands work with: the directory built from the command's environment, the
 * configured servers (by name) and the one-server shortcut (`warden login` without a name).
 * Not responsible for signing in or what is shown (login.ts, logout.ts, status.ts, chat.ts).
 */

export type CommandSignInOptions = Partial<Pick<SignInDirectoryOptions, 'servers' | 'approveRun' | 'approvalHint' | 'noAuth'>> & {
  /** One line for the user (a corrupt cache moved aside); default: `warden: warning: …` on stderr. */
  onWarning?: (line: string) => void;
  /**
   * status, login and logout of the shortcut: where the user set up no sign-in of their own (no
   * ENTRA_CLIENT_ID), the demo's settings stand in (demo-settings.ts). Never for a turn.
   */
  demoFallback?: boolean;
};

/** The demo's sign-in settings when they stand in for the user's (none of their own, and the demo ran here). */
export function demoStandIn(ctx: CommandContext): ReturnType<typeof readDemoSignIn> {
  return ctx.env.ENTRA_CLIENT_ID ? undefined : readDemoSignIn(demoDir(ctx.env, ctx.home));
}

/** The sign-in directory for a command, from its environment; warnings go to stderr. */
export function commandSignIns(ctx: CommandContext, { onWarning, demoFallback, ...options }: CommandSignInOptions = {}): SignInDirectory {
  const demo = demoFallback ? demoStandIn(ctx) : undefined;
  return createSignInDirectory({
    env: ctx.env,
    home: ctx.home,
    cwd: ctx.cwd,
    ...options,
    ...(demo && { shortcutEntra: demo }),
    authenticatorDeps: { onWarning: onWarning ?? ((line) => ctx.stderr.write(`warden: warning: ${line}\n`)) },
  });
}

/** The one-server shortcut as the commands see it: MCP_SERVER_URL (or --server), else the default URL. */
export function shortcutServer(env: Env, flag?: string): HttpServerConfig {
  const config = loadAgentConfig(env, flag !== undefined ? { server: flag } : {});
  return { name: 'server', source: { kind: 'shortcut', ...(config.serverUrlVia && { via: config.serverUrlVia }) }, type: 'http', url: config.serverUrl, headers: {} };
}

/** The servers a turn with these flags uses: the configured ones, and the shortcut when named (or when nothing is configured). */
export async function turnServers(ctx: CommandContext, flags: Pick<ServerFlags, 'mcpConfig' | 'server'> = {}): Promise<ServerConfig[]> {
  return (await loadServerConfigs({ env: ctx.env, home: ctx.home, cwd: ctx.cwd, flags })).servers;
}

/** The servers of the user's file, the approved project file and --mcp-config files (no shortcut server), and those left out. */
async function loadConfigured(ctx: CommandContext, flags: Pick<ServerFlags, 'mcpConfig'>) {
  const loaded = await loadServerConfigs({ env: ctx.env, home: ctx.home, cwd: ctx.cwd, flags });
  return { servers: loaded.servers.filter((s) => s.source.kind !== 'shortcut'), skipped: loaded.skipped };
}

/** The servers of the user's file, the approved project file and --mcp-config files (no shortcut server). */
export async function configuredServers(ctx: CommandContext, flags: Pick<ServerFlags, 'mcpConfig'> = {}): Promise<ServerConfig[]> {
  return (await loadConfigured(ctx, flags)).servers;
}

/** The configured server called `name`; a name no file has (or one waiting for approval) is a configuration error saying so. */
export async function configuredServer(ctx: CommandContext, name: string, flags: Pick<ServerFlags, 'mcpConfig'> = {}): Promise<ServerConfig> {
  const { servers, skipped } = await loadConfigured(ctx, flags);
  const server = servers.find((s) => s.name === name);
  if (server?.unavailable !== undefined) throw new ConfigError(`server "${name}" cannot be used: ${server.unavailable}`);
  if (server) return server;
  const waiting = skipped.find((s) => s.name === name);
  if (waiting) throw new ConfigError(`server "${name}" cannot be used yet: ${waiting.reason}; run \`warden trust\` in that directory to review and approve it`);
  const names = servers.map((s) => s.name);
  const meant = didYouMean(name, names);
  throw new ConfigError(
    `no configured MCP server is called "${safeLine(name, 64)}"${meant || ` (${names.length > 0 ? `configured: ${names.join(', ')}` : 'none is configured: add one with `warden mcp add NAME URL`'})`}`,
  );
}

/** The sign-in `warden login|logout [NAME]` works on: the named server's, else the shortcut's. */
export async function commandSignIn(ctx: CommandContext, name: string | undefined, options: { mcpConfig?: string[]; approveRun?: boolean } = {}): Promise<ServerSignIn> {
  if (name === undefined) return commandSignIns(ctx, { approveRun: options.approveRun === true, demoFallback: true }).forServer(shortcutServer(ctx.env));
  const server = await configuredServer(ctx, name, options.mcpConfig ? { mcpConfig: options.mcpConfig } : {});
  if (server.type === 'stdio') throw new ConfigError(`${name} runs as a program (stdio): Warden signs in to HTTP servers only`);
  return commandSignIns(ctx, { approveRun: options.approveRun === true }).forServer(server);
}
