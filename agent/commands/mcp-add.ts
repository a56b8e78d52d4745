import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../../config/errors.js';
import { parseFlags } from '../../config/flags.js';
import { printableUrl } from '../../config/printable-url.js';
import { safeLine } from '../../config/terminal-text.js';
import { parseServerFile, SERVER_NAME } from '../core/host/config-schema.js';
import { projectServerFile, trustStoreFile, userServerFile } from '../core/host/paths.js';
import { editServerFile, type JsonObject } from '../core/host/server-file-edit.js';
import { approveProjectFile, isProjectFileApproved } from '../core/host/trust-store.js';
import type { CommandContext } from './context.js';

/**
 * `warden mcp add` and `warden mcp add-json`, taking what Claude Code users type: `-t/--transport`,
 * `-s/--scope` (`local` too), `-e KEY=V`, `-H "K: V"`, `add NAME URL`, `add NAME -- CMD ARGS…` and
 * `add NAME CMD ARGS…` (everything from the command on is the command's, dashes included);
 * `add-json NAME '{…}'`. Refuses what cannot work (a URL as a stdio command) and makes a
 * relative command path work from any directory (resolved, or the server's `cwd` recorded).
 *
 * Not responsible for the file format (core/host/config-schema.ts) nor for listing (mcp.ts).
 */

export const ADD_USAGE = `Usage:
  warden mcp add [-s user|project|local] [-t http|sse] [-H "K: V"]… NAME URL
  warden mcp add [-s user|project|local] [-e K=V]… NAME [--] COMMAND [ARGS…]
  warden mcp add-json [-s user|project|local] NAME '{"type":"http","url":…}'

Servers live in ~/.config/warden/mcp.json (-s user, the default) and ./.mcp.json (-s project,
the Claude Code format). Warden has no per-directory private scope: -s local (Claude Code's
default) is stored in your user file, so the server is there in every directory. Values may name
environment variables as \${VAR} or \${VAR:-default} (in url, headers, args and env); quote them
so your shell leaves them alone: -H 'Authorization: Bearer \${MY_API_KEY}'.

  -s, --scope S        user (default), project, or local (= user, see above)
  -t, --transport T    http (Streamable HTTP, default with a URL), sse (legacy), stdio (default with a command)
  -H, --header "K: V"  an HTTP header sent on every request (repeatable)
  -e, --env K=V        a variable for a stdio server (repeatable); it gets nothing else but PATH, HOME, LANG…

Everything after NAME's URL or command belongs to the command, so flags of the server's own
(npx -y …) need no "--". A relative command path (./server) is stored resolved; a server whose
arguments name files relative to this directory is stored with this directory as its "cwd".`;

const OPTIONS = {
  scope: { type: 'string', short: 's' },
  transport: { type: 'string', short: 't' },
  header: { type: 'string', short: 'H', multiple: true },
  env: { type: 'string', short: 'e', multiple: true },
} as const;

const isUrl = (text: string): boolean => /^[a-z][a-z\d+.-]*:\/\//i.test(text);

/** Options that take a value, by every spelling: their value is not a positional. */
const VALUED = new Set(['--scope', '-s', '--transport', '-t', '--header', '-H', '--env', '-e']);

/**
 * Splits `add`'s arguments where the server's command begins: after `--`, or at the second
 * positional when it is a program (a URL takes no arguments, so options may follow it).
 */
function splitAtCommand(args: readonly string[]): { options: string[]; command: string[] } {
  let positionals = 0;
  const options: string[] = [];
  const command: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return { options, command: [...command, ...args.slice(i + 1)] };
    if (arg.startsWith('-') && arg.length > 1) {
      options.push(arg);
      if (VALUED.has(arg) && i + 1 < args.length) options.push(args[++i] ?? '');
      continue;
    }
    positionals++;
    if (positionals === 1) options.push(arg);
    else if (positionals === 2 && isUrl(arg)) command.push(arg);
    else return { options, command: [...command, ...args.slice(i)] };
  }
  return { options, command };
}

type Scope = 'user' | 'project';

