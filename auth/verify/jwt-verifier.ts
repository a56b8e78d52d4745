import { errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { KeySourceUnavailableError, TokenRejectedError } from './errors.js';
import type { KeySource } from './key-source.js';
import { grantedScopes } from './scopes.js';
import type { VerifierSettings } from './settings.js';
import { VerifiedTokenCache } from './verified-cache.js';

/** Signature algorithms a resource server may accept: asymmetric only, so a public key can never sign. */
const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Entra tokens with many claims stay well below this; anything longer is refused before parsing. */
const MAX_TOKEN_LENGTH = 8192;

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** What the server learns from an accepted token. */
export interface VerifiedToken {
  issuer: string;
  audience: string;
  subject?: string;
  /** `azp` (v2) or `appid` (v1): the client application the token was issued to. */
  clientId?: string;
  tenantId?: string;
  /** From `scp` and `roles`. */
  scopes: string[];
  /** Authentication context ids the sign-in satisfied (Entra's `acrs`); empty when none. */
  acrs: string[];
  /** Seconds since the epoch. */
  expiresAt: number;
}

export interface TokenVerifier {
  /**
   * Resolves for an acceptable token; rejects with TokenRejectedError or KeySourceUnavailableError.
   * `connection` (e.g. the request's socket) lets a connection's repeated token be recognised without hashing it.
   */
  verify(token: string, connection?: object): Promise<VerifiedToken>;
  /**
   * What `verify` would resolve to, when it can answer at once: this exact token verified before,
   * still inside its nbf/exp window, under the same key set, and that key set within its max age.
   * Undefined otherwise (then `verify` decides). The same verdict without a promise per request.
   */
  verifiedBefore(token: string, connection?: object): VerifiedToken | undefined;
}

export function createTokenVerifier(settings: VerifierSettings, keys: KeySource, now: () => number = Date.now): TokenVerifier {
  const cache = new VerifiedTokenCache<VerifiedToken>();
  const toleranceMs = settings.clockToleranceSeconds * 1000;
  return {
    verifiedBefore(token, connection) {
      return keys.isFresh() ? cache.get(token, keys.version(), now(), connection) : undefined;
    },
    async verify(token, connection) {
      if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejectedError('token too large');
      if (!JWS_COMPACT.test(token)) throw new TokenRejectedError('malformed token');
      // Before the cache: a cached verification counts only while its key set is within its max age.
      await keys.refreshIfStale();
      const keysVersion = keys.version();
      const cached = cache.get(token, keysVersion, now(), connection);
      if (cached) return cached;
      const options: JWTVerifyOptions = {
        issuer: settings.issuers,
        audience: settings.audiences,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: settings.clockToleranceSeconds,
        currentDate: new Date(now()),
        requiredClaims: ['exp'],
        // jose compares case-insensitively and without an `application/` prefix (RFC 9068 allows both forms).
        ...(settings.requireAccessTokenType && { typ: 'at+jwt' }),
      };
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys.key, options));
      } catch (error) {
        throw rejection(error);
      }
      const verified = checkClaims(payload, settings);
      const validFrom = typeof payload.nbf === 'number' ? payload.nbf * 1000 - toleranceMs : -Infinity;
      // The key may have come from a fetch made during this verification (the first token after start, an
      // unknown kid): remembered under the key set it was checked against, or every later request would miss.
      const checkedWith = keys.version();
      if (checkedWith === keysVersion || keysVersion === 0) {
        cache.set(token, { value: verified, keysVersion: checkedWith, validFrom, validUntil: verified.expiresAt * 1000 + toleranceMs }, connection);
      }
      return verified;
    },
  };
}

/** Entra-specific checks jose does not know about: tenant and client allowlist. */
function checkClaims(payload: JWTPayload, settings: VerifierSettings): VerifiedToken {
  const tenantId = stringClaim(payload, 'tid');
  if (settings.tenantId !== undefined) {
    if (tenantId === undefined) throw new TokenRejectedError('token has no tenant (tid)');
    if (tenantId.toLowerCase() !== settings.tenantId.toLowerCase()) throw new TokenRejectedError('token is from another tenant');
  }
  const generic = settings.claims === 'rfc9068';
  const clientId = stringClaim(payload, 'azp') ?? stringClaim(payload, 'appid') ?? (generic ? stringClaim(payload, 'client_id') : undefined);
  if (settings.allowedClientIds.length > 0 && (clientId === undefined || !settings.allowedClientIds.includes(clientId))) {
    throw new TokenRejectedError('client application not allowed');
  }
  const audience = Array.isArray(payload.aud) ? settings.audiences.find((a) => payload.aud?.includes(a)) : payload.aud;
  const subject = stringClaim(payload, 'sub');
  return {
    // jose has checked iss, aud and exp against the settings by now.
    issuer: payload.iss as string,
    audience: audience as string,
    ...(subject !== undefined && { subject }),
    ...(clientId !== undefined && { clientId }),
    ...(tenantId !== undefined && { tenantId }),
    scopes: grantedScopes(payload, settings.claims),
    acrs: Array.isArray(payload.acrs) ? payload.acrs.filter((v): v is string => typeof v === 'string') : [],
    expiresAt: payload.exp as number,
  };
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' ? value : undefined;
}

/** Turns jose's error into a short reason the caller may see (and the log records). */
function rejection(error: unknown): Error {
  if (error instanceof KeySourceUnavailableError) return error;
  if (error instanceof errors.JWTExpired) return new TokenRejectedError('token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
        return new TokenRejectedError('token not yet valid');
      case 'iss':
        return new TokenRejectedError('token issuer not accepted');
      case 'aud':
        return new TokenRejectedError('token audience not accepted');
      case 'exp':
        return new TokenRejectedError(error.reason === 'missing' ? 'token has no expiry' : 'token expiry invalid');
      case 'typ':
        return new TokenRejectedError('not an access token (typ is not at+jwt)');
      default:
        return new TokenRejectedError(`token claim "${error.claim}" invalid`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new TokenRejectedError('signing algorithm not allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenRejectedError('invalid signature');
  if (error instanceof errors.JWKSNoMatchingKey) return new TokenRejectedError('unknown signing key');
  if (error instanceof errors.JWKSMultipleMatchingKeys) return new TokenRejectedError('ambiguous signing key');
  if (error instanceof errors.JOSENotSupported) return new TokenRejectedError('unsupported token');
  return new TokenRejectedError('malformed token');
}
