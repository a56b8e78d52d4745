/**
 * Where the configured MCP servers enter the program: Claude Code's ~/.claude.json (read-only),
 * the user file, the project's `.mcp.json` and `--mcp-config` files (precedence for one name:
 * --mcp-config > project > user > Claude Code's local scope > Claude Code's user scope), plus the
 * one-server shortcut (`--server` / `MCP_SERVER_URL`, a server named `server`), and what of a
 * project file waits for the user's approval (issue 21: a repository is data, not authority).
 *
 * Until the user approved the project file (its SHA-256, or --trust-project for one run):
 * - a server that starts a program, would be sent a credential (its `auth`, the `${VAR}`s it sends
 *   — settings.ts `unapprovedCredentials`, the one check) or would replace a server of the user's
 *   own file by name is not used;
 * - the others run, but without the `trust` the file gives them (every tool asks);
 * - its `permissions.allow` is ignored (its `deny` always counts).
 *
 * Not responsible for: connecting (the server host), asking the user (the chat), printing.
 */
import { resolve } from 'node:path';
import { UsageError } from '../../../config/errors.js';
import type { Env } from '../../../config/load.js';
import { DEFAULT_SERVER_URL, shortcutServerUrl } from '../../config.js';
import { signInSettings, unapprovedCredentials } from '../auth/settings.js';
import type { PermissionRule, SavedRule, Trust } from '../permissions/policy.js';
import { claudeConfigFile, readClaudeServers } from './claude-config.js';
import { readServerFile, type ServerFile } from './config-files.js';
import type { ServerEntry } from './config-schema.js';
import { APPROVE_HINT } from './agent-env.js';
import { printableTarget } from './printable-target.js';
import { projectServerFile, trustStoreFile, userServerFile } from './paths.js';
import type { ServerConfig } from './server-config.js';
import { isProjectFileApproved } from './trust-store.js';

export const SECOND_SERVER = '--server takes one URL; for several servers use --mcp-config FILE or `warden mcp add NAME URL`';
export const STRICT_WITHOUT_SERVERS = '--strict-mcp-config uses only the servers of --mcp-config FILE (or --server URL): give one';

export interface ServerFlags {
  /** `--server URL`; more than one is a usage error (several servers belong in a file). */
  server?: string[];
  /** `--mcp-config FILE`, repeatable; a later file wins over an earlier one for the same name. */
  mcpConfig?: string[];
  /** `--trust-project`: use an unapproved project file as if approved, for this run (for `-p`, CI). */
  trustProject?: boolean;
  /**
   * `--strict-mcp-config` (Claude Code's flag): only the servers of --mcp-config (and --server) —
   * none from ~/.claude.json, the user file, `.mcp.json` or MCP_SERVER_URL. Permission rules still
   * come from the user's file.
   */
  strict?: boolean;
}

export interface LoadServerOptions {
  env: Env;
  flags?: ServerFlags;
  /** Where `.mcp.json` is looked for and --mcp-config paths are resolved. */
  cwd: string;
  /** The user file is ~/.config/warden/mcp.json under it. */
  home: string;
  /** Default ~/.config/warden/trusted-mcp-files.json under `home`. */
  trustStorePath?: string;
}

/** A project file not approved yet, and what approving it would grant: approveProjectFile(file, hash), then load again. */
export interface UntrustedProjectFile {
  file: string;
  hash: string;
  /** Servers that wait for the approval (they start programs, would be sent credentials, or take a name of yours). */
  servers: ServerConfig[];
  /** Servers that run meanwhile without the trust the file gives them. */
  trust: { name: string; trust: Trust }[];
  /** Its `permissions.allow` patterns: tools it would let run without asking. */
  allowRules: string[];
  /** Every server entry as written (nothing expanded): what the approval shows. */
  entries: Record<string, ServerEntry>;
  /** The user's own servers a file server of the same name would replace: name → where it points. */
  replaces: Record<string, string>;
}

/** Tool permissions from the files: patterns with the file that set them, and the rules the user saved. */
export interface FilePermissionRules {
  allow: PermissionRule[];
  deny: PermissionRule[];
  saved: SavedRule[];
}

export interface LoadedServers {
  /** The servers to connect, in a stable order (first appearance; a later file replaces in place). */
  servers: ServerConfig[];
  /** Servers not used, with one line saying why (e.g. an unapproved project file). */
  skipped: { name: string; reason: string }[];
  untrusted: UntrustedProjectFile[];
  permissions: FilePermissionRules;
  /** Problems with files Warden reads but does not own (~/.claude.json), one line each: they never stop Warden. */
  notices: string[];
}

/** Why a project server waits for the file's approval; empty when it may run meanwhile (without its trust). */
function waitsFor(server: ServerConfig, options: { env: Env; home: string; cwd: string; userServer: ServerConfig | undefined }): string[] {
  const why: string[] = [];
  if (server.type === 'stdio') why.push('it starts a program');
  const settings = signInSettings(server, options);
  const credentials = unapprovedCredentials(settings);
  if (credentials.includes('environment')) why.push(`it sends ${server.variables?.map((v) => `\${${v}}`).join(', ')}`);
  // A server without `auth` signs in only if it asks, and not before the file is approved (server-sign-in.ts).
  if (credentials.length > 0 && settings.kind.value !== 'none' && settings.kind.value !== 'server') why.push('it signs in with your account');
  if (options.userServer) why.push(`it would replace your server "${server.name}"`);
  return why;
}