export function scopeFile(scope: string | undefined, ctx: CommandContext, command: string): { scope: Scope; file: string; note?: string } {
  const { home } = ctx;
  if (scope === undefined || scope === 'user') return { scope: 'user', file: userServerFile(home) };
  if (scope === 'local') return { scope: 'user', file: userServerFile(home), note: '-s local is stored in your user file: Warden has no per-directory private scope' };
  if (scope === 'project') return { scope: 'project', file: projectServerFile(ctx.cwd) };
  throw new UsageError(`invalid --scope "${safeLine(scope, 40)}": expected user, project or local`, command);
}

export function checkName(name: string | undefined, command: string): string {
  if (name === undefined) throw new UsageError('missing the server NAME', command);
  if (!SERVER_NAME.test(name)) throw new UsageError(`invalid server name "${safeLine(name, 64)}": use letters, digits, "_" and "-" (at most 64)`, command);
  return name;
}

function pairs(items: readonly string[] | undefined, separator: string, flag: string, command: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const at = item.indexOf(separator);
    const key = at > 0 ? item.slice(0, at).trim() : '';
    // The value may be a secret: the error names only the key (or nothing).
    if (!key) throw new UsageError(`invalid ${flag}: expected ${flag === '--header' ? '"Name: value"' : 'NAME=value'}`, command);
    out[key] = item.slice(at + 1).trim();
  }
  return out;
}

/** A path-looking word that names something here (so it means this directory, not the server's). */
const relativeHere = (arg: string): boolean => !isAbsolute(arg) && !arg.startsWith('-') && !arg.includes('${') && /[/\\]|\.\w+$/.test(arg) && existsSync(resolve(arg));

/**
 * A stdio entry for the user's file, which serves every directory: a relative program is resolved,
 * arguments naming files here get this directory as the server's `cwd`.
 */
function settleRelativePaths(entry: JsonObject, notes: string[]): void {
  const program = String(entry.command);
  if (!isAbsolute(program) && /[/\\]/.test(program)) {
    entry.command = resolve(program);
    notes.push(`the command ${safeLine(program, 80)} is stored as ${safeLine(String(entry.command), 200)}`);
    if (!existsSync(String(entry.command))) notes.push(`warning: ${safeLine(String(entry.command), 200)} does not exist (yet)`);
  }
  const args = (entry.args as string[] | undefined) ?? [];
  if (entry.cwd === undefined && args.some(relativeHere)) {
    entry.cwd = process.cwd();
    notes.push(`its arguments name files in this directory: stored with "cwd": ${safeLine(process.cwd(), 200)}`);
  }
}

/** Writes `entry` as `name` into the scope's file (never over an existing one) and says so. */
async function store(name: string, entry: JsonObject, target: { scope: Scope; file: string }, notes: readonly string[], ctx: CommandContext): Promise<number> {
  // The same checks a file gets when it is read (a URL with ${VAR} is checked once expanded, then).
  parseServerFile({ mcpServers: { [name]: entry } }, target.file);
  if (typeof entry.url === 'string' && !entry.url.includes('${') && !/^https?:\/\/[^/]/.test(entry.url)) {
    throw new UsageError('invalid URL: expected an http(s) URL such as https://example.com/mcp', 'warden mcp add');
  }
  const storePath = trustStoreFile(ctx.home);
  let existed = false;
  const { before, after } = await editServerFile(target.file, (servers) => {
    existed = Object.hasOwn(servers, name);
    if (existed) return false;
    servers[name] = entry;
    return true;
  });
  if (existed) {
    ctx.stderr.write(`warden: a server named "${name}" is already in ${safeLine(target.file, 300)} (warden mcp remove ${name} first)\n`);
    return 1;
  }
  // Your own addition needs no approval, but it must not approve what someone else put in the file.
  if (target.scope === 'project' && after && (before === undefined || (await isProjectFileApproved(target.file, before, { storePath })))) {
    await approveProjectFile(target.file, after, { storePath });
  }
  for (const note of notes) ctx.stderr.write(`warden: ${note}\n`);
  const type = typeof entry.type === 'string' ? entry.type : typeof entry.url === 'string' ? 'http' : 'stdio';
  const where = typeof entry.url === 'string' ? printableUrl(entry.url) : safeLine(String(entry.command), 80);
  ctx.stdout.write(`Added ${type} server "${name}" (${where}) to ${safeLine(target.file, 300)}\n`);
  return 0;
}

