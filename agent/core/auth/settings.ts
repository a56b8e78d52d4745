import { tokenCachePath, expandPath } from '../../../auth/login/paths.js';
import { parseTokenStoreChoice, TOKEN_STORE_VARIABLE, type TokenStoreChoice } from '../../../auth/store/choice.js';
import { ConfigError } from '../../../config/errors.js';
import type { Env } from '../../../config/load.js';
import type { ServerConfig, ServerSource } from '../host/server-config.js';

/**
 * One server's sign-in settings, typed, built once, each with where it came from.
 *
 * The order, for each setting of one server (the first that has it wins):
 *   1. flags: `--no-auth` (the kind becomes `none`), `--server` (the shortcut's URL);
 *   2. the server's own entry: the `auth` of its `mcpServers` entry (user file, project file or
 *      --mcp-config file), or for the one-server shortcut the environment, which configures it;
 *   3. the environment as the user's defaults for every Entra sign-in (`ENTRA_*`,
 *      `WARDEN_TOKEN_CACHE`, `WARDEN_TOKEN_STORE`, `WARDEN_DEV_CA_FILE`, `AZURE_FEDERATED_TOKEN_FILE`);
 *   4. the server's metadata (RFC 9728, its 401 challenge) — only for what nothing above set
 *      (`withServerMetadata`), and never for where the token is kept.
 * A server's own entry beats the environment's defaults so one server's scope never goes to
 * another; what the user (or an approved file) configured always beats what a server says.
 *
 * Every value carries its Provenance. A project file may not direct a credential until the user
 * approved it (issue 21): `unapprovedCredentials()` is that one check, over `credentialSettings()`;
 * the configuration loader asks it which project servers wait for approval, and the sign-in
 * directory (`server-sign-in.ts`, which builds all settings through `signInSettings`) refuses a
 * sign-in it names. Even approved, a project file's scope and identity provider are judged as a
 * server's word is (sign-in-gate.ts: `isUsersOwn`).
 *
 * Not responsible for validating values (each kind does, when it builds its sign-in) nor for
 * reading files (agent/core/host/).
 */

/** Where a setting came from. */
export type Provenance =
  | { from: 'flag'; flag: string }
  /** The user's environment (and the `.env` merged into it). */
  | { from: 'env'; variable: string }
  /** ~/.config/warden/mcp.json (or another file of the user's own). */
  | { from: 'user-file'; file: string }
  /** A project's ./.mcp.json; `approved`: the user approved it as it is (or --trust-project for this run). */
  | { from: 'project-file'; file: string; approved: boolean }
  /** --mcp-config FILE. */
  | { from: 'mcp-config'; file: string }
  /** The server's RFC 9728 metadata or its 401 challenge: the server's word. */
  | { from: 'server'; url: string }
  /** `npm start`'s own identity provider and server. */
  | { from: 'demo' }
  /** Warden's built-in default. */
  | { from: 'default' };

export interface Setting<T = string> {
  readonly value: T;
  readonly from: Provenance;
}

/**
 * How a server signs in: the configured `auth` kinds, and `server` for an HTTP server without an
 * `auth` key (the default).
 */
export type SignInKindName = 'none' | 'bearer' | 'entra' | 'oauth' | 'client-credentials' | 'server';

export interface SignInSettings {
  /** The server tokens are for: its name, URL (empty for stdio) and who named it. */
  readonly server: { readonly name: string; readonly url: string; readonly from: Provenance };
  readonly kind: Setting<SignInKindName>;
  /** Entra: https://host[:port] of the identity provider. */
  readonly authorityHost?: Setting;
  readonly tenantId?: Setting;
  /** Entra: the agent's public client; oauth / client-credentials: the registered client. */
  readonly clientId?: Setting;
  /** oauth: the registered client's secret (a confidential client); never shown. */
  readonly clientSecret?: Setting;
  /** oauth: the client's ID metadata document (its URL is the client ID where the authorization server takes them). */
  readonly clientMetadataUrl?: Setting;
  /** The scope(s) to ask for (Entra: one API scope; oauth: space-separated). */
  readonly scope?: Setting;
  /** bearer: the variable holding the token. */
  readonly tokenEnv?: Setting;
  /** client-credentials: a PEM with the certificate and its key (absolute path). */
  readonly certificateFile?: Setting;
  /** client-credentials: the federated token file (absolute path). */
  readonly federatedTokenFile?: Setting;
  /** The token cache file (absolute); OAuth grants and approvals are kept beside it. Absent without a home directory or WARDEN_TOKEN_CACHE. */
  readonly tokenCache?: Setting;
  /** Where tokens rest: sealed with a key in the OS secret store, or the plain file (WARDEN_TOKEN_STORE; auth/store/). */
  readonly tokenStore: Setting<TokenStoreChoice>;
  /** A CA trusted for the identity provider only (WARDEN_DEV_CA_FILE; absolute path). */
  readonly caFile?: Setting;
  /** The environment variables whose values the server's entry sends it (`${VAR}` in its url, headers, args or env). */
  readonly environment?: Setting<readonly string[]>;
}

