import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { JwksFetch } from './ca-fetch.js';
import { KeySourceUnavailableError } from './errors.js';

export interface RemoteJwksOptions {
  fetch: JwksFetch;
  /** Least time between fetches caused by an unknown `kid` or by a refresh (so unknown kids cannot hammer the provider). */
  cooldownMs: number;
  /** Age after which the key set is refreshed in the background; requests keep using the keys held meanwhile. */
  maxAgeMs: number;
  timeoutMs: number;
  now: () => number;
}

export interface RemoteJwks {
  getKey: JWTVerifyGetKey;
  /** Goes up whenever a fetch brings a different key set. */
  version(): number;
}

/**
 * A JWKS fetched on first use and cached. An unknown `kid` refetches (at most once per
 * cooldown): that is how a rotated-in key is found, and how a removed key stops verifying.
 * When the provider cannot be reached, the keys already held keep verifying (stale-if-error):
 * an identity-provider outage must not lock out tokens signed by keys the server knows.
 */
export function createRemoteJwks(uri: string, o: RemoteJwksOptions): RemoteJwks {
  let held: { getKey: JWTVerifyGetKey; text: string; fetchedAt: number } | undefined;
  let version = 0;
  let lastAttempt = -Infinity;
  let pending: Promise<void> | undefined;

  const coolingDown = (): boolean => o.now() - lastAttempt < o.cooldownMs;
  const refresh = (): Promise<void> =>
    (pending ??= (async () => {
      lastAttempt = o.now();
      try {
        const { text, getKey } = await fetchKeySet(uri, o);
        if (text !== held?.text) version++;
        held = { getKey, text, fetchedAt: o.now() };
      } finally {
        pending = undefined;
      }
    })());
  const keys = (): JWTVerifyGetKey => (held as NonNullable<typeof held>).getKey;

  return {
    version: () => version,
    async getKey(header, token) {
      if (!held) await refresh();
      // Old keys still verify while the refresh runs, or fails.
      else if (o.now() - held.fetchedAt >= o.maxAgeMs && !coolingDown()) refresh().catch(() => undefined);
      try {
        return await keys()(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey) || (!pending && coolingDown())) throw error;
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
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new KeySourceUnavailableError(`cannot fetch signing keys from ${uri}: ${reason}`, { cause: error });
  }
}
