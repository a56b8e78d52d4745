/**
 * RFC 6750 §3 answers for refused requests: status, `WWW-Authenticate: Bearer …` challenge
 * (with the RFC 9728 `resource_metadata` pointer clients use to find the sign-in settings)
 * and an OAuth-style JSON body.
 */

/** `insufficient_claims`: Entra's claims challenge (Conditional Access authentication context, CAE). */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'insufficient_claims';

export interface ChallengeParams {
  /** Omitted when the request carried no bearer credentials at all (RFC 6750 §3.1). */
  error?: BearerErrorCode;
  description?: string;
  /** Full scope strings the client should request. */
  scopes?: readonly string[];
  /** With insufficient_claims: the claims request (JSON) the client should get a new token with; sent base64-encoded. */
  claims?: string;
  resourceMetadataUrl: string;
}

export interface AuthFailure {
  status: 400 | 401 | 403 | 503;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

const STATUS: Record<BearerErrorCode, 400 | 401 | 403> = { invalid_request: 400, invalid_token: 401, insufficient_scope: 403, insufficient_claims: 401 };

/** quoted-string per RFC 9110; our values never need more than escaping `"` and `\`. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function bearerChallenge(params: ChallengeParams): string {
  const parts: string[] = [];
  if (params.error) parts.push(`error=${quoted(params.error)}`);
  if (params.error && params.description) parts.push(`error_description=${quoted(params.description)}`);
  if (params.scopes?.length) parts.push(`scope=${quoted(params.scopes.join(' '))}`);
  if (params.claims) parts.push(`claims=${quoted(Buffer.from(params.claims).toString('base64'))}`);
  parts.push(`resource_metadata=${quoted(params.resourceMetadataUrl)}`);
  return `Bearer ${parts.join(', ')}`;
}

export function challengeFailure(params: ChallengeParams): AuthFailure {
  const error = params.error;
  return {
    status: error ? STATUS[error] : 401,
    headers: { 'WWW-Authenticate': bearerChallenge(params) },
    body: {
      error: error ?? 'unauthorized',
      error_description: params.description ?? 'this resource needs an access token (Authorization: Bearer <token>)',
    },
  };
}

/** The keys could not be fetched: the token may be fine, so no challenge — ask the client to retry. */
export function unavailableFailure(): AuthFailure {
  return {
    status: 503,
    headers: { 'Retry-After': '5' },
    body: { error: 'temporarily_unavailable', error_description: 'cannot verify tokens right now; try again shortly' },
  };
}
