import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { fetchTrustingCa, type JwksFetch } from './ca-fetch.js';
import { createRemoteJwks } from './remote-jwks.js';
import type { KeySourceSettings } from './settings.js';

/** What jose verifies a signature with: one static key or a resolver picking a JWKS key by `kid`/`alg`. */
export type VerificationKey = KeyObject | JWTVerifyGetKey;

export interface KeySource {
  key: VerificationKey;
  /** Goes up whenever the set of keys changes, so whatever an older key vouched for can be checked again. */
  version(): number;
}

export interface KeySourceOptions {
  /** Fetch for the JWKS (ignored when settings carry a CA, which brings its own). */
  fetch?: JwksFetch;
  /** Least time between JWKS fetches caused by an unknown `kid`; default 30 s. */
  cooldownMs?: number;
  /** Age after which the JWKS is refreshed in the background; default 10 min. */
  maxAgeMs?: number;
  /** JWKS request timeout; default 5 s. */
  timeoutMs?: number;
  now?: () => number;
}

export function createKeySource(settings: KeySourceSettings, options: KeySourceOptions = {}): KeySource {
  if (settings.kind === 'pem') {
    const key = publicKeyFromPem(settings.pem);
    return { key, version: () => 0 };
  }
  const remote = createRemoteJwks(settings.uri, {
    fetch: settings.caPem !== undefined ? fetchTrustingCa(settings.caPem) : (options.fetch ?? fetch),
    cooldownMs: options.cooldownMs ?? 30_000,
    maxAgeMs: options.maxAgeMs ?? 10 * 60_000,
    timeoutMs: options.timeoutMs ?? 5000,
    now: options.now ?? Date.now,
  });
  return { key: remote.getKey, version: remote.version };
}

/** SPKI public key or X.509 certificate, PEM-encoded. */
export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType === undefined) throw new Error('not an asymmetric public key');
  return key;
}
