/**
 * The `mcpServers` file format (Claude Code / Claude Desktop `.mcp.json`, plus Warden's `tools`,
 * `auth` and `timeout`): one zod schema, and the one-line error a bad file gives.
 *
 * Responsible for: the shape of a file and naming file, server and key when it is wrong.
 * Not responsible for: `${VAR}` expansion, type inference and precedence (config-files.ts,
 * load-servers.ts), nor editing files (agent/commands/mcp-file.ts keeps the raw JSON).
 *
 * zod/mini: files are read on the chat path before its first frame.
 */
import * as z from 'zod/mini';
import { ConfigError } from '../../../config/errors.js';
import { safeLine } from '../../../config/terminal-text.js';
import { PROTOCOL_SETTINGS } from '../mcp/protocol-version.js';

/** Server names become part of tool names the model sees (`NAME__tool`), so they stay plain. */
export const SERVER_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** An environment variable name, as `${VAR}` and `auth.tokenEnv` accept it. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const text = (what = 'a string') => z.string({ error: `expected ${what}` });
const stringList = z.array(text(), { error: 'expected a list of strings' });
const stringMap = z.record(text('a name'), text(), { error: 'expected an object of string values' });
const envName = text('a variable name').check(z.regex(ENV_NAME, 'expected a variable name such as MY_API_KEY'));

/** A client ID metadata document's URL is the client's ID: https with a path (draft-ietf-oauth-client-id-metadata-document). */
function isClientMetadataUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.pathname !== '/' && url.hash === '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

const authSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('none') }),
    z.object({
      kind: z.literal('entra'),
      scope: z.optional(text()),
      tenantId: z.optional(text()),
      authorityHost: z.optional(text()),
      clientId: z.optional(text()),
    }),
    z.object({ kind: z.literal('bearer'), tokenEnv: envName }),
    z
      .object({
        kind: z.literal('oauth'),
        clientId: z.optional(text()),
        // Of a confidential client registered beforehand: `${VAR}` keeps it out of the file.
        clientSecret: z.optional(text()),
        clientMetadataUrl: z.optional(text('an https URL').check(z.refine(isClientMetadataUrl, 'expected an https URL with a path (the client ID metadata document)'))),
        scope: z.optional(text()),
      })
      .check(
        z.refine((auth) => auth.clientSecret === undefined || auth.clientId !== undefined, {
          message: 'a clientSecret belongs to a registered client: give its clientId too',
          path: ['clientSecret'],
        }),
      ),
    z.object({
      kind: z.literal('client-credentials'),
      clientId: text(),
      scope: text(),
      tenantId: z.optional(text()),
      authorityHost: z.optional(text()),
      certificateFile: z.optional(text()),
      federatedTokenFile: z.optional(text()),
    }),
  ],
  { error: 'expected {"kind": "none"}, {"kind": "entra", …}, {"kind": "bearer", "tokenEnv": "VAR"}, {"kind": "oauth", …} or {"kind": "client-credentials", …}' },
);

const toolsSchema = z
  .object({ include: z.optional(stringList), exclude: z.optional(stringList) }, { error: 'expected {"include": [...]} or {"exclude": [...]}' })
  .check(z.refine((t) => (t.include === undefined) !== (t.exclude === undefined), 'expected either "include" or "exclude", not both or neither'));

