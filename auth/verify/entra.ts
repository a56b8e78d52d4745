/** Microsoft Entra ID naming rules: issuers, JWKS location and audience forms for one tenant. */

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** Tenant aliases that name no single tenant: a resource server cannot pin `iss`/`tid` to them. */
export const MULTI_TENANT_ALIASES = ['common', 'organizations', 'consumers'] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The authorization server clients sign in with (its v2 issuer), e.g. https://login.microsoftonline.com/<tid>/v2.0. */
export function entraAuthority(tenantId: string, authorityHost = DEFAULT_AUTHORITY_HOST): string {
  return `${trimSlash(authorityHost)}/${tenantId}/v2.0`;
}

/**
 * Accepted issuers: v2 tokens carry the authority above; v1 tokens (an API app whose
 * manifest still says `accessTokenAcceptedVersion: null/1`) carry https://sts.windows.net/<tid>/.
 */
export function entraIssuers(tenantId: string, authorityHost = DEFAULT_AUTHORITY_HOST): string[] {
  return [entraAuthority(tenantId, authorityHost), `https://sts.windows.net/${tenantId}/`];
}

export function entraJwksUri(tenantId: string, authorityHost = DEFAULT_AUTHORITY_HOST): string {
  return `${trimSlash(authorityHost)}/${tenantId}/discovery/v2.0/keys`;
}

/**
 * v2 tokens carry the app id GUID in `aud`, v1 tokens the App ID URI; accept both forms
 * of what was configured (a GUID or `api://<GUID>`). Any other URI is taken as given.
 */
export function entraAudiences(audience: string): string[] {
  if (isGuid(audience)) return [audience, `api://${audience}`];
  const match = /^api:\/\/([^/]+)\/?$/.exec(audience);
  if (match?.[1] && isGuid(match[1])) return [`api://${match[1]}`, match[1]];
  return [audience];
}

/**
 * What turns a scope name into the scope a client must request: Entra wants
 * `api://<app>/execute` while the token's `scp` says `execute`.
 */
export function entraScopePrefix(audience: string): string {
  return isGuid(audience) ? `api://${audience}` : trimSlash(audience);
}