/** Entra settings given as a whole instead of the environment's (the demo's own stack). */
export interface EntraOverride {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  scope: string;
  tokenCache: string;
  caFile?: string;
  from: Provenance;
}

/** What settings are built from, besides the server's own entry. */
export interface SignInSources {
  /** The user's environment. */
  env: Env;
  /** For `~` and the default token cache (absent: the token cache must be named by WARDEN_TOKEN_CACHE). */
  home?: string;
  /** For relative paths in the environment and files. */
  cwd?: string;
  /** --no-auth: no server signs in. */
  noAuth?: boolean;
  /** The shortcut's Entra settings, replacing the environment's (the demo). */
  shortcutEntra?: EntraOverride;
}

const ENTRA_VARIABLES = {
  authorityHost: 'ENTRA_AUTHORITY_HOST',
  tenantId: 'ENTRA_TENANT_ID',
  clientId: 'ENTRA_CLIENT_ID',
  scope: 'ENTRA_API_SCOPE',
} as const;

/** The provenance of a server's own entry. */
export function entryProvenance(source: ServerSource): Provenance {
  switch (source.kind) {
    case 'user':
      return { from: 'user-file', file: source.file };
    case 'project':
      return { from: 'project-file', file: source.file, approved: source.approved };
    case 'flag':
      return { from: 'mcp-config', file: source.file };
    case 'shortcut':
      if (source.via === 'flag') return { from: 'flag', flag: '--server' };
      if (source.via === 'env') return { from: 'env', variable: 'MCP_SERVER_URL' };
      if (source.via === 'demo') return { from: 'demo' };
      return { from: 'default' };
  }
}

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';
const setting = (value: string | undefined, from: Provenance): Setting | undefined => (set(value) ? { value: value.trim(), from } : undefined);
const fromEnv = (env: Env, variable: string): Setting | undefined => setting(env[variable], { from: 'env', variable });

/** The kind by the one rule: --no-auth, else the entry's `auth.kind`, else Entra for the shortcut, else what the server asks for. */
function kindOf(server: ServerConfig, sources: SignInSources): Setting<SignInKindName> {
  if (sources.noAuth) return { value: 'none', from: { from: 'flag', flag: '--no-auth' } };
  if (server.type === 'stdio') return { value: 'none', from: { from: 'default' } };
  if (server.auth) return { value: server.auth.kind, from: entryProvenance(server.source) };
  if (server.source.kind === 'shortcut') return { value: 'entra', from: { from: 'default' } };
  // A configured HTTP server without `auth`: follow its 401 (kinds/server.ts), as other MCP hosts do.
  return { value: 'server', from: { from: 'default' } };
}

