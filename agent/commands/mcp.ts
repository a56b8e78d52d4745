import { homedir } from 'node:os';
import { UsageError } from '../../config/errors.js';
import { parseFlags } from '../../config/flags.js';
import { printableUrl } from '../../config/printable-url.js';
import { safeLine } from '../../config/terminal-text.js';
import { loadAgentConfig } from '../config.js';
import { claudeConfigFile, rawClaudeEntry } from '../core/host/claude-config.js';
import { parseServerFile, SERVER_NAME, type ServerEntry } from '../core/host/config-schema.js';
import { connectTimeoutOf } from '../core/host/hosted-server.js';
import { loadServerConfigs } from '../core/host/load-servers.js';
import { projectServerFile, serverLogDir, trustStoreFile, userServerFile } from '../core/host/paths.js';
import { probeServer } from '../core/host/probe.js';
import type { ServerConfig } from '../core/host/server-config.js';
import { editServerFile, readRawServerFile, type JsonObject } from '../core/host/server-file-edit.js';
import { approveProjectFile, isProjectFileApproved } from '../core/host/trust-store.js';
import type { Command, CommandContext } from './context.js';

/**
 * `warden mcp add|list|get|remove`: the user's and the project's MCP server files, like
 * `claude mcp`. Edits keep everything they do not touch; header values, env values and URL
 * userinfo are never printed (header and env names are, with `***` for the value).
 *
 * Not responsible for: the file format (core/host/config-schema.ts), connecting (probe.ts).
 */

const USAGE = `Usage:
  warden mcp add [--scope user|project] [--transport http|sse] [--header "K: V"]… NAME URL
  warden mcp add [--scope user|project] [--env K=V]… NAME -- COMMAND [ARGS…]
  warden mcp list [--timeout MS] [--mcp-config FILE]…
  warden mcp get NAME
  warden mcp remove [--scope user|project] NAME

Servers live in ~/.config/warden/mcp.json (--scope user, the default) and ./.mcp.json
(--scope project, the Claude Code format). Values may name environment variables as
\${VAR} or \${VAR:-default} (in url, headers, args and env); quote them so your shell
leaves them alone: --header 'Authorization: Bearer \${MY_API_KEY}'.

  --scope user|project   which file to edit (default user)
  --transport T          http (Streamable HTTP, default with a URL), sse (legacy), stdio (default after --)
  --header "K: V"        an HTTP header sent on every request (repeatable)
  --env K=V              a variable for a stdio server (repeatable); it gets nothing else but PATH, HOME, LANG…
  --timeout MS           list: how long each server may take to answer (default: its connect timeout,
                         as for a turn: its "timeout", else WARDEN_MCP_CONNECT_TIMEOUT_MS, else 30000)`;

export const mcp: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return add(rest, ctx);
    case 'list':
      return list(rest, ctx);
    case 'get':
      return get(rest, ctx);
    case 'remove':
      return remove(rest, ctx);
    case undefined:
      ctx.stderr.write(`${USAGE}\n`);
      return 2;
    case '--help':
    case '-h':
    case 'help':
      ctx.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      throw new UsageError(`unknown mcp command "${safeLine(sub, 40)}": expected add, list, get or remove`);
  }
};

/** A path as printed: a directory name can hold terminal controls too. */
function shown(path: string): string {
  return safeLine(path, 300);
}

function home(ctx: CommandContext): string {
  return ctx.env.HOME || homedir();
}

function scopeFile(scope: string | undefined, ctx: CommandContext): { scope: 'user' | 'project'; file: string } {
  if (scope === undefined || scope === 'user') return { scope: 'user', file: userServerFile(home(ctx)) };
  if (scope === 'project') return { scope: 'project', file: projectServerFile(process.cwd()) };
  throw new UsageError(`invalid --scope "${safeLine(scope, 40)}": expected user or project`);
}

function checkName(name: string | undefined): string {
  if (name === undefined) throw new UsageError('missing the server NAME');
  if (!SERVER_NAME.test(name)) throw new UsageError(`invalid server name "${safeLine(name, 64)}": use letters, digits, "_" and "-" (at most 64)`);
  return name;
}

function pairs(items: string[] | undefined, separator: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const at = item.indexOf(separator);
    const key = at > 0 ? item.slice(0, at).trim() : '';
    // The value may be a secret: the error names only the key (or nothing).
    if (!key) throw new UsageError(`invalid ${flag}: expected ${flag === '--header' ? '"Name: value"' : 'NAME=value'}`);
    out[key] = item.slice(at + 1).trim();
  }
  return out;
}

