/**
 * Where the configured MCP servers enter the program: Claude Code's ~/.claude.json (read-only),
 * the user file, the project's `.mcp.json` and `--mcp-config` files (precedence for one name:
 * --mcp-config > project > user > Claude Code's local scope > Claude Code's user scope), plus the
 * one-server shortcut (`--server` / `MCP_SERVER_URL`, a server named `server`), and which of a
 * project file's servers wait for the user's approval.
 *
 * Not responsible for: connecting (the server host), asking the user (the TUI), printing.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { UsageError } from '../../../config/errors.js';
import type { Env } from '../../../config/load.js';
import { DEFAULT_SERVER_URL, shortcutServerUrl } from '../../config.js';
import type { PermissionRule, SavedRule } from '../permissions/policy.js';
import { claudeConfigFile, readClaudeServers } from './claude-config.js';
import { readServerFile, type ServerFile } from './config-files.js';
import { projectServerFile, trustStoreFile, userServerFile } from './paths.js';
import type { ServerConfig } from './server-config.js';
import { isProjectFileApproved } from './trust-store.js';

export const SECOND_SERVER = '--server takes one URL; for several servers use --mcp-config FILE or `warden mcp add NAME URL`';

export interface ServerFlags {
  /** `--server URL`; more than one is a usage error (several servers belong in a file). */
  server?: string[];
  /** `--mcp-config FILE`, repeatable; a later file wins over an earlier one for the same name. */
  mcpConfig?: string[];
  /** `--trust-project-servers`: use an unapproved project file's servers (for `-p`, CI). */
  trustProjectServers?: boolean;
}

export interface LoadServerOptions {
  env: Env;
  flags?: ServerFlags;
  /** Where `.mcp.json` is looked for and --mcp-config paths are resolved; default process.cwd(). */
  cwd?: string;
  /** Default os.homedir(); the user file is ~/.config/warden/mcp.json. */
  home?: string;
  /** Default ~/.config/warden/trusted-mcp-files.json under `home`. */
  trustStorePath?: string;
}

/** A project file whose servers (and allow rules) wait for approval: approveProjectFile(file, hash), then load again. */
export interface UntrustedProjectFile {
  file: string;
  hash: string;
  servers: ServerConfig[];
  /** Its `permissions.allow` patterns: tools it would let run without asking. */
  allowRules: string[];
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

/**
 * A project server needs approval when it starts a program or reads the environment: otherwise a
 * cloned repository could run code or send `${ANTHROPIC_API_KEY}` to a server of its choosing.
 */
function needsApproval(server: ServerConfig, file: ServerFile): boolean {
  return server.type === 'stdio' || file.usingEnv.has(server.name);
}

/** The configured servers; throws ConfigError (one line naming file, server and key) or UsageError. */
export async function loadServerConfigs(options: LoadServerOptions): Promise<LoadedServers> {
  const { env, flags = {} } = options;
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? homedir();
  if ((flags.server?.length ?? 0) > 1) {
    throw new UsageError(SECOND_SERVER);
  }
  const shortcut = shortcutServerUrl(env, flags.server?.[0]);

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
  const claude = await readClaudeServers(claudeConfigFile(home), cwd, env);
  claude.servers.forEach(use);

  const userFile = userServerFile(home);
  const user = await readServerFile(userFile, { kind: 'user', file: userFile }, env, true);
  user?.servers.forEach(use);
  if (user) {
    rulesOf(user, true);
    // Only the user's own file holds what they saved from a prompt.
    permissions.saved.push(...(user.permissions.saved ?? []));
  }

  const projectFile = projectServerFile(cwd);
  const project = await readServerFile(projectFile, { kind: 'project', file: projectFile }, env, true);
  if (project) {
    const waiting = project.servers.filter((s) => needsApproval(s, project));
    // A cloned repository must not be able to let its own tools run unasked: its allow rules wait for approval too.
    const allowRules = project.permissions.allow ?? [];
    const approved =
      (waiting.length === 0 && allowRules.length === 0) ||
      flags.trustProjectServers === true ||
      (await isProjectFileApproved(project.path, project.hash, { storePath: options.trustStorePath ?? trustStoreFile(home) }));
    for (const server of project.servers) {
      if (approved || !waiting.includes(server)) use(server);
      else {
        // An approved user-file server of the same name must not run in its place either.
        byName.delete(server.name);
        skipped.push({ name: server.name, reason: `${project.path} is not approved yet (it starts programs or reads your environment)` });
      }
    }
    rulesOf(project, approved);
    if (!approved) untrusted.push({ file: project.path, hash: project.hash, servers: waiting, allowRules });
  }

  for (const file of flags.mcpConfig ?? []) {
    const path = resolve(cwd, file);
    const flagged = await readServerFile(path, { kind: 'flag', file: path }, env, false);
    flagged?.servers.forEach(use);
    if (flagged) rulesOf(flagged, true);
  }

  // The shortcut is the one server when nothing is configured (the demo and MCP_SERVER_URL users).
  const url = shortcut ?? (byName.size === 0 && untrusted.length === 0 ? DEFAULT_SERVER_URL : undefined);
  if (url !== undefined) {
    // Its sign-in is Entra unless --no-auth (agent/core/auth/settings.ts decides, for every path alike).
    const via = flags.server?.[0] !== undefined ? 'flag' : shortcut !== undefined ? 'env' : undefined;
    use({ name: 'server', source: { kind: 'shortcut', ...(via && { via }) }, type: 'http', url, headers: {} });
  }
  return { servers: [...byName.values()], skipped, untrusted, permissions, notices: claude.notices };
}

/** One line for `-p` (stderr) about a project file whose servers were not started. */
export function untrustedNotice(file: UntrustedProjectFile): string {
  const names = file.servers.map((s) => s.name).join(', ');
  const what = [names && `skipped ${names}`, file.allowRules.length > 0 && 'ignored its permissions.allow'].filter(Boolean).join(' and ');
  return `${what} from ${file.file}: the file is not approved (run warden once to approve it, or pass --trust-project-servers)`;
}
