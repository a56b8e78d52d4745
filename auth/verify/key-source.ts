import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { fetchTrustingCa } from '../../config/ca-fetch.js';
import { createRemoteJwks, type JwksFetch } from './remote-jwks.js';
import type { KeySourceSettings } from './settings.js';

export interface KeySource {
  /** What jose verifies a signature with: a resolver picking a JWKS key by `kid`/`alg`, or always the one static key. */
  key: JWTVerifyGetKey;
  /** Goes up whenever the set of keys changes, so whatever an older key vouched for can be checked again. */
  version(): number;
  /** Brings a key set past its max age up to date (bounded wait, never rejects); call before trusting `version()`. */
  refreshIfStale(): Promise<void>;
  /** True while `refreshIfStale` has nothing to do, so `version()` can be trusted without waiting. */
  isFresh(): boolean;
}

export interface KeySourceOptions {
  /** Fetch for the JWKS (ignored when settings carry a CA, which brings its own). */
  fetch?: JwksFetch;
  /** Least time between JWKS fetches caused by an unknown `kid`; default 30 s. */
  cooldownMs?: number;
  /** Longest a request waits for a max-age refresh of the JWKS; default 1 s. */
  refreshWaitMs?: number;
  /** JWKS request timeout; default 5 s. */
  timeoutMs?: number;
  now?: () => number;
  /** Told the outcome of every JWKS fetch (metrics). */
  onFetch?: (outcome: 'ok' | 'error') => void;
}

/** AUTH_JWKS_MAX_AGE_S when unset. */
export const DEFAULT_JWKS_MAX_AGE_SECONDS = 600;

export function createKeySource(settings: KeySourceSettings, options: KeySourceOptions = {}): KeySource {
  if (settings.kind === 'pem') {
    const key = publicKeyFromPem(settings.pem);
    return { key: () => key, version: () => 0, refreshIfStale: async () => undefined, isFresh: () => true };
  }
  const remote = createRemoteJwks(settings.uri, {
    fetch: settings.caPem !== undefined ? fetchTrustingCa(settings.caPem) : (options.fetch ?? fetch),
    cooldownMs: options.cooldownMs ?? 30_000,
    maxAgeMs: (settings.maxAgeSeconds ?? DEFAULT_JWKS_MAX_AGE_SECONDS) * 1000,
    timeoutMs: options.timeoutMs ?? 5000,
    refreshWaitMs: options.refreshWaitMs ?? 1000,
    now: options.now ?? Date.now,
    ...(options.onFetch && { onFetch: options.onFetch }),
  });
  return { key: remote.getKey, version: remote.version, refreshIfStale: remote.refreshIfStale, isFresh: remote.isFresh };
}

/** SPKI public key or X.509 certificate, PEM-encoded. */
export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType === undefined) throw new Error('not an asymmetric public key');
  return key;
}
