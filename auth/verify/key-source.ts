import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';
import { fetchTrustingCa, type JwksFetch } from './ca-fetch.js';
import { KeySourceUnavailableError } from './errors.js';
import type { KeySourceSettings } from './settings.js';

/** What jose verifies a signature with: one static key or a resolver picking a JWKS key by `kid`/`alg`. */
export type VerificationKey = KeyObject | JWTVerifyGetKey;

export interface KeySourceOptions {
  /** Fetch for the JWKS (ignored when settings carry a CA, which brings its own). */
  fetch?: JwksFetch;
  /** Minimum time between refetches triggered by an unknown `kid`; jose's default is 30 s. */
  cooldownMs?: number;
  /** JWKS request timeout; jose's default is 5 s. */
  timeoutMs?: number;
}

/** Lookup failures that say something about the token rather than about the key source. */
const TOKEN_PROBLEMS = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED', 'ERR_JOSE_ALG_NOT_ALLOWED']);

export function createKeySource(settings: KeySourceSettings, options: KeySourceOptions = {}): VerificationKey {
  if (settings.kind === 'pem') return publicKeyFromPem(settings.pem);
  const fetchImpl = settings.caPem !== undefined ? fetchTrustingCa(settings.caPem) : options.fetch;
  const jwks = createRemoteJWKSet(new URL(settings.uri), {
    ...(options.cooldownMs !== undefined && { cooldownDuration: options.cooldownMs }),
    ...(options.timeoutMs !== undefined && { timeoutDuration: options.timeoutMs }),
    ...(fetchImpl && { [customFetch]: fetchImpl }),
  });
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      if (error instanceof errors.JOSEError && TOKEN_PROBLEMS.has(error.code)) throw error;
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new KeySourceUnavailableError(`cannot fetch signing keys from ${settings.uri}: ${reason}`, { cause: error });
    }
  };
}

/** SPKI public key or X.509 certificate, PEM-encoded. */
export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType === undefined) throw new Error('not an asymmetric public key');
  return key;
}
