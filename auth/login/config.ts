import { homedir } from 'node:os';
import { z } from 'zod';
import { ConfigError } from '../../config/errors.js';
import type { Env } from '../../config/load.js';
import { definedOnly, parseConfig } from '../../config/load.js';
import { readPemFile } from '../../config/pem-file.js';
import { parseTokenStoreChoice, type TokenStoreChoice } from '../store/choice.js';
import { DEFAULT_AUTHORITY_HOST, DEFAULT_TENANT_ID, splitAuthority } from './authority.js';
import { defaultCachePath, expandPath, tokenCachePath } from './paths.js';

export { DEFAULT_AUTHORITY_HOST, DEFAULT_TENANT_ID } from './authority.js';

/** Everything the sign-in needs. Build it with loadLoginConfig (env) or buildLoginConfig (explicit values). */
export interface LoginConfig {
  /** https://host[:port], no trailing slash. */
  authorityHost: string;
  /** Tenant GUID, domain, or organizations/common. */
  tenantId: string;
  /** `${authorityHost}/${tenantId}` — what MSAL is configured with. */
  authority: string;
  /** The agent's public-client application id. */
  clientId: string;
  /** The one API scope requested, e.g. api://<server-app-id>/execute. */
  apiScope: string;
  /** Absolute path of the token cache file. */
  cachePath: string;
  /** Where tokens rest (WARDEN_TOKEN_STORE): sealed with a key in the OS secret store, or the plain file. */
  tokenStore: TokenStoreChoice;
  /** A PEM CA trusted for connections to authorityHost only (the dev identity provider's certificate). */
  caFile?: string;
  caPem?: string;
}

/** Explicit values (e.g. discovered through RFC 9728 metadata); unset ones fall back to the defaults. */
export interface LoginConfigValues {
  /** Full authority URL as published in `authorization_servers`, e.g. https://login.microsoftonline.com/<tid>/v2.0; splits into host + tenant. */
  authority?: string;
  authorityHost?: string;
  tenantId?: string;
  clientId?: string;
  apiScope?: string;
  cachePath?: string;
  tokenStore?: TokenStoreChoice;
  caFile?: string;
}

const HINTS = {
  ENTRA_CLIENT_ID: "set it to the Application (client) ID of the agent's public-client app registration (`warden dev-idp` prints one)",
  ENTRA_API_SCOPE: 'set it to the API scope to request, e.g. api://<server-app-id>/execute (`warden dev-idp` prints one)',
} as const;

const authorityHostSchema = z
  .string()
  .url('expected an https URL such as https://login.microsoftonline.com')
  .refine((u) => new URL(u).protocol === 'https:', 'expected an https URL (MSAL refuses http authorities)')
  .refine((u) => {
    const url = new URL(u);
    return (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username;
  }, 'expected only scheme, host and port, e.g. https://login.microsoftonline.com')
  .transform((u) => new URL(u).origin);

const schema = z.object({
  ENTRA_AUTHORITY_HOST: authorityHostSchema.default(DEFAULT_AUTHORITY_HOST),
  ENTRA_TENANT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'expected a tenant GUID, a domain, or organizations/common')
    .default(DEFAULT_TENANT_ID),
  ENTRA_CLIENT_ID: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected an application (client) ID'),
  ENTRA_API_SCOPE: z.string().regex(/^\S+$/, 'expected one scope without spaces, e.g. api://<server-app-id>/execute'),
  WARDEN_TOKEN_CACHE: z.string().min(1).optional(),
  // Checked by parseTokenStoreChoice (auth/store/choice.ts), the one owner of its values.
  WARDEN_TOKEN_STORE: z.string().optional(),
  WARDEN_DEV_CA_FILE: z.string().min(1).optional(),
});

function parse(input: Record<string, string | undefined>): z.output<typeof schema> {
  for (const name of Object.keys(HINTS) as (keyof typeof HINTS)[]) {
    if (input[name] === undefined || input[name]?.trim() === '') throw new ConfigError(`missing ${name}: ${HINTS[name]}`);
  }
  return parseConfig(schema, input);
}

function fromParsed(p: z.output<typeof schema>): LoginConfig {
  const home = homedir();
  const caFile = p.WARDEN_DEV_CA_FILE ? expandPath(p.WARDEN_DEV_CA_FILE, home, process.cwd()) : undefined;
  return {
    authorityHost: p.ENTRA_AUTHORITY_HOST,
    tenantId: p.ENTRA_TENANT_ID,
    authority: `${p.ENTRA_AUTHORITY_HOST}/${p.ENTRA_TENANT_ID}`,
    clientId: p.ENTRA_CLIENT_ID,
    apiScope: p.ENTRA_API_SCOPE,
    cachePath: tokenCachePath(p.WARDEN_TOKEN_CACHE, home, process.cwd()) ?? defaultCachePath(home),
    tokenStore: parseTokenStoreChoice(p.WARDEN_TOKEN_STORE),
    ...(caFile && { caFile, caPem: readPemFile(caFile, 'WARDEN_DEV_CA_FILE', 'certificate') }),
  };
}

/** The sign-in configuration from the environment (and `.env`). Throws ConfigError naming the variable. */
export function loadLoginConfig(env: Env): LoginConfig {
  return fromParsed(parse(env));
}

/**
 * The sign-in configuration from explicit values, e.g. the authority and scope the MCP server
 * published (RFC 9728), with `env` supplying whatever is not given (client id, cache path, CA).
 */
export function buildLoginConfig(values: LoginConfigValues, env: Env = {}): LoginConfig {
  const split = values.authority ? splitAuthority(values.authority) : undefined;
  return fromParsed(
    parse({
      ...env,
      ...definedOnly({
        ENTRA_AUTHORITY_HOST: split?.authorityHost ?? values.authorityHost,
        ENTRA_TENANT_ID: split?.tenantId ?? values.tenantId,
        ENTRA_CLIENT_ID: values.clientId,
        ENTRA_API_SCOPE: values.apiScope,
        WARDEN_TOKEN_CACHE: values.cachePath,
        WARDEN_TOKEN_STORE: values.tokenStore,
        WARDEN_DEV_CA_FILE: values.caFile,
      }),
    }),
  );
}
