import type { AccountSummary } from './types.js';

/**
 * MSAL's serialized token cache, read: the one module that knows its JSON format (sections and
 * field names) and the one rule for which entries belong to a sign-in (client, authority host,
 * tenant, scope). Used by the fast path (a valid token without loading MSAL) and by `status`.
 * Not responsible for writing the cache (MSAL does, through FileTokenCache) nor for choosing
 * among several accounts (MSAL's call, so answers here are always ones MSAL would give).
 */

interface CachedAccount {
  home_account_id?: string;
  environment?: string;
  realm?: string;
  username?: string;
  name?: string;
}

interface CachedCredential {
  home_account_id?: string;
  environment?: string;
  client_id?: string;
  realm?: string;
  target?: string;
  secret?: string;
  expires_on?: string;
}

interface ParsedCache {
  accounts: CachedAccount[];
  accessTokens: CachedCredential[];
  refreshTokens: CachedCredential[];
}

/** Whose entries to read: one client signing in at one authority (and tenant). */
export interface CacheOwner {
  clientId: string;
  /** host[:port] of the authority, as MSAL stores it (`environment`). */
  environment: string;
  /**
   * Microsoft's hosts: MSAL files their entries under an alias (login.windows.net for
   * login.microsoftonline.com), so the host is not compared; the tenant still is.
   */
  microsoft: boolean;
  /** A tenant GUID to match `realm`; undefined for organizations/common (any tenant). */
  tenantId: string | undefined;
}

export interface CacheQuery extends CacheOwner {
  apiScope: string;
  nowMs: number;
}

export interface CachedTokenHit {
  secret: string;
  expiresOn: Date;
  /** Every scope of the cached token (OIDC ones included). */
  scopes: string[];
  account: AccountSummary;
}

/** What `status` shows about an account's grant for a scope; no secret ever leaves this module through it. */
export interface CachedGrant {
  /** Scopes of the newest access token for the scope; empty when none is cached. */
  scopes: string[];
  expiresOn?: Date;
  /** A refresh token of this client is cached, so an expired access token can be renewed without the user. */
  canRefresh: boolean;
}

/** MSAL renews a token this close to its expiry; the fast path leaves such tokens to it. */
const RENEWAL_WINDOW_MS = 5 * 60_000;

const same = (a: string | undefined, b: string): boolean => (a ?? '').toLowerCase() === b.toLowerCase();

function parse(text: string | undefined): ParsedCache | undefined {
  try {
    const cache = JSON.parse(text ?? '') as Record<string, Record<string, unknown> | undefined>;
    const section = <T>(name: string): T[] => Object.values(cache[name] ?? {}) as T[];
    return { accounts: section('Account'), accessTokens: section('AccessToken'), refreshTokens: section('RefreshToken') };
  } catch {
    return undefined;
  }
}

/** The one rule: an entry (account or credential) is this owner's when its authority host and tenant match. */
export function belongsTo(owner: CacheOwner, entry: { environment?: string | undefined; realm?: string | undefined }): boolean {
  if (!owner.microsoft && !same(entry.environment, owner.environment)) return false;
  return owner.tenantId === undefined || same(entry.realm, owner.tenantId);
}

const hasScope = (token: CachedCredential, scope: string): boolean => (token.target ?? '').toLowerCase().split(/\s+/).includes(scope.toLowerCase());

/** The owner's access tokens of one account that carry `scope`. */
function tokensFor(cache: ParsedCache, owner: CacheOwner, homeAccountId: string, scope: string): CachedCredential[] {
  return cache.accessTokens.filter((t) => belongsTo(owner, t) && same(t.client_id, owner.clientId) && same(t.home_account_id, homeAccountId) && hasScope(t, scope));
}

/**
 * The access token a fresh process can use straight from the cache file, without loading MSAL:
 * only the unambiguous case — exactly one account of this owner and exactly one matching token
 * valid for more than MSAL's renewal window. Anything else returns undefined and MSAL decides.
 */
export function findCachedAccessToken(cacheText: string, query: CacheQuery): CachedTokenHit | undefined {
  const cache = parse(cacheText);
  if (!cache) return undefined;
  const accounts = cache.accounts.filter((a) => belongsTo(query, a));
  const [account] = accounts;
  if (accounts.length !== 1 || !account?.home_account_id || !account.username || !account.realm) return undefined;

  const tokens = tokensFor(cache, query, account.home_account_id, query.apiScope);
  const [token] = tokens;
  if (tokens.length !== 1 || !token?.secret) return undefined;
  const expiresOnMs = Number(token.expires_on) * 1000;
  if (!Number.isFinite(expiresOnMs) || expiresOnMs - query.nowMs <= RENEWAL_WINDOW_MS) return undefined;

  return {
    secret: token.secret,
    expiresOn: new Date(expiresOnMs),
    scopes: (token.target ?? '').split(/\s+/).filter(Boolean),
    account: {
      username: account.username,
      ...(account.name && { name: account.name }),
      tenantId: account.realm,
      homeAccountId: account.home_account_id,
    },
  };
}

/** The newest cached grant of `homeAccountId` for `scope`, by the same rule as the fast path. */
export function cachedGrant(cacheText: string | undefined, owner: CacheOwner, homeAccountId: string, scope: string): CachedGrant {
  const cache = parse(cacheText);
  if (!cache) return { scopes: [], canRefresh: false };
  const best = tokensFor(cache, owner, homeAccountId, scope).sort((a, b) => Number(b.expires_on) - Number(a.expires_on))[0];
  const expiresOnMs = Number(best?.expires_on) * 1000;
  return {
    scopes: best ? (best.target ?? '').split(/\s+/).filter(Boolean) : [],
    ...(best && Number.isFinite(expiresOnMs) && { expiresOn: new Date(expiresOnMs) }),
    // Refresh tokens carry no realm (one serves every tenant of the home account).
    canRefresh: cache.refreshTokens.some((r) => belongsTo({ ...owner, tenantId: undefined }, r) && same(r.client_id, owner.clientId) && same(r.home_account_id, homeAccountId)),
  };
}

/** Whether the cache still holds anyone's sign-in (an account or a refresh token of any client). */
export function holdsSignIn(cacheText: string | undefined): boolean {
  const cache = parse(cacheText);
  return cache !== undefined && (cache.accounts.length > 0 || cache.refreshTokens.length > 0);
}

/** Every account the cache holds (any client, any authority), for signing out without settings. */
export function cachedAccounts(cacheText: string | undefined): AccountSummary[] {
  return (parse(cacheText)?.accounts ?? []).flatMap((a) =>
    a.username ? [{ username: a.username, ...(a.name && { name: a.name }), tenantId: a.realm ?? '', homeAccountId: a.home_account_id ?? '' }] : [],
  );
}
