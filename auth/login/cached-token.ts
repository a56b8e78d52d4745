import type { AccountSummary } from './types.js';

/** What MSAL's serialized cache holds for an account and an access token (the fields read here). */
interface CachedAccount {
  home_account_id?: string;
  environment?: string;
  realm?: string;
  username?: string;
  name?: string;
}

interface CachedAccessToken {
  home_account_id?: string;
  environment?: string;
  client_id?: string;
  realm?: string;
  target?: string;
  secret?: string;
  expires_on?: string;
}

export interface CacheQuery {
  clientId: string;
  /** host[:port] of the authority, as MSAL stores it (`environment`). */
  environment: string;
  /** A tenant GUID to match `realm`; undefined for organizations/common (then MSAL decides). */
  tenantId: string | undefined;
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

/** MSAL renews a token this close to its expiry; the fast path leaves such tokens to it. */
const RENEWAL_WINDOW_MS = 5 * 60_000;

const same = (a: string | undefined, b: string): boolean => (a ?? '').toLowerCase() === b.toLowerCase();

/**
 * The access token a fresh process can use straight from the cache file, without loading MSAL's
 * cache machinery: only the unambiguous case — exactly one account of this authority (and
 * tenant) and exactly one matching token valid for more than MSAL's renewal window. Anything
 * else (several accounts, an expiring token, aliases, a file MSAL would repair) returns
 * undefined and MSAL decides, so the answer is always one MSAL would give.
 */
export function findCachedAccessToken(cacheText: string, query: CacheQuery): CachedTokenHit | undefined {
  let cache: { Account?: Record<string, CachedAccount>; AccessToken?: Record<string, CachedAccessToken> };
  try {
    cache = JSON.parse(cacheText) as typeof cache;
  } catch {
    return undefined;
  }
  const ours = (entry: { environment?: string; realm?: string }): boolean =>
    same(entry.environment, query.environment) && (query.tenantId === undefined || same(entry.realm, query.tenantId));

  const accounts = Object.values(cache.Account ?? {}).filter(ours);
  const [account] = accounts;
  if (accounts.length !== 1 || !account?.home_account_id || !account.username || !account.realm) return undefined;

  const scope = query.apiScope.toLowerCase();
  const tokens = Object.values(cache.AccessToken ?? {}).filter(
    (t) =>
      ours(t) &&
      same(t.client_id, query.clientId) &&
      same(t.home_account_id, account.home_account_id as string) &&
      (t.target ?? '').toLowerCase().split(/\s+/).includes(scope),
  );
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
