import { ConfigError } from '../../config/errors.js';

// Its own module, free of zod and MSAL: the agent core reads authorities before either is loaded.

/** Microsoft's public-cloud authority host: ENTRA_AUTHORITY_HOST's default. */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/**
 * Default tenant: `organizations` (any work or school account). The API scope belongs to one
 * organisation's app, so personal Microsoft accounts (`common`/`consumers`) would only fail later.
 */
export const DEFAULT_TENANT_ID = 'organizations';

/** `https://Host:8443` or `host:8443` → `host:8443` (lower case; default ports dropped by URL). */
export function authorityHostKey(hostOrUrl: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(hostOrUrl) ? hostOrUrl : `https://${hostOrUrl}`;
  return new URL(withScheme).host.toLowerCase();
}

/**
 * Microsoft Entra's authority hosts: the aliases of MSAL's built-in instance metadata
 * (@azure/msal-common AuthorityMetadata: public cloud, China, US Government, Germany, sovereign
 * clouds). `endpoints`: MSAL also ships the host's endpoint metadata, so it needs neither a
 * discovery request nor `knownAuthorities`. The one list: who counts as Entra, and what MSAL knows.
 */
const MICROSOFT_AUTHORITY_HOSTS: Readonly<Record<string, { endpoints: boolean }>> = {
  'login.microsoftonline.com': { endpoints: true },
  'login.windows.net': { endpoints: false },
  'login.microsoft.com': { endpoints: false },
  'sts.windows.net': { endpoints: false },
  'login.partner.microsoftonline.cn': { endpoints: true },
  'login.chinacloudapi.cn': { endpoints: false },
  'login.microsoftonline.de': { endpoints: false },
  'login.microsoftonline.us': { endpoints: true },
  'login.usgovcloudapi.net': { endpoints: false },
  'login-us.microsoftonline.com': { endpoints: false },
  'login.sovcloud-identity.fr': { endpoints: true },
  'login.sovcloud-identity.de': { endpoints: true },
  'login.sovcloud-identity.sg': { endpoints: true },
};

/** A Microsoft Entra authority host (URL or `host[:port]`). */
export function isEntraAuthorityHost(hostOrUrl: string): boolean {
  return Object.hasOwn(MICROSOFT_AUTHORITY_HOSTS, authorityHostKey(hostOrUrl));
}

/** MSAL has this host's endpoint metadata built in (no discovery, no knownAuthorities). */
export function msalKnowsEndpoints(authorityHost: string): boolean {
  return MICROSOFT_AUTHORITY_HOSTS[authorityHostKey(authorityHost)]?.endpoints === true;
}

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