/** The configured servers; throws ConfigError (one line naming file, server and key) or UsageError. */
export async function loadServerConfigs(options: LoadServerOptions): Promise<LoadedServers> {
  const { env, flags = {} } = options;
  const { cwd, home } = options;
  if ((flags.server?.length ?? 0) > 1) {
    throw new UsageError(SECOND_SERVER);
  }
  const strict = flags.strict === true;
  if (strict && (flags.mcpConfig?.length ?? 0) === 0 && flags.server?.[0] === undefined) throw new UsageError(STRICT_WITHOUT_SERVERS);
  const shortcut = strict ? flags.server?.[0] : shortcutServerUrl(env, flags.server?.[0]);

  const byName = new Map<string, ServerConfig>();
  const skipped: LoadedServers['skipped'] = [];
  const untrusted: UntrustedProjectFile[] = [];
  const use = (server: ServerConfig): void => {
    byName.set(server.name, server);
  };

  const permissions: FilePermissionRules = { allow: [], deny: [], saved: [] };
  const rulesOf = (file: ServerFile, withAllow: boolean): void => {
    permissions.deny.push(...(file.permissions.deny ?? []).map((pattern) => ({ pattern, file: file.path })));
    if (withAllow) permissions.allow.push(...(file.permissions.allow ?? []).map((pattern) => ({ pattern, file: file.path })));
  };

  // Claude Code's servers first: the user's own Warden settings win for one name.
  const claude = strict ? { servers: [], notices: [] } : await readClaudeServers(claudeConfigFile(home), cwd, env);
  claude.servers.forEach(use);

  const userFile = userServerFile(home);
  const user = await readServerFile(userFile, { kind: 'user', file: userFile }, env, true);
  if (!strict) user?.servers.forEach(use);
  if (user) {
    rulesOf(user, true);
    // Only the user's own file holds what they saved from a prompt.
    permissions.saved.push(...(user.permissions.saved ?? []));
  }

  const projectFile = projectServerFile(cwd);
  const project = strict ? undefined : await readServerFile(projectFile, { kind: 'project', file: projectFile, approved: false }, env, true);
  if (project) {
    const approved = flags.trustProject === true || (await isProjectFileApproved(project.path, project.hash, { storePath: options.trustStorePath ?? trustStoreFile(home) }));
    const waiting: ServerConfig[] = [];
    const trust: UntrustedProjectFile['trust'] = [];
    const replaces: Record<string, string> = {};
    for (const read of project.servers) {
      const server: ServerConfig = { ...read, source: { kind: 'project', file: project.path, approved } };
      const userServer = byName.get(server.name);
      if (userServer) replaces[server.name] = printableTarget(userServer);
      if (approved) {
        use(server);
        continue;
      }
      const why = waitsFor(server, { env, home, cwd, userServer });
      if (why.length > 0) {
        // The user's own server of that name goes on as it is.
        waiting.push(server);
        skipped.push({ name: server.name, reason: `${project.path} is not approved yet (${why.join('; ')})` });
        continue;
      }
      const { trust: lowered, ...asks } = server;
      if (lowered !== undefined && lowered !== 'ask') trust.push({ name: server.name, trust: lowered });
      use(asks as ServerConfig);
    }
    // A cloned repository must not be able to let its own tools run unasked: its allow rules wait for approval too.
    const allowRules = project.permissions.allow ?? [];
    rulesOf(project, approved);
    if (!approved && (waiting.length > 0 || trust.length > 0 || allowRules.length > 0)) {
      untrusted.push({ file: project.path, hash: project.hash, servers: waiting, trust, allowRules, entries: project.entries, replaces });
    }
  }

  for (const file of flags.mcpConfig ?? []) {
    const path = resolve(cwd, file);
    const flagged = await readServerFile(path, { kind: 'flag', file: path }, env, false);
    flagged?.servers.forEach(use);
    if (flagged) rulesOf(flagged, true);
  }

  // The shortcut is the one server when nothing is configured (the demo and MCP_SERVER_URL users).
  const url = shortcut ?? (byName.size === 0 && untrusted.length === 0 && !strict ? DEFAULT_SERVER_URL : undefined);
  if (url !== undefined) {
    // Its sign-in is Entra unless --no-auth (agent/core/auth/settings.ts decides, for every path alike).
    const via = flags.server?.[0] !== undefined ? 'flag' : shortcut !== undefined ? 'env' : undefined;
    use({ name: 'server', source: { kind: 'shortcut', ...(via && { via }) }, type: 'http', url, headers: {} });
  }
  return { servers: [...byName.values()], skipped, untrusted, permissions, notices: claude.notices };
}

/** One line for `-p` (stderr) about a project file that is not approved: what was left out, and the flag. */
export function untrustedNotice(file: UntrustedProjectFile): string {
  const names = file.servers.map((s) => s.name).join(', ');
  const trust = file.trust.map((t) => `${t.name} ("${t.trust}")`).join(', ');
  const what = [names && `skipped ${names}`, trust && `ignored the trust of ${trust}`, file.allowRules.length > 0 && 'ignored its permissions.allow'].filter(Boolean).join('; ');
  return `${what} from ${file.file}: the file is not approved (${APPROVE_HINT}, or pass --trust-project)`;
}