/** Builds one server's settings by the order above. */
export function signInSettings(server: ServerConfig, sources: SignInSources): SignInSettings {
  const { env, home, cwd } = sources;
  const entry = entryProvenance(server.source);
  const kind = kindOf(server, sources);
  const path = (s: Setting | undefined): Setting | undefined => s && { value: expandPath(s.value, home, cwd), from: s.from };
  const base = {
    server: { name: server.name, url: server.type === 'stdio' ? '' : server.url, from: entry },
    kind,
    ...optional(
      'tokenCache',
      setting(tokenCachePath(env.WARDEN_TOKEN_CACHE, home, cwd), set(env.WARDEN_TOKEN_CACHE) ? { from: 'env', variable: 'WARDEN_TOKEN_CACHE' } : { from: 'default' }),
    ),
    tokenStore: {
      value: parseTokenStoreChoice(env[TOKEN_STORE_VARIABLE]),
      from: (set(env[TOKEN_STORE_VARIABLE]) ? { from: 'env', variable: TOKEN_STORE_VARIABLE } : { from: 'default' }) as Provenance,
    },
    ...optional('caFile', path(fromEnv(env, 'WARDEN_DEV_CA_FILE'))),
    ...(server.variables?.length && { environment: { value: server.variables, from: entry } }),
  } satisfies SignInSettings;
  const auth = server.auth;
  switch (kind.value) {
    case 'none':
      return base;
    case 'server':
      // The server names where to sign in; the user's Entra app (and the identity provider they trust
      // besides Microsoft's) is what an Entra sign-in there would use. Its scope and tenant are the server's.
      return { ...base, ...optional('clientId', fromEnv(env, 'ENTRA_CLIENT_ID')), ...optional('authorityHost', fromEnv(env, 'ENTRA_AUTHORITY_HOST')) };
    case 'bearer':
      return { ...base, ...optional('tokenEnv', auth?.kind === 'bearer' ? setting(auth.tokenEnv, entry) : undefined) };
    case 'oauth':
      return {
        ...base,
        ...optional('clientId', auth?.kind === 'oauth' ? setting(auth.clientId, entry) : undefined),
        ...optional('clientSecret', auth?.kind === 'oauth' ? setting(auth.clientSecret, entry) : undefined),
        ...optional('clientMetadataUrl', auth?.kind === 'oauth' ? setting(auth.clientMetadataUrl, entry) : undefined),
        ...optional('scope', auth?.kind === 'oauth' ? setting(auth.scope, entry) : undefined),
      };
    case 'entra': {
      const override = server.source.kind === 'shortcut' ? sources.shortcutEntra : undefined;
      if (override) {
        return {
          ...base,
          authorityHost: { value: override.authorityHost, from: override.from },
          tenantId: { value: override.tenantId, from: override.from },
          clientId: { value: override.clientId, from: override.from },
          scope: { value: override.scope, from: override.from },
          tokenCache: { value: override.tokenCache, from: override.from },
          ...optional('caFile', setting(override.caFile, override.from)),
        };
      }
      const own = auth?.kind === 'entra' ? auth : undefined;
      return {
        ...base,
        ...entraSettings(own, entry, env),
      };
    }
    case 'client-credentials': {
      const own = auth?.kind === 'client-credentials' ? auth : undefined;
      return {
        ...base,
        ...entraSettings(own, entry, env),
        ...optional('certificateFile', path(setting(own?.certificateFile, entry))),
        ...optional('federatedTokenFile', path(setting(own?.federatedTokenFile, entry) ?? fromEnv(env, 'AZURE_FEDERATED_TOKEN_FILE'))),
      };
    }
  }
}

/** Entra's four settings: the entry's own, else the environment's. */
function entraSettings(own: Partial<Record<keyof typeof ENTRA_VARIABLES, string>> | undefined, entry: Provenance, env: Env): Partial<SignInSettings> {
  const out: Partial<Record<keyof typeof ENTRA_VARIABLES, Setting>> = {};
  for (const key of Object.keys(ENTRA_VARIABLES) as (keyof typeof ENTRA_VARIABLES)[]) {
    const value = setting(own?.[key], entry) ?? fromEnv(env, ENTRA_VARIABLES[key]);
    if (value) out[key] = value;
  }
  return out;
}

function optional<K extends string>(key: K, value: Setting | undefined): { [P in K]?: Setting } {
  return (value ? { [key]: value } : {}) as { [P in K]?: Setting };
}

/** What a server's metadata may fill in: only settings nothing configured. */
export interface ServerSaid {
  authorityHost?: string;
  tenantId?: string;
  scope?: string;
}

