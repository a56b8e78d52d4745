import { printableUrl } from '../../../config/printable-url.js';
import { safeLine } from '../../../config/terminal-text.js';
import type { ProjectEnvFile } from './agent-env.js';
import type { ServerEntry } from './config-schema.js';
import { referencedVariables } from './expand.js';
import type { UntrustedProjectFile } from './load-servers.js';

/**
 * What approving a project file grants, as the user reads it before saying yes (issue 21 §2, §5).
 * For `.mcp.json`: every
 * server entry as written — nothing expanded, so a `${VAR}` shows as the variable's name and never
 * its value — with its command and every argument, its URL, the names of its headers and
 * environment, the variables it reads, its sign-in (kind, scope, tenant, authority, client, client
 * metadata document, whether it has a client secret and where that comes from, certificate or
 * token file), its trust and the server of yours it would replace; then the file's
 * permissions.allow, and one line per power the approval hands over. For `.env`: each variable of
 * Warden's it sets and what it would direct — where a URL, host or file is the point, its value
 * (URLs without userinfo or query values); never the value of anything else, keys among them.
 *
 * Every string comes from the file: each goes through safeLine, and exact strings (command,
 * arguments, URL, paths) are shown quoted so spaces and look-alike text are visible.
 * Not responsible for asking or storing the answer (agent/commands/project-approval.ts, trust-store.ts).
 */

/** An argument or URL longer than this is cut, saying how much is left out. */
const VALUE_CHARS = 300;
/** A file with more arguments than this shows the count of the rest (the question must stay readable). */
const MAX_ARGS = 100;

const quoted = (value: string): string => {
  const text = JSON.stringify(value.length > VALUE_CHARS ? value.slice(0, VALUE_CHARS) : value);
  return safeLine(text, VALUE_CHARS + 20) + (value.length > VALUE_CHARS ? ` (+${value.length - VALUE_CHARS} chars)` : '');
};
const names = (map: Record<string, string> | undefined): string =>
  Object.keys(map ?? {})
    .map((k) => safeLine(k, 64))
    .join(', ');

/** The variables an entry reads: `${VAR}` in url, headers, args, env and a client secret, and a bearer token's variable. */
export function entryVariables(entry: ServerEntry): string[] {
  const secret = entry.auth?.kind === 'oauth' ? (entry.auth.clientSecret ?? '') : '';
  const texts = [entry.url ?? '', ...Object.values(entry.headers ?? {}), ...(entry.args ?? []), ...Object.values(entry.env ?? {}), secret];
  const found = texts.flatMap(referencedVariables);
  if (entry.auth?.kind === 'bearer') found.push(entry.auth.tokenEnv);
  return [...new Set(found)];
}

/** Where a secret comes from, without its value: `from ${VAR}`, else `(written in the file)`. */
function secretSource(value: string): string {
  const variables = referencedVariables(value);
  return variables.length > 0 ? `from ${variables.map((v) => `\${${safeLine(v, 64)}}`).join(', ')}` : '(written in the file)';
}

/** `entra · scope api://x/execute · tenant … · authority https://…`: the sign-in as written (a secret never shown). */
export function authLine(auth: NonNullable<ServerEntry['auth']>): string {
  const fields: [string, string | undefined][] =
    auth.kind === 'none'
      ? []
      : auth.kind === 'bearer'
        ? [['token from', `\${${auth.tokenEnv}}`]]
        : auth.kind === 'oauth'
          ? [
              ['scope', auth.scope],
              ['client', auth.clientId],
              ['client metadata', auth.clientMetadataUrl],
            ]
          : [
              ['scope', auth.scope],
              ['tenant', auth.tenantId],
              ['authority', auth.authorityHost],
              ['client', auth.clientId],
              ...(auth.kind === 'client-credentials'
                ? ([
                    ['certificate', auth.certificateFile],
                    ['federated token file', auth.federatedTokenFile],
                  ] as [string, string | undefined][])
                : []),
            ];
  // A secret is never shown: only that there is one, and the variables it is read from.
  const secret = auth.kind === 'oauth' && auth.clientSecret !== undefined ? [`client secret ${secretSource(auth.clientSecret)}`] : [];
  return [auth.kind, ...fields.flatMap(([label, value]) => (value === undefined ? [] : [`${label} ${quoted(value)}`])), ...secret].join(' · ');
}

const TRUST: Record<string, string> = {
  all: 'all — every tool runs without asking',
  'read-only': 'read-only — tools the server declares read-only run without asking',
  ask: 'ask',
};

/** The lines of one entry, indented under its name. */
export function entryLines(name: string, entry: ServerEntry, replaces?: string): string[] {
  const type = entry.type === 'streamable-http' ? 'http' : (entry.type ?? (entry.command !== undefined ? 'stdio' : 'http'));
  const lines = [`  ${safeLine(name, 64)}  (${type})`];
  const row = (label: string, value: string): void => void lines.push(`      ${label.padEnd(9)}${value}`);
  if (entry.command !== undefined) row('command', quoted(entry.command));
  if (entry.args?.length) {
    const shown = entry.args.slice(0, MAX_ARGS).map(quoted).join(' ');
    row('args', entry.args.length > MAX_ARGS ? `${shown} … and ${entry.args.length - MAX_ARGS} more (see the file)` : shown);
  }
  if (entry.url !== undefined) row('url', quoted(entry.url));
  if (entry.cwd !== undefined) row('cwd', quoted(entry.cwd));
  if (Object.keys(entry.headers ?? {}).length) row('headers', names(entry.headers));
  if (Object.keys(entry.env ?? {}).length) row('env', names(entry.env));
  const variables = entryVariables(entry);
  if (variables.length) row('reads', variables.map((v) => `\${${safeLine(v, 64)}}`).join(', '));
  if (entry.auth && entry.auth.kind !== 'none') row('sign-in', authLine(entry.auth));
  if (entry.trust && entry.trust !== 'ask') row('trust', TRUST[entry.trust] ?? safeLine(entry.trust, 20));
  if (replaces !== undefined) row('replaces', `your server "${safeLine(name, 64)}" (${replaces})`);
  return lines;
}