async function add(args: string[], ctx: CommandContext): Promise<number> {
  const dashes = args.indexOf('--');
  const { values, positionals } = parseFlags(
    dashes === -1 ? args : args.slice(0, dashes),
    {
      scope: { type: 'string' },
      transport: { type: 'string' },
      header: { type: 'string', multiple: true },
      env: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const name = checkName(positionals[0]);
  const target = scopeFile(values.scope, ctx);
  const command = dashes === -1 ? positionals.slice(1) : args.slice(dashes + 1);
  if (dashes !== -1 && positionals.length > 1) throw new UsageError('give either a URL or -- COMMAND ARGS…, not both');
  const transport = values.transport ?? (dashes !== -1 ? 'stdio' : 'http');
  let entry: JsonObject;
  if (transport === 'stdio') {
    if (values.header) throw new UsageError('--header goes with an http or sse server');
    if (command.length === 0) throw new UsageError('a stdio server needs a command: warden mcp add NAME -- COMMAND ARGS…');
    const [program, ...programArgs] = command;
    entry = { type: 'stdio', command: program, args: programArgs, ...(values.env && { env: pairs(values.env, '=', '--env') }) };
  } else if (transport === 'http' || transport === 'sse') {
    if (values.env) throw new UsageError('--env goes with a stdio server');
    if (command.length !== 1) throw new UsageError(`an ${transport} server needs one URL: warden mcp add NAME URL`);
    entry = { type: transport, url: command[0], ...(values.header && { headers: pairs(values.header, ':', '--header') }) };
  } else {
    throw new UsageError(`invalid --transport "${safeLine(transport, 40)}": expected http, sse or stdio`);
  }
  // The same checks a file gets when it is read (a URL with ${VAR} is checked once expanded, then).
  parseServerFile({ mcpServers: { [name]: entry } }, target.file);
  if (typeof entry.url === 'string' && !entry.url.includes('${') && !/^https?:\/\/[^/]/.test(entry.url)) {
    throw new UsageError('invalid URL: expected an http(s) URL such as https://example.com/mcp');
  }

  const storePath = trustStoreFile(home(ctx));
  let existed = false;
  const { before, after } = await editServerFile(target.file, (servers) => {
    existed = Object.hasOwn(servers, name);
    if (existed) return false;
    servers[name] = entry;
    return true;
  });
  if (existed) {
    ctx.stderr.write(`warden: a server named "${name}" is already in ${shown(target.file)} (warden mcp remove ${name} first)\n`);
    return 1;
  }
  // Your own addition needs no approval, but it must not approve what someone else put in the file.
  if (target.scope === 'project' && after && (before === undefined || (await isProjectFileApproved(target.file, before, { storePath })))) {
    await approveProjectFile(target.file, after, { storePath });
  }
  const where = entry.type === 'stdio' ? safeLine(String(entry.command), 80) : printableUrl(String(entry.url));
  ctx.stdout.write(`Added ${String(entry.type)} server "${name}" (${where}) to ${shown(target.file)}\n`);
  return 0;
}

/** Where a server is configured, as `list` and `get` label it (Claude Code's file by its own scope names). */
function scopeOf(config: ServerConfig): string {
  const { source } = config;
  if (source.kind === 'user' && source.claudeScope) return `claude ${source.claudeScope}`;
  return source.kind;
}

function targetOf(config: ServerConfig): string {
  // Only the program: arguments may carry expanded secrets.
  return config.type === 'stdio' ? safeLine(config.command, 60) : printableUrl(config.url);
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

async function list(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { timeout: { type: 'string' }, 'mcp-config': { type: 'string', multiple: true } });
  if (positionals.length > 0) throw new UsageError('warden mcp list takes no arguments');
  const flagMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (flagMs !== undefined && (!Number.isInteger(flagMs) || flagMs <= 0)) throw new UsageError('invalid --timeout: expected milliseconds, e.g. 5000');
  // Each server as long as a turn would wait for it (its `timeout`, else WARDEN_MCP_CONNECT_TIMEOUT_MS, else 30 s), unless --timeout says.
  const defaultMs = loadAgentConfig(ctx.env).mcpConnectTimeoutMs;
  const loaded = await loadServerConfigs({ env: ctx.env, home: home(ctx), flags: { ...(values['mcp-config'] && { mcpConfig: values['mcp-config'] }) } });
  for (const notice of loaded.notices) ctx.stderr.write(`warden: ${notice}\n`);
  const logDir = serverLogDir(home(ctx));
  // Concurrently: one slow server costs its own timeout, not everyone's.
  const results = await Promise.all(loaded.servers.map((s) => probeServer(s, { env: ctx.env, logDir, timeoutMs: flagMs ?? connectTimeoutOf(s, defaultMs) })));
  const rows = loaded.servers.map((server, i) => {
    const result = results[i]!;
    const status = result.ok ? `✓ connected · ${result.tools} tool${result.tools === 1 ? '' : 's'}` : `✗ ${result.reason}`;
    return [server.name, scopeOf(server), server.type, targetOf(server), status];
  });
  for (const file of loaded.untrusted) {
    for (const server of file.servers) {
      rows.push([server.name, 'project', server.type, targetOf(server), '✗ not started: this .mcp.json is not approved yet (run warden here to approve it)']);
    }
  }
  ctx.stdout.write(`${table(rows)}\n`);
  return 0;
}

/** Every configured server by name, approved or not (get and remove see them all). */
async function allServers(ctx: CommandContext): Promise<ServerConfig[]> {
  const loaded = await loadServerConfigs({ env: ctx.env, home: home(ctx) });
  return [...loaded.servers, ...loaded.untrusted.flatMap((u) => u.servers)];
}

async function get(args: string[], ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(args, {}, true);
  const name = checkName(positionals[0]);
  const config = (await allServers(ctx)).find((s) => s.name === name);
  if (!config) {
    ctx.stderr.write(`warden: no MCP server named "${name}" (see warden mcp list)\n`);
    return 1;
  }
  // Arguments as written in the file: `${VAR}` stays a name, never becomes its value.
  let raw: ServerEntry | undefined;
  if (config.source.kind === 'user' && config.source.claudeScope) raw = await rawClaudeEntry(config.source.file, process.cwd(), config.source.claudeScope, name);
  else if (config.source.kind !== 'shortcut') raw = parseServerFile((await readRawServerFile(config.source.file)).root, config.source.file)[name];
  const masked = (map: Record<string, string>): string =>
    Object.keys(map)
      .map((k) => `${safeLine(k, 64)}=***`)
      .join(', ') || '(none)';
  const lines = [name, `  scope:     ${scopeOf(config)}${config.source.kind === 'shortcut' ? '' : ` (${shown(config.source.file)})`}`, `  transport: ${config.type}`];
  if (config.unavailable !== undefined) lines.push(`  status:    unavailable: ${safeLine(config.unavailable, 300)}`);
  if (config.type === 'stdio') {
    lines.push(`  command:   ${safeLine(raw?.command ?? config.command, 200)}`);
    lines.push(`  args:      ${(raw?.args ?? []).map((a) => safeLine(a, 200)).join(' ') || '(none)'}`);
    lines.push(`  env:       ${masked(config.env)}`);
    if (config.cwd) lines.push(`  cwd:       ${safeLine(config.cwd, 200)}`);
  } else {
    lines.push(`  url:       ${printableUrl(config.url)}`);
    lines.push(
      `  headers:   ${
        Object.keys(config.headers)
          .map((k) => `${safeLine(k, 64)}: ***`)
          .join(', ') || '(none)'
      }`,
    );
  }
  const auth = config.auth;
  lines.push(`  auth:      ${!auth || auth.kind === 'none' ? 'none' : auth.kind === 'bearer' ? `bearer token from $${auth.tokenEnv}` : 'Entra ID sign-in'}`);
  if (config.timeoutMs) lines.push(`  timeout:   ${config.timeoutMs} ms`);
  if (config.tools) {
    const [mode, names] = 'include' in config.tools ? ['only', config.tools.include] : ['all but', config.tools.exclude];
    lines.push(`  tools:     ${mode} ${names.map((n) => safeLine(n, 64)).join(', ')}`);
  }
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function remove(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { scope: { type: 'string' } }, true);
  const name = checkName(positionals[0]);
  const candidates = values.scope !== undefined ? [scopeFile(values.scope, ctx)] : [scopeFile('user', ctx), scopeFile('project', ctx)];
  const holding: typeof candidates = [];
  for (const candidate of candidates) {
    if (Object.hasOwn((await readRawServerFile(candidate.file)).servers, name)) holding.push(candidate);
  }
  if (holding.length === 0) {
    const claude = (await allServers(ctx)).find((s) => s.name === name && s.source.kind === 'user' && s.source.claudeScope);
    const hint = claude ? ` (it comes from Claude Code's ${shown(claudeConfigFile(home(ctx)))}, which Warden only reads: claude mcp remove ${name})` : '';
    ctx.stderr.write(`warden: no MCP server named "${name}" in ${candidates.map((c) => shown(c.file)).join(' or ')}${hint}\n`);
    return 1;
  }
  if (holding.length > 1) throw new UsageError(`"${name}" is in both ${holding.map((c) => shown(c.file)).join(' and ')}: pass --scope user or --scope project`);
  const [target] = holding as [(typeof holding)[0]];
  const storePath = trustStoreFile(home(ctx));
  const { before, after } = await editServerFile(target.file, (servers) => delete servers[name]);
  // Removing a server from an approved file keeps it approved; it never approves an unapproved one.
  if (target.scope === 'project' && before && after && (await isProjectFileApproved(target.file, before, { storePath }))) {
    await approveProjectFile(target.file, after, { storePath });
  }
  ctx.stdout.write(`Removed "${name}" from ${shown(target.file)}\n`);
  return 0;
}
