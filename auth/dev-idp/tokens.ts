import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KeyRing } from './keys.js';
import type { ApiResource, GrantedScopes } from './scopes.js';

/** The one person this provider signs in. */
export interface DevUser {
  name: string;
  /** preferred_username, e.g. dev@warden.example */
  username: string;
  /** Object id (GUID). */
  oid: string;
}

/** What the user approved: who, for which client, which scopes. */
export interface Grant {
  clientId: string;
  scopes: GrantedScopes;
  user: DevUser;
}

export interface TokenSettings {
  issuer: string;
  tenantId: string;
  resource: ApiResource;
  accessTokenLifetimeSeconds: number;
  keys: KeyRing;
  now: () => number;
}

/** Entra's `sub` is pairwise: stable for one user and one app, different across apps. */
function pairwiseSubject(oid: string, appId: string): string {
  return createHash('sha256').update(`${oid}:${appId}`).digest('base64url').slice(0, 43);
}

async function sign(claims: Record<string, unknown>, keys: KeyRing): Promise<string> {
  const key = keys.current();
  return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid }).sign(key.privateKey);
}

/**
 * An Entra v2 delegated access token for the API (`aud` = the API's app id, `scp` = scope names;
 * `acrs` = the authentication contexts a claims request asked for, as if the user satisfied them).
 */
export async function mintAccessToken(
  grant: Grant,
  s: TokenSettings,
  acrs: readonly string[] = [],
  resource: ApiResource = s.resource,
): Promise<{ token: string; expiresIn: number }> {
  const iat = Math.floor(s.now() / 1000);
  const token = await sign(
    {
      aud: resource.appId,
      iss: s.issuer,
      iat,
      nbf: iat,
      exp: iat + s.accessTokenLifetimeSeconds,
      azp: grant.clientId,
      azpacr: '0', // a public client: no client authentication
      name: grant.user.name,
      oid: grant.user.oid,
      preferred_username: grant.user.username,
      scp: grant.scopes.api.join(' '),
      sub: pairwiseSubject(grant.user.oid, resource.appId),
      tid: s.tenantId,
      uti: randomUUID(),
      ver: '2.0',
      ...(acrs.length > 0 && { acrs: [...acrs] }),
    },
    s.keys,
  );
  return { token, expiresIn: s.accessTokenLifetimeSeconds };
}

/** An Entra v2 app-only access token (client credentials): `roles` instead of `scp`, `idtyp` app. */
export async function mintAppToken(clientId: string, roles: string[], s: TokenSettings): Promise<{ token: string; expiresIn: number }> {
  const iat = Math.floor(s.now() / 1000);
  // The service principal's object id: stable per app, like Entra's.
  const oid = createHash('sha256')
    .update(`sp:${clientId}`)
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
  const token = await sign(
    {
      aud: s.resource.appId,
      iss: s.issuer,
      iat,
      nbf: iat,
      exp: iat + s.accessTokenLifetimeSeconds,
      azp: clientId,
      azpacr: '2',
      idtyp: 'app',
      oid,
      sub: oid,
      roles,
      tid: s.tenantId,
      uti: randomUUID(),
      ver: '2.0',
    },
    s.keys,
  );
  return { token, expiresIn: s.accessTokenLifetimeSeconds };
}

/** The ID token MSAL builds its account from (`aud` = the client app). */
export function mintIdToken(grant: Grant, s: TokenSettings): Promise<string> {
  const iat = Math.floor(s.now() / 1000);
  return sign(
    {
      aud: grant.clientId,
      iss: s.issuer,
      iat,
      nbf: iat,
      exp: iat + 3600,
      name: grant.user.name,
      oid: grant.user.oid,
      preferred_username: grant.user.username,
      ...(grant.scopes.oidc.includes('email') && { email: grant.user.username }),
      sub: pairwiseSubject(grant.user.oid, grant.clientId),
      tid: s.tenantId,
      ver: '2.0',
    },
    s.keys,
  );
}

/** Entra's `client_info`: base64url {"uid","utid"}, MSAL's home account id. */
export function clientInfo(user: DevUser, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: user.oid, utid: tenantId })).toString('base64url');
}
