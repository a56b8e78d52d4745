/**
 * Reads one `mcpServers` file into resolved ServerConfigs: JSON, schema, type inference
 * (`command` ⇒ stdio, `url` ⇒ http, as Claude Code reads `.mcp.json`), `${VAR}` expansion in
 * url, headers, args, env and auth.clientSecret, and the file's SHA-256 (what a project file's approval remembers).
 *
 * Not responsible for: which files are read and their precedence, nor trust (load-servers.ts).
 * Errors are one line naming the file, the server and the key, never a value from the file. A
 * variable that is unset (a `${VAR}` without default, `auth.tokenEnv`) is not an error of the
 * file: that server is `unavailable` with the variable named, and the others go on, as other hosts do.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errorMessage } from '../../../config/error-text.js';
import { ConfigError } from '../../../config/errors.js';
import { isHttpUrl } from '../../../config/http-url.js';
import type { Env } from '../../../config/load.js';
import { safeLine } from '../../../config/terminal-text.js';
import { parseConfigFile, serverConfigError, type FilePermissions, type ServerEntry } from './config-schema.js';
import { expandVariables, MissingVariableError } from './expand.js';
import type { ServerConfig, ServerSource, ToolFilter } from './server-config.js';

export interface ServerFile {
  path: string;
  /** SHA-256 (hex) of the file's bytes. */
  hash: string;
  servers: ServerConfig[];
  /** Each server's entry as written (nothing expanded): what an approval shows. */
  entries: Record<string, ServerEntry>;
  /** The file's `permissions` (tool patterns, saved rules), as written. */
  permissions: FilePermissions;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Where JSON.parse stopped, as line:column; its message may quote the file (and a secret in it). */
function jsonErrorPosition(text: string, error: unknown): string {
  const at = /position (\d+)/.exec(errorMessage(error));
  if (!at) return '';
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

/** Reads and resolves `path`; undefined when it does not exist and `optional` is set. */
export async function readServerFile(path: string, source: ServerSource, env: Env, optional: boolean): Promise<ServerFile | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read the MCP server file ${safeLine(path, 300)} (${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')})`);
  }
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${safeLine(path, 300)}: not valid JSON${jsonErrorPosition(text, error)}`);
  }
  const { servers: entries, permissions } = parseConfigFile(value, path);
  const servers = Object.entries(entries).map(([name, entry]) => resolveEntry(name, entry, { path, source, env }));
  return { path, hash: createHash('sha256').update(bytes).digest('hex'), servers, entries, permissions };
}

export interface EntryContext {
  path: string;
  source: ServerSource;
  env: Env;
}

/** One entry → a ServerConfig with variables expanded (and named in `variables`). */
export function resolveEntry(name: string, entry: ServerEntry, ctx: EntryContext): ServerConfig {
  const fail = (key: string | undefined, message: string): never => {
    throw serverConfigError(ctx.path, name, key, message);
  };
  const variables = new Set<string>();
  /** The first variable the entry needs that is unset: the server cannot be used, the file is fine. */
  let missing: string | undefined;
  const expand = (value: string, key: string): string => {
    try {
      const out = expandVariables(value, ctx.env);
      for (const variable of out.variables) variables.add(variable);
      return out.value;
    } catch (error) {
      if (!(error instanceof MissingVariableError)) throw error;
      variables.add(error.variable);
      missing ??= `\${${error.variable}} is not set (used in its ${key}; set it, or give a default: \${${error.variable}:-value})`;
      // Never used: an unavailable server is not started.
      return value;
    }
  };
  const expandMap = (map: Record<string, string> | undefined, key: string): Record<string, string> =>
    Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, expand(v, `${key}.${k}`)]));

  const type = entry.type === 'streamable-http' ? 'http' : (entry.type ?? (entry.command !== undefined ? 'stdio' : entry.url !== undefined ? 'http' : undefined));
  if (type === undefined) return fail(undefined, 'expected "command" (a stdio server) or "url" (an HTTP server)');

  let tools: ToolFilter;
  if (entry.tools?.include) tools = { include: entry.tools.include };
  else if (entry.tools?.exclude) tools = { exclude: entry.tools.exclude };
  if (entry.auth?.kind === 'bearer') {
    variables.add(entry.auth.tokenEnv);
    if (!ctx.env[entry.auth.tokenEnv]) missing ??= `${entry.auth.tokenEnv} is not set (its auth.tokenEnv names it)`;
  }
  // A client secret is written as `${VAR}` so the file holds no secret.
  const auth =
    entry.auth?.kind === 'oauth' && entry.auth.clientSecret !== undefined ? { ...entry.auth, clientSecret: expand(entry.auth.clientSecret, 'auth.clientSecret') } : entry.auth;
  const base = {
    name,
    source: ctx.source,
    ...(entry.timeout !== undefined && { timeoutMs: entry.timeout }),
    ...(tools && { tools }),
    ...(auth && { auth }),
    ...(entry.trust && { trust: entry.trust }),
    ...(entry.protocolVersion && { protocolVersion: entry.protocolVersion }),
  };
  const withVariables = (config: ServerConfig): ServerConfig => (variables.size > 0 ? { ...config, variables: [...variables] } : config);

  if (type === 'stdio') {
    if (entry.command === undefined) return fail('command', 'a stdio server needs a command');
    const config: ServerConfig = {
      ...base,
      type,
      command: entry.command,
      args: (entry.args ?? []).map((arg, i) => expand(arg, `args[${i}]`)),
      env: expandMap(entry.env, 'env'),
      // Relative to the file, so a project's `.mcp.json` means the same from any working directory.
      ...(entry.cwd !== undefined && { cwd: resolve(dirname(ctx.path), entry.cwd) }),
    };
    return withVariables(missing ? { ...config, unavailable: missing } : config);
  }
  if (entry.url === undefined) return fail('url', `an ${type} server needs a url`);
  for (const header of Object.keys(entry.headers ?? {})) {
    if (!HEADER_NAME.test(header)) fail(`headers`, `"${safeLine(header, 64)}" is not a valid header name`);
  }
  const url = expand(entry.url, 'url');
  const headers = expandMap(entry.headers, 'headers');
  if (missing) return withVariables({ ...base, type, url, headers, unavailable: missing });
  if (!isHttpUrl(url)) fail('url', 'expected an http(s) URL');
  return withVariables({ ...base, type, url, headers });
}
