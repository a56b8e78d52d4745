import { closestName, didYouMean } from '../../config/did-you-mean.js';
import { UsageError } from '../../config/errors.js';
import { parseFlags } from '../../config/flags.js';
import { printableUrl } from '../../config/printable-url.js';
import { safeLine } from '../../config/terminal-text.js';
import { loadAgentConfig } from '../config.js';
import { claudeConfigFile, rawClaudeEntry } from '../core/host/claude-config.js';
import { parseServerFile, type ServerEntry } from '../core/host/config-schema.js';
import { connectTimeoutOf } from '../core/host/hosted-server.js';
import { loadServerConfigs } from '../core/host/load-servers.js';
import { serverLogDir, trustStoreFile } from '../core/host/paths.js';
import { probeServer } from '../core/host/probe.js';
import { authLine } from '../core/host/project-review.js';
import type { ServerConfig } from '../core/host/server-config.js';
import { editServerFile, readRawServerFile } from '../core/host/server-file-edit.js';
import { approveProjectFile, isProjectFileApproved } from '../core/host/trust-store.js';
import type { Command, CommandContext } from './context.js';
import { ADD_USAGE, add, addJson, checkName, scopeFile } from './mcp-add.js';
import { commandSignIns } from './sign-ins.js';

/**
 * `warden mcp add|add-json|list|get|remove`: the user's and the project's MCP server files, like
 * `claude mcp`. Edits keep everything they do not touch; header values, env values and URL
 * userinfo are never printed (header and env names are, with `***` for the value). Every
 * subcommand answers `--help`.
 *
 * Not responsible for: adding (mcp-add.ts), the file format (core/host/config-schema.ts),
 * connecting (probe.ts).
 */

const LIST_USAGE = `Usage: warden mcp list [--timeout SECONDS] [--mcp-config FILE]…

Each configured server, where it comes from, how it is reached (a program with its first
arguments, or a URL), and whether it answers now: connected with its tool count, or why not.

  --timeout SECONDS     how long each server may take to answer (0.5 works too; default: as long as a
                        turn waits for it: its "timeout", else WARDEN_MCP_CONNECT_TIMEOUT_MS, else 30 s)
  --mcp-config FILE     list this file's servers too (repeatable)`;

const GET_USAGE = `Usage: warden mcp get NAME

One server's settings as written in its file (\${VAR} names, never their values; header and env
values as ***).`;

const REMOVE_USAGE = `Usage: warden mcp remove [-s user|project] NAME

Removes NAME from the file that has it (-s picks one when both do).`;

const USAGE = `Usage: warden mcp add|add-json|list|get|remove …   (warden mcp SUBCOMMAND --help for each)

${ADD_USAGE.replace(/^Usage:\n/, '')}

${LIST_USAGE}

${GET_USAGE}

${REMOVE_USAGE}`;

const SUBCOMMANDS = ['add', 'add-json', 'list', 'get', 'remove'];

export const mcp: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return add(rest, ctx);
    case 'add-json':
      return addJson(rest, ctx);
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
      throw new UsageError(`unknown subcommand "${safeLine(sub, 40)}"${didYouMean(sub, SUBCOMMANDS) || ': expected add, add-json, list, get or remove'}`, 'warden mcp');
  }
};

/** How a server without an `auth` key signs in, as `mcp get` says it (one meaning everywhere: an HTTP server follows its 401). */
function noAuthKey(config: ServerConfig): string {
  if (config.type === 'stdio') return 'none';
  return config.source.kind === 'shortcut' ? 'Entra ID sign-in (ENTRA_*)' : "as the server asks (its 401 and metadata: Entra ID's device code, or OAuth)";
}

/** A path as printed: a directory name can hold terminal controls too. */
function shown(path: string): string {
  return safeLine(path, 300);
}

function home(ctx: CommandContext): string {
  return ctx.home;
}

/** "no MCP server named "x"", with the name that was meant when one is close. */
function unknownServer(name: string, known: readonly string[], where: string): string {
  const meant = closestName(name, known);
  return `warden: no MCP server named "${safeLine(name, 64)}"${meant === undefined ? '' : ` — did you mean ${meant}?`} (${where})`;
}