export async function add(args: string[], ctx: CommandContext): Promise<number> {
  const COMMAND = 'warden mcp add';
  const split = splitAtCommand(args);
  const { values, positionals } = parseFlags(split.options, OPTIONS, true, COMMAND);
  if (values.help) {
    ctx.stdout.write(`${ADD_USAGE}\n`);
    return 0;
  }
  const name = checkName(positionals[0], COMMAND);
  const target = scopeFile(values.scope, ctx, COMMAND);
  const command = split.command;
  const notes = target.note ? [target.note] : [];
  if (values.transport === undefined && isUrl(command[0] ?? '') && command.length > 1) {
    throw new UsageError(`a server at a URL takes nothing after it, but "${safeLine(command[1] ?? '', 40)}" follows: options go before NAME or after the URL`, COMMAND);
  }
  const onlyUrl = command.length === 1 && isUrl(command[0] ?? '');
  const transport = values.transport ?? (onlyUrl ? 'http' : 'stdio');
  let entry: JsonObject;
  if (transport === 'stdio') {
    if (command.length === 0) throw new UsageError('missing the server: a URL, or the command that starts it (warden mcp add NAME -- COMMAND ARGS…)', COMMAND);
    if (isUrl(command[0] ?? '')) {
      throw new UsageError(
        `--transport stdio starts a program, but ${printableUrl(command[0] ?? '')} is a URL: leave out --transport (http is the default for a URL) or give -t http|sse`,
        COMMAND,
      );
    }
    if (values.header) throw new UsageError('--header goes with an http or sse server', COMMAND);
    const [program, ...programArgs] = command;
    entry = { type: 'stdio', command: program, args: programArgs, ...(values.env && { env: pairs(values.env, '=', '--env', COMMAND) }) };
    if (target.scope === 'user') settleRelativePaths(entry, notes);
  } else if (transport === 'http' || transport === 'sse') {
    if (values.env) throw new UsageError('--env goes with a stdio server', COMMAND);
    if (command.length !== 1) throw new UsageError(`an ${transport} server needs one URL: warden mcp add NAME URL`, COMMAND);
    entry = { type: transport, url: command[0], ...(values.header && { headers: pairs(values.header, ':', '--header', COMMAND) }) };
  } else {
    throw new UsageError(`invalid --transport "${safeLine(transport, 40)}": expected http, sse or stdio`, COMMAND);
  }
  return store(name, entry, target, notes, ctx);
}

export async function addJson(args: string[], ctx: CommandContext): Promise<number> {
  const COMMAND = 'warden mcp add-json';
  const { values, positionals } = parseFlags(args, { scope: OPTIONS.scope }, true, COMMAND);
  if (values.help) {
    ctx.stdout.write(`${ADD_USAGE}\n`);
    return 0;
  }
  const name = checkName(positionals[0], COMMAND);
  if (positionals[1] === undefined) throw new UsageError('missing the server JSON', COMMAND);
  if (positionals.length > 2) throw new UsageError('the JSON is one argument: quote it', COMMAND);
  let entry: unknown;
  try {
    entry = JSON.parse(positionals[1]);
  } catch {
    throw new UsageError('the server JSON does not parse (quote it, e.g. \'{"type":"http","url":"https://…"}\')', COMMAND);
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new UsageError('the server JSON must be an object such as {"type":"http","url":…}', COMMAND);
  const target = scopeFile(values.scope, ctx, COMMAND);
  const notes = target.note ? [target.note] : [];
  const object = entry as JsonObject;
  if (typeof object.command === 'string' && target.scope === 'user') settleRelativePaths(object, notes);
  return store(name, object, target, notes, ctx);
}