/** One entry of `mcpServers`. Unknown keys are allowed (other tools' settings) and ignored. */
export const serverEntrySchema = z.looseObject(
  {
    // `streamable-http` is what some other clients write for Streamable HTTP.
    type: z.optional(z.enum(['http', 'sse', 'stdio', 'streamable-http'], { error: 'expected "http", "sse" or "stdio"' })),
    url: z.optional(text('a URL')),
    headers: z.optional(stringMap),
    command: z.optional(text('a command').check(z.minLength(1, 'expected a command'))),
    args: z.optional(stringList),
    env: z.optional(stringMap),
    cwd: z.optional(text('a directory')),
    timeout: z.optional(
      z.number({ error: 'expected a number of milliseconds' }).check(z.int('expected whole milliseconds'), z.positive('expected a positive number of milliseconds')),
    ),
    tools: z.optional(toolsSchema),
    auth: z.optional(authSchema),
    // Which of its tools run without asking (agent/core/permissions/policy.ts).
    trust: z.optional(z.enum(['ask', 'read-only', 'all'], { error: 'expected "ask", "read-only" or "all"' })),
    // Which MCP revision to speak (agent/core/mcp/protocol-version.ts).
    protocolVersion: z.optional(z.enum(PROTOCOL_SETTINGS, { error: `expected ${PROTOCOL_SETTINGS.map((v) => `"${v}"`).join(', ')}` })),
  },
  { error: 'expected an object' },
);
export type ServerEntry = z.infer<typeof serverEntrySchema>;

const patternList = z.array(text('a tool pattern such as files__read_*').check(z.minLength(1, 'expected a tool pattern such as files__read_*')), {
  error: 'expected a list of tool patterns such as ["files__read_*"]',
});
// Rules saved from a question name their server and its identity; the older forms without one are still read.
const savedRuleSchema = z.union(
  [
    z.object({ server: text('a server name'), tool: text('a tool name'), for: text('a server identity') }),
    z.object({ server: text('a server name'), readOnly: z.literal(true), for: text('a server identity') }),
    z.object({ tool: text('a tool name') }),
    z.object({ readOnlyServer: text('a server name') }),
  ],
  { error: 'expected {"server": "SERVER", "tool": "TOOL", "for": "…"}, {"server": "SERVER", "readOnly": true, "for": "…"} or an older {"tool": "SERVER__TOOL"}' },
);

/** Tool permissions: patterns over `SERVER__TOOL` names, and the rules saved from the approval prompt. */
export const permissionsSchema = z.looseObject(
  { allow: z.optional(patternList), deny: z.optional(patternList), saved: z.optional(z.array(savedRuleSchema, { error: 'expected a list of saved rules' })) },
  { error: 'expected {"allow": [...], "deny": [...]}' },
);

export const serverFileSchema = z.looseObject(
  {
    mcpServers: z.optional(z.record(z.string(), serverEntrySchema, { error: 'expected an object of servers' })),
    permissions: z.optional(permissionsSchema),
  },
  { error: 'expected a JSON object' },
);
export type FilePermissions = z.infer<typeof permissionsSchema>;

/** `args[2]`, `headers.X-Api-Key`: how a key is named in an error. */
function keyPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** The ConfigError for a problem at `path` inside server `server` of `file`; names are from the file, so made safe. */
export function serverConfigError(file: string, server: string | undefined, key: string | undefined, message: string): ConfigError {
  const where = [server !== undefined && `server "${safeLine(server, 64)}"`, key && `key "${safeLine(key, 80)}"`].filter(Boolean).join(', ');
  return new ConfigError(`${safeLine(file, 300)}: ${where ? `${where}: ` : ''}${message}`);
}

/** Parses a file's JSON value; throws one ConfigError naming the file, the server and the key. */
export function parseServerFile(value: unknown, file: string): Record<string, ServerEntry> {
  return parseConfigFile(value, file).servers;
}

/** The whole file: its servers and its permissions. */
export function parseConfigFile(value: unknown, file: string): { servers: Record<string, ServerEntry>; permissions: FilePermissions } {
  const result = z.safeParse(serverFileSchema, value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path ?? [];
    const message = issue?.message ?? 'invalid value';
    if (path[0] === 'mcpServers' && path.length >= 2) throw serverConfigError(file, String(path[1]), keyPath(path.slice(2)) || undefined, message);
    throw serverConfigError(file, undefined, keyPath(path) || undefined, message);
  }
  const servers = result.data.mcpServers ?? {};
  for (const name of Object.keys(servers)) {
    if (!SERVER_NAME.test(name)) {
      throw serverConfigError(file, name, undefined, 'invalid server name: use letters, digits, "_" and "-" (at most 64)');
    }
  }
  return { servers, permissions: result.data.permissions ?? {} };
}
