/**
 * Claude Code's own file, `~/.claude.json`, read-only: the servers of its `user` scope
 * (top-level `mcpServers`) and of its default `local` scope for the working directory
 * (`projects["<absolute dir>"].mcpServers`), so servers added with `claude mcp add` work in
 * Warden unchanged. The file is the user's own (in their home, written by their Claude Code), so
 * its servers are user-level: no approval, as for ~/.config/warden/mcp.json.
 *
 * Warden does not own this file: a problem in it never stops Warden. A file that is not JSON is
 * one notice; an entry Warden cannot use is that server `unavailable` with the reason, or (a name
 * Warden cannot give its tools) a notice. Everything else in the file (history, account,
 * approvals of `.mcp.json` servers) is neither read nor kept.
 *
 * Not responsible for: precedence against Warden's own files (load-servers.ts), the entry format
 * and `${VAR}` expansion (config-files.ts, the same as for `.mcp.json`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import type { Env } from '../../../config/load.js';
import { safeLine } from '../../../config/terminal-text.js';
import { resolveEntry } from './config-files.js';
import { SERVER_NAME, serverEntrySchema, type ServerEntry } from './config-schema.js';
import type { ServerConfig } from './server-config.js';

/** Where Claude Code keeps its settings and servers (`CLAUDE_CONFIG_DIR` is not followed: a project `.env` could set it). */
export function claudeConfigFile(home: string): string {
  return join(home, '.claude.json');
}

export interface ClaudeServers {
  /** Its `user` scope, then its `local` scope for the working directory (which wins for one name, as in Claude Code). */
  servers: ServerConfig[];
  /** One line each: what Warden could not use, and why. */
  notices: string[];
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The servers of one `mcpServers` object; an entry that does not fit is unavailable (or, with an unusable name, a notice). */
function scopeServers(value: unknown, scope: 'user' | 'local', file: string, env: Env, notices: string[]): ServerConfig[] {
  if (value === undefined) return [];
  const where = scope === 'user' ? `${file} (mcpServers)` : `${file} (this directory's mcpServers)`;
  if (!isObject(value)) {
    notices.push(`${safeLine(where, 300)} is not an object of servers; its servers are not used`);
    return [];
  }
  const source = { kind: 'user' as const, file, claudeScope: scope };
  return Object.entries(value).flatMap(([name, raw]): ServerConfig[] => {
    if (!SERVER_NAME.test(name)) {
      notices.push(`server "${safeLine(name, 64)}" in ${safeLine(where, 300)} is not used: Warden needs names of letters, digits, "_" and "-" (at most 64)`);
      return [];
    }
    const parsed = z.safeParse(serverEntrySchema, raw);
    const unusable = (why: string): ServerConfig[] => [{ name, source, type: 'http', url: '', headers: {}, unavailable: why }];
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = issue?.path.map(String).join('.') ?? '';
      return unusable(`its entry in ${file} does not fit${key ? ` (key "${safeLine(key, 80)}")` : ''}: ${issue?.message ?? 'invalid value'}`);
    }
    try {
      return [resolveEntry(name, parsed.data, { path: file, source, env })];
    } catch (error) {
      // The message names file, server and key (never a value).
      return unusable((error as Error).message);
    }
  });
}

/** The `mcpServers` object of one scope: the top level (`user`), or the directory's project entry (`local`). */
function scopeObject(root: JsonObject, scope: 'user' | 'local', cwd: string): unknown {
  if (scope === 'user') return root.mcpServers;
  const project = isObject(root.projects) ? root.projects[cwd] : undefined;
  return isObject(project) ? project.mcpServers : undefined;
}

/** One server's entry as written (`${VAR}` unexpanded), for `warden mcp get`; undefined when it is not there or does not fit. */
export async function rawClaudeEntry(file: string, cwd: string, scope: 'user' | 'local', name: string): Promise<ServerEntry | undefined> {
  const root = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as unknown,
    () => undefined,
  );
  const servers = isObject(root) ? scopeObject(root, scope, cwd) : undefined;
  const parsed = z.safeParse(serverEntrySchema, isObject(servers) ? servers[name] : undefined);
  return parsed.success ? parsed.data : undefined;
}

/** Reads `file` (Claude Code's ~/.claude.json) for the directory `cwd`; nothing when it does not exist. */
export async function readClaudeServers(file: string, cwd: string, env: Env): Promise<ClaudeServers> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { servers: [], notices: [] };
    return { servers: [], notices: [`cannot read ${safeLine(file, 300)} (${code ?? 'unreadable'}); Claude Code's servers are not used`] };
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    // Claude Code may be writing it right now; the next run reads it again.
    return { servers: [], notices: [`${safeLine(file, 300)} is not valid JSON; Claude Code's servers are not used this time`] };
  }
  if (!isObject(root)) return { servers: [], notices: [`${safeLine(file, 300)} is not a JSON object; Claude Code's servers are not used`] };
  const notices: string[] = [];
  const servers = [...scopeServers(scopeObject(root, 'user', cwd), 'user', file, env, notices), ...scopeServers(scopeObject(root, 'local', cwd), 'local', file, env, notices)];
  return { servers, notices };
}