/** The settings with what the server said filling the unset ones (provenance: the server). */
export function withServerMetadata(settings: SignInSettings, said: ServerSaid): SignInSettings {
  const from: Provenance = { from: 'server', url: settings.server.url };
  const fill = (key: keyof ServerSaid): { [k: string]: Setting } => (settings[key] === undefined && set(said[key]) ? { [key]: { value: said[key], from } } : {});
  return { ...settings, ...fill('authorityHost'), ...fill('tenantId'), ...fill('scope') };
}

/** The token cache file, or one line saying why there is none. */
export function tokenCacheOf(settings: SignInSettings): string {
  if (!settings.tokenCache) throw new ConfigError('no token cache: set WARDEN_TOKEN_CACHE (no home directory was given)');
  return settings.tokenCache.value;
}

/** True when the user (or a file) set it, false when it came from the server or a default. */
export function isConfigured(setting: Setting<unknown> | undefined): boolean {
  return setting !== undefined && setting.from.from !== 'server' && setting.from.from !== 'default';
}

/** The settings that choose where a credential goes or which credential is used, with their names. */
export function credentialSettings(settings: SignInSettings): [string, Setting<unknown>][] {
  const keys = [
    'kind',
    'authorityHost',
    'tenantId',
    'clientId',
    'clientSecret',
    'clientMetadataUrl',
    'scope',
    'tokenEnv',
    'certificateFile',
    'federatedTokenFile',
    'tokenCache',
    'caFile',
    'environment',
  ] as const;
  return [['server', { value: settings.server.url, from: settings.server.from }], ...keys.flatMap((k) => (settings[k] ? [[k, settings[k]] as [string, Setting<unknown>]] : []))];
}

/** Whether anything of the user's would be sent: a token (any kind but none) or values from their environment. */
export function sendsCredential(settings: SignInSettings): boolean {
  const environment = (settings.environment?.value.length ?? 0) > 0;
  // Following a server's 401 sends nothing until the server asks; then an unapproved project
  // file's server is refused where sign-ins are handed out (server-sign-in.ts, awaitsApproval).
  if (settings.kind.value === 'server') return environment;
  return settings.kind.value !== 'none' || environment;
}

/** The server was named by a project file the user has not approved (any sign-in it asks for waits for that). */
export function awaitsApproval(settings: SignInSettings): boolean {
  const from = settings.server.from;
  return from.from === 'project-file' && !from.approved;
}

/**
 * The one check of issue 21 §1: the names of the credential settings a project file chose that
 * the user has not approved, when this server would be sent a credential — empty when it may go
 * ahead. A project entry's `auth` (kind, scope, tenant, authority, client, certificate, federated
 * token file), the `${VAR}`s it sends and even its URL count: any of them would point the user's
 * credential somewhere a repository chose.
 */
export function unapprovedCredentials(settings: SignInSettings): string[] {
  if (!sendsCredential(settings)) return [];
  return credentialSettings(settings).flatMap(([name, s]) => (s.from.from === 'project-file' && !s.from.approved ? [name] : []));
}

/** Settings the user chose themselves (flags, their environment, their own or a --mcp-config file): never a project file's or a server's word. */
export function isUsersOwn(setting: Setting<unknown> | undefined): boolean {
  return isConfigured(setting) && setting?.from.from !== 'project-file';
}

/** Whether the server was named by a file (an `mcpServers` entry) rather than as the one-server shortcut. */
export function isFileServer(settings: SignInSettings): boolean {
  const from = settings.server.from.from;
  return from === 'user-file' || from === 'project-file' || from === 'mcp-config';
}

/** The command that signs in to this server: `warden login NAME`, or `warden login` for the shortcut. */
export function loginCommand(settings: SignInSettings): string {
  return isFileServer(settings) ? `warden login ${settings.server.name}` : 'warden login';
}

/** `ENTRA_API_SCOPE`, `auth.scope in ~/.config/warden/mcp.json`, `the server's metadata`: for messages. */
export function describeProvenance(p: Provenance): string {
  switch (p.from) {
    case 'flag':
      return p.flag;
    case 'env':
      return p.variable;
    case 'user-file':
    case 'project-file':
    case 'mcp-config':
      return p.file;
    case 'server':
      return "the server's metadata";
    case 'demo':
      return 'the demo';
    case 'default':
      return "Warden's default";
  }
}
