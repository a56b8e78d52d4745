import { setTimeout as delay } from 'node:timers/promises';
import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { rootCause } from '../../config/error-text.js';
import { KeySourceUnavailableError } from './errors.js';

/** The fetch shape jose's remote JWKS calls (a URL string and a GET init). */
export type JwksFetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface RemoteJwksOptions {
  fetch: JwksFetch;
  /**
   * Least time between fetches caused by an unknown `kid` (so unknown kids cannot hammer the provider), and between
   * max-age refreshes after a failed one. A max-age refresh after a successful fetch waits for the max age alone.
   */
  cooldownMs: number;
  /** Age after which the key set is refetched before it vouches for anything again (see `refreshIfStale`). */
  maxAgeMs: number;
  timeoutMs: number;
  /** Longest a request waits for a max-age refresh before going on with the keys held (a hanging provider). */
  refreshWaitMs: number;
  now: () => number;
  /** Told the outcome of every fetch (metrics). */
  onFetch?: (outcome: 'ok' | 'error') => void;
}

export interface RemoteJwks {
  getKey: JWTVerifyGetKey;
  /** Goes up whenever a fetch brings a different key set. */
  version(): number;
  /**
   * Refetches a key set older than the max age, waiting (at most `refreshWaitMs`) for the
   * answer. Called before every verification, cached ones included, so a removed key stops
   * counting within the max age whether or not requests reach `getKey`. Never rejects.
   */
  refreshIfStale(): Promise<void>;
  /** True while the key set is younger than its max age: `refreshIfStale` would have nothing to do. */
  isFresh(): boolean;
}

/**
 * A JWKS fetched on first use and cached. An unknown `kid` refetches (at most once per
 * cooldown): that is how a rotated-in key is found, and how a removed key stops verifying.
 * A key set older than the max age is refetched lazily, on the next verification (the injected
 * clock decides; no timers). When the provider cannot be reached, the keys already held keep
 * verifying (stale-if-error): an identity-provider outage must not lock out tokens signed by
 * keys the server knows.
 */
export function createRemoteJwks(uri: string, o: RemoteJwksOptions): RemoteJwks {
  let held: { getKey: JWTVerifyGetKey; text: string; fetchedAt: number } | undefined;
  let version = 0;
  let lastAttempt = -Infinity;
  let pending: Promise<void> | undefined;
  /** Why the latest fetch failed; until one succeeds an unknown kid is undecidable, not unknown. */
  let lastFailure: KeySourceUnavailableError | undefined;
  /** Set once a request gave up waiting for the pending refresh: later ones do not wait for it either. */
  let pendingIsSlow = false;

  const coolingDown = (): boolean => o.now() - lastAttempt < o.cooldownMs;
  const refresh = (): Promise<void> =>
    (pending ??= (async () => {
      lastAttempt = o.now();
      try {
        const { text, getKey } = await fetchKeySet(uri, o);
        if (text !== held?.text) version++;
        held = { getKey, text, fetchedAt: o.now() };
        lastFailure = undefined;
        o.onFetch?.('ok');
      } catch (error) {
        lastFailure = error as KeySourceUnavailableError;
        o.onFetch?.('error');
        throw error;
      } finally {
        pending = undefined;
        pendingIsSlow = false;
      }
    })());
  const keys = (): JWTVerifyGetKey => (held as NonNullable<typeof held>).getKey;

  return {
    version: () => version,
    isFresh: () => held !== undefined && o.now() - held.fetchedAt < o.maxAgeMs,
    async refreshIfStale() {
      if (!held || o.now() - held.fetchedAt < o.maxAgeMs) return;
      // A refresh that failed within the cooldown leaves the held keys in use (stale-if-error). After a
      // successful fetch the max age alone decides, however short it is (AUTH_JWKS_MAX_AGE_S below the cooldown).
      if (!pending && lastFailure && coolingDown()) return;
      const running = (pending ?? refresh()).catch(() => undefined);
      if (pendingIsSlow) return;
      const giveUp = new AbortController();
      const waited = delay(o.refreshWaitMs, 'slow', { signal: giveUp.signal, ref: false }).catch(() => undefined);
      if ((await Promise.race([running, waited])) === 'slow') pendingIsSlow = true;
      giveUp.abort();
    },
    async getKey(header, token) {
      if (!held) await refresh();
      try {
        return await keys()(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
        if (!pending && coolingDown()) throw lastFailure ?? error;
        // A fetch that fails here leaves the kid undecidable: KeySourceUnavailableError (503), not a verdict on the token.
        await (pending ?? refresh());
        return keys()(header, token);
      }
    },
  };
}

async function fetchKeySet(uri: string, o: RemoteJwksOptions): Promise<{ text: string; getKey: JWTVerifyGetKey }> {
  try {
    // No redirects: the keys come from the configured URL or not at all.
    const response = await o.fetch(uri, { headers: { accept: 'application/json, application/jwk-set+json' }, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs) });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    return { text, getKey: createLocalJWKSet(JSON.parse(text) as Parameters<typeof createLocalJWKSet>[0]) };
  } catch (error) {
    throw new KeySourceUnavailableError(`cannot fetch signing keys from ${uri}: ${rootCause(error)}`, { cause: error });
  }
}