/** The whole question's text, without the question itself. */
export function projectReviewLines(file: UntrustedProjectFile): string[] {
  const entries = Object.entries(file.entries);
  const stdio = entries.filter(([, e]) => e.command !== undefined).map(([n]) => safeLine(n, 64));
  const variables = [...new Set(entries.flatMap(([, e]) => entryVariables(e)))].map((v) => `\${${safeLine(v, 64)}}`);
  const signIns = entries.filter(([, e]) => e.auth !== undefined && e.auth.kind !== 'none' && e.auth.kind !== 'bearer').map(([n, e]) => `${safeLine(n, 64)} (${e.auth?.kind})`);
  const trusting = entries.filter(([, e]) => e.trust !== undefined && e.trust !== 'ask').map(([n, e]) => `${safeLine(n, 64)} (${e.trust})`);
  const grants = [
    stdio.length > 0 && `start programs on this machine: ${stdio.join(', ')}`,
    variables.length > 0 && `send the values of ${variables.join(', ')} to the servers that name them`,
    signIns.length > 0 && `sign in with your accounts to ${signIns.join(', ')}`,
    (trusting.length > 0 || file.allowRules.length > 0) &&
      `let tools run without asking: ${[...trusting.map((t) => `trust of ${t}`), ...file.allowRules.map((p) => safeLine(p, 80))].join(', ')}`,
    Object.keys(file.replaces).length > 0 &&
      `replace your servers ${Object.keys(file.replaces)
        .map((n) => `"${safeLine(n, 64)}"`)
        .join(', ')}`,
  ].filter((g): g is string => typeof g === 'string');
  return [
    `${safeLine(file.file, 300)} is a project file you have not approved. As written:`,
    ...entries.flatMap(([name, entry]) => entryLines(name, entry, file.replaces[name])),
    ...(file.allowRules.length > 0 ? [`  permissions.allow  ${file.allowRules.map((p) => safeLine(p, 80)).join(', ')}`] : []),
    'Approving it lets this project:',
    ...grants.map((g) => `  - ${g}`),
    'Only approve a project you trust; any change to the file asks again.',
  ];
}

/** The variables of a project `.env` that direct a credential, and what each would do. */
const ENV_POWERS: Record<string, { does: string; show: 'url' | 'path' | 'name' }> = {
  ANTHROPIC_BASE_URL: { does: 'receives your Anthropic API key, your prompts and the tool list', show: 'url' },
  ANTHROPIC_API_KEY: { does: 'the API key your conversations are sent with', show: 'name' },
  MCP_SERVER_URL: { does: 'a server that gets your Entra token (its read-only tools run without asking)', show: 'url' },
  ENTRA_AUTHORITY_HOST: { does: 'where you sign in (an identity provider it trusts)', show: 'url' },
  ENTRA_API_SCOPE: { does: 'which of your APIs tokens are asked for', show: 'path' },
  ENTRA_CLIENT_ID: { does: 'the app you sign in through', show: 'path' },
  ENTRA_TENANT_ID: { does: 'the tenant you sign in to', show: 'path' },
  WARDEN_TOKEN_CACHE: { does: 'where your tokens are kept and read', show: 'path' },
  WARDEN_DEV_CA_FILE: { does: 'a certificate trusted for sign-in connections', show: 'path' },
  AZURE_FEDERATED_TOKEN_FILE: { does: 'a token file used to sign in as an app', show: 'path' },
  BROWSER: { does: 'the program that opens sign-in links', show: 'path' },
};

/** The question's text for a project `.env`, without the question itself. */
export function envReviewLines(file: ProjectEnvFile): string[] {
  const width = Math.min(28, Math.max(...file.wardens.map((n) => n.length)));
  const lines = file.wardens.map((name) => {
    const power = ENV_POWERS[name];
    const value = file.values[name] ?? '';
    const shown = power?.show === 'url' ? ` = ${printableUrl(value)}` : power?.show === 'path' ? ` = ${quoted(value)}` : '';
    return `  ${safeLine(name, 64).padEnd(width)}${shown}${power ? `  — ${power.does}` : ''}`;
  });
  const others = Object.keys(file.values).length - file.wardens.length;
  return [
    `${safeLine(file.file, 300)} is a project file you have not approved. It sets, for Warden:`,
    ...lines,
    ...(others > 0 ? [`  and ${others} other variable${others === 1 ? '' : 's'} (used only by \${VAR}s in approved server files)`] : []),
    'Approving it lets this project choose these settings for you; only approve a project you trust. Any change to the file asks again.',
  ];
}
