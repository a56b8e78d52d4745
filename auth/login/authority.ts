import { ConfigError } from '../../config/errors.js';

// Its own module, free of zod and MSAL: the agent core reads authorities before either is loaded.

/** Microsoft's public-cloud authority host: ENTRA_AUTHORITY_HOST's default. */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/**
 * Default tenant: `organizations` (any work or school account). The API scope belongs to one
 * organisation's app, so personal Microsoft accounts (`common`/`consumers`) would only fail later.
 */
export const DEFAULT_TENANT_ID = 'organizations';

/**
 * Splits a published authority (https://host/<tenant>[/v2.0][/]) into host and tenant.
 * Throws ConfigError when it is not of that shape.
 */
export function splitAuthority(authority: string): { authorityHost: string; tenantId: string } {
  let url: URL;
  try {
    url = new URL(authority);
  } catch {
    throw new ConfigError(`invalid authority "${authority}": expected a URL such as https://login.microsoftonline.com/<tenant>/v2.0`);
  }
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts.at(-1)?.toLowerCase() === 'v2.0') parts.pop();
  if (parts.length !== 1 || !parts[0]) {
    throw new ConfigError(`invalid authority "${authority}": expected https://<host>/<tenant>[/v2.0]`);
  }
  return { authorityHost: url.origin, tenantId: parts[0] };
}