/** Where a server is configured, as `list` and `get` label it (Claude Code's file by its own scope names). */
function scopeOf(config: ServerConfig): string {
  const { source } = config;
  if (source.kind === 'user' && source.claudeScope) return `claude ${source.claudeScope}`;
  return source.kind;
}

/** Characters of a program and its first arguments `mcp list` shows. */
const TARGET_CHARS = 60;

/**
 * How a server is reached, as `mcp list` shows it: a URL, or the program with its first arguments
 * as written in the file (`${VAR}` stays a name: expanded arguments may hold secrets), enough to
 * tell two `node …` servers apart.
 */
function targetOf(config: ServerConfig, raw: ServerEntry | undefined): string {
  if (config.type !== 'stdio') return printableUrl(config.url);
  const [program = '', ...args] = [raw?.command ?? config.command, ...(raw ? (raw.args ?? []) : [])];
  // An absolute path says most in its last parts: /usr/bin/node is node, /home/u/x/y/server.js is …/y/server.js.
  const short = (word: string): string => (word.startsWith('/') && word.length > 24 ? `…/${word.split('/').slice(-2).join('/')}` : word);
  const name = program.startsWith('/') ? (program.split('/').at(-1) ?? program) : program;
  return safeLine([name, ...args.map(short)].join(' '), TARGET_CHARS);
}

/** A server's entry as written in its file (Claude Code's file read as Claude Code writes it); none for the one-server shortcut. */
async function rawEntry(config: ServerConfig, files = new Map<string, Record<string, ServerEntry>>()): Promise<ServerEntry | undefined> {
  const { source } = config;
  if (source.kind === 'shortcut') return undefined;
  if (source.kind === 'user' && source.claudeScope) return rawClaudeEntry(source.file, process.cwd(), source.claudeScope, config.name);
  if (!files.has(source.file)) files.set(source.file, parseServerFile((await readRawServerFile(source.file)).root, source.file));
  return files.get(source.file)?.[config.name];
}

/** Each server's entry as written, reading each file once. */
async function rawEntries(servers: readonly ServerConfig[]): Promise<Map<ServerConfig, ServerEntry | undefined>> {
  const files = new Map<string, Record<string, ServerEntry>>();
  const out = new Map<ServerConfig, ServerEntry | undefined>();
  for (const server of servers) out.set(server, await rawEntry(server, files));
  return out;
}

/** `--timeout` in seconds (`5`, `0.5`; `500ms` and `5s` also read), as milliseconds; absent: undefined. */
function timeoutMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * (match[2] === 'ms' ? 1 : 1000) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`invalid --timeout "${safeLine(value, 20)}": expected seconds, e.g. 5 or 0.5`, 'warden mcp list');
  return Math.max(1, Math.round(ms));
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

async function list(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, { timeout: { type: 'string' }, 'mcp-config': { type: 'string', multiple: true } }, false, 'warden mcp list');
  if (values.help) {
    ctx.stdout.write(`${LIST_USAGE}\n`);
    return 0;
  }
  const flagMs = timeoutMs(values.timeout);
  // Each server as long as a turn would wait for it (its `timeout`, else WARDEN_MCP_CONNECT_TIMEOUT_MS, else 30 s), unless --timeout says.
  const defaultMs = loadAgentConfig(ctx.env).mcpConnectTimeoutMs;
  const loaded = await loadServerConfigs({ env: ctx.env, home: home(ctx), cwd: ctx.cwd, flags: { ...(values['mcp-config'] && { mcpConfig: values['mcp-config'] }) } });
  for (const notice of loaded.notices) ctx.stderr.write(`warden: ${notice}\n`);
  const logDir = serverLogDir(home(ctx));
  // Concurrently: one slow server costs its own timeout, not everyone's.
  // Each with its own sign-in, as a turn would connect it (a cached token is used; nothing is asked).
  const signIns = commandSignIns(ctx, { servers: loaded.servers });
  const results = await Promise.all(
    loaded.servers.map((s) => probeServer(s, { env: ctx.env, logDir, timeoutMs: flagMs ?? connectTimeoutOf(s, defaultMs), signIn: signIns.forServer(s) })),
  );
  const untrusted = loaded.untrusted.flatMap((file) => file.servers);
  const raw = await rawEntries([...loaded.servers, ...untrusted]);
  const rows = loaded.servers.map((server, i) => {
    const result = results[i]!;
    const status = result.ok ? `✓ connected · ${result.tools} tool${result.tools === 1 ? '' : 's'}` : `✗ ${result.reason}`;
    return [server.name, scopeOf(server), server.type, targetOf(server, raw.get(server)), status];
  });
  for (const server of untrusted) {
    rows.push([server.name, 'project', server.type, targetOf(server, raw.get(server)), '✗ not started: this .mcp.json is not approved yet (run warden here to approve it)']);
  }
  ctx.stdout.write(`${table(rows)}\n`);
  return 0;
}

