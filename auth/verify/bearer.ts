import { challengeFailure, unavailableFailure, type AuthFailure } from './challenge.js';
import { KeySourceUnavailableError, TokenRejectedError } from './errors.js';
import type { TokenVerifier, VerifiedToken } from './jwt-verifier.js';
import { missingScopes } from './scopes.js';

export interface BearerGateOptions {
  verifier: TokenVerifier;
  /** Scope names every request needs (compared with the token's `scp`/`roles`). */
  requiredScopes: readonly string[];
  /** Scope names → the full strings a client must request (api://… for Entra). */
  requestable: (names: readonly string[]) => string[];
  resourceMetadataUrl: string;
}

/** What the gate needs from an HTTP request: every Authorization header value, the URL, and the connection it came on. */
export interface BearerRequest {
  authorization: readonly string[];
  url: URL;
  /** The request's connection (its socket): the verifier recognises a connection's repeated token by it. */
  connection?: object;
}

export type BearerOutcome =
  | { ok: true; token: string; verified: VerifiedToken }
  /** `reason` is for the log: it says what failed and never contains the token. */
  | { ok: false; failure: AuthFailure; reason: string };

/** RFC 6750 §2.1: `Bearer` 1*SP b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const SCHEME = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: |$)/;

/**
 * Authenticates one request: exactly one `Authorization: Bearer` header, no token in the
 * query string, a token the verifier accepts, and the required scopes. A token the verifier
 * vouched for before (`verifiedBefore`) is answered at once, without a promise: that is nearly
 * every request of a client that keeps its token; any other goes through `verify`.
 */
export function authenticateBearer(request: BearerRequest, options: BearerGateOptions): BearerOutcome | Promise<BearerOutcome> {
  // Built only for a refusal: the requestable scope strings are not needed on the way in.
  const challenge = () => ({ resourceMetadataUrl: options.resourceMetadataUrl, scopes: options.requestable(options.requiredScopes) });

  // Nearly every request repeats the exact header its connection sent before: a token that passed every
  // check below once is recognised by string comparison, without scanning a ~1.5 KB header with regexes.
  const only = request.authorization.length === 1 ? request.authorization[0] : undefined;
  if (only?.startsWith('Bearer ') && !request.url.searchParams.has('access_token')) {
    const token = only.slice(7);
    const known = options.verifier.verifiedBefore(token, request.connection);
    if (known) return withScopes(token, known, options, challenge);
  }

  if (request.url.searchParams.has('access_token')) {
    const description = 'access tokens in the query string are not accepted; send Authorization: Bearer';
    return refuse(challengeFailure({ ...challenge(), error: 'invalid_request', description }), 'token in query string');
  }
  if (request.authorization.length > 1) {
    const description = 'more than one Authorization header';
    return refuse(challengeFailure({ ...challenge(), error: 'invalid_request', description }), description);
  }
  const header = request.authorization[0]?.trim();
  const scheme = header ? SCHEME.exec(header)?.[1] : undefined;
  if (!header || scheme?.toLowerCase() !== 'bearer') {
    // No bearer credentials at all (none, or another scheme): a plain challenge without error (RFC 6750 §3.1).
    return refuse(challengeFailure(challenge()), header ? `unsupported Authorization scheme ${scheme ?? '(malformed)'}` : 'no token');
  }
  const token = BEARER.exec(header)?.[1];
  if (token === undefined) {
    const description = 'malformed Authorization header; expected Bearer <token>';
    return refuse(challengeFailure({ ...challenge(), error: 'invalid_request', description }), description);
  }
  const known = options.verifier.verifiedBefore(token, request.connection);
  return known ? withScopes(token, known, options, challenge) : verifyFully(token, request.connection, options, challenge);
}

type Challenge = () => { resourceMetadataUrl: string; scopes: string[] };

const refuse = (failure: AuthFailure, reason: string): BearerOutcome => ({ ok: false, failure, reason });

async function verifyFully(token: string, connection: object | undefined, options: BearerGateOptions, challenge: Challenge): Promise<BearerOutcome> {
  let verified: VerifiedToken;
  try {
    verified = await options.verifier.verify(token, connection);
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      return refuse(challengeFailure({ ...challenge(), error: 'invalid_token', description: error.description }), error.description);
    }
    if (error instanceof KeySourceUnavailableError) return refuse(unavailableFailure(), error.message);
    throw error;
  }
  return withScopes(token, verified, options, challenge);
}

function withScopes(token: string, verified: VerifiedToken, options: BearerGateOptions, challenge: Challenge): BearerOutcome {
  const missing = missingScopes(verified.scopes, options.requiredScopes);
  if (missing.length > 0) {
    const description = `token lacks scope ${missing.join(', ')}`;
    return refuse(challengeFailure({ ...challenge(), error: 'insufficient_scope', description }), description);
  }
  return { ok: true, token, verified };
}