/** Every configured server by name, approved or not (get and remove see them all). */
async function allServers(ctx: CommandContext): Promise<ServerConfig[]> {
  const loaded = await loadServerConfigs({ env: ctx.env, home: home(ctx), cwd: ctx.cwd });
  return [...loaded.servers, ...loaded.untrusted.flatMap((u) => u.servers)];
}

async function get(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(args, {}, true, 'warden mcp get');
  if (values.help) {
    ctx.stdout.write(`${GET_USAGE}\n`);
    return 0;
  }
  const name = checkName(positionals[0], 'warden mcp get');
  const servers = await allServers(ctx);
  const config = servers.find((s) => s.name === name);
  if (!config) {
    ctx.stderr.write(
      `${unknownServer(
        name,
        servers.map((s) => s.name),
        'see warden mcp list',
      )}\n`,
    );
    return 1;
  }
  // Arguments as written in the file: `${VAR}` stays a name, never becomes its value.
  const raw = await rawEntry(config);
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
  // As written (a `${VAR}` stays a name) and never a secret's value.
  const auth = raw?.auth ?? config.auth;
  lines.push(`  auth:      ${auth ? (auth.kind === 'none' ? 'none' : authLine(auth)) : noAuthKey(config)}`);
  if (config.timeoutMs) lines.push(`  timeout:   ${config.timeoutMs} ms`);
  if (config.tools) {
    const [mode, names] = 'include' in config.tools ? ['only', config.tools.include] : ['all but', config.tools.exclude];
    lines.push(`  tools:     ${mode} ${names.map((n) => safeLine(n, 64)).join(', ')}`);
  }
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function remove(args: string[], ctx: CommandContext): Promise<number> {
  const COMMAND = 'warden mcp remove';
  const { values, positionals } = parseFlags(args, { scope: { type: 'string', short: 's' } }, true, COMMAND);
  if (values.help) {
    ctx.stdout.write(`${REMOVE_USAGE}\n`);
    return 0;
  }
  const name = checkName(positionals[0], COMMAND);
  const candidates = values.scope !== undefined ? [scopeFile(values.scope, ctx, COMMAND)] : [scopeFile('user', ctx, COMMAND), scopeFile('project', ctx, COMMAND)];
  const holding: typeof candidates = [];
  const known: string[] = [];
  for (const candidate of candidates) {
    const servers = (await readRawServerFile(candidate.file)).servers;
    known.push(...Object.keys(servers));
    if (Object.hasOwn(servers, name)) holding.push(candidate);
  }
  if (holding.length === 0) {
    const claude = (await allServers(ctx)).find((s) => s.name === name && s.source.kind === 'user' && s.source.claudeScope);
    const where = `in ${candidates.map((c) => shown(c.file)).join(' or ')}`;
    const line = claude
      ? `warden: no MCP server named "${safeLine(name, 64)}" ${where} (it comes from Claude Code's ${shown(claudeConfigFile(home(ctx)))}, which Warden only reads: claude mcp remove ${name})`
      : unknownServer(name, known, where);
    ctx.stderr.write(`${line}\n`);
    return 1;
  }
  if (holding.length > 1) throw new UsageError(`"${name}" is in both ${holding.map((c) => shown(c.file)).join(' and ')}: pass --scope user or --scope project`, COMMAND);
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
