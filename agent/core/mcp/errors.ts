import { safeLine } from '../../../config/terminal-text.js';
import type { ApprovalReason } from '../../../auth/login/sign-in-policy.js';
import { causeChain, errorMessage, firstLine } from '../../../config/error-text.js';
import { loadedMcpSdk } from './sdk.js';
import { STREAM_LOST } from './stream-watch.js';

/** Sign-in is needed before the server can be used (no account, refresh refused, auth off but required). */
export class SignInNeededError extends Error {
  override readonly name: string = 'SignInNeededError';
}

/** The server asks for a token the user has not approved it for (see auth/login/sign-in-policy.ts). */
export class ServerApprovalNeededError extends SignInNeededError {
  override readonly name = 'ServerApprovalNeededError';
  constructor(
    readonly reason: ApprovalReason,
    message: string,
  ) {
    super(message);
  }
}

/** Getting a token failed for a reason other than "sign in first" (identity provider down, bad config). */
export class AuthFailedError extends Error {
  override readonly name: string = 'AuthFailedError';
}

/**
 * The server answered 401 to a token the identity provider had just issued for it (audience or
 * issuer mismatch, say): another sign-in would get the same token, so the session stops here.
 */
export class TokenRejectedError extends AuthFailedError {
  override readonly name = 'TokenRejectedError';
}

export type McpFailure =
  /**
   * Nothing answers at the URL (refused, DNS, timeout) or it is not an MCP endpoint; `timedOutMs`:
   * connecting took longer than that; `permanent`: trying again will not help until someone changes
   * something (no such host, no MCP endpoint there, a port fetch refuses, an untrusted certificate).
   */
  | { kind: 'unreachable'; message: string; timedOutMs?: number; permanent?: true }
  /** A connection that worked broke (server restarted, socket reset): worth one reconnect. */
  | { kind: 'connection-lost'; message: string }
  | { kind: 'sign-in'; message: string }
  | { kind: 'auth-failed'; message: string }
  | { kind: 'other'; message: string };

const REFUSED: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
};
/** Of those, what stays so until someone changes the URL, the DNS or the certificate: not worth retrying by itself. */
const PERMANENT = new Set(['ENOTFOUND', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
const LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** The innermost `code` in an error's cause chain (undici hides the socket error two causes deep). */
function rootCode(error: unknown): string | undefined {
  let code: string | undefined;
  for (const e of causeChain(error)) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') code = c;
  }
  return code;
}

/** Sorts an MCP client failure into what the session does next, with one line naming the URL where it helps. */
export function classifyMcpError(error: unknown, url: string): McpFailure {
  const sdk = loadedMcpSdk();
  const isSdkError = (e: unknown): e is InstanceType<NonNullable<typeof sdk>['SdkError']> => sdk !== undefined && e instanceof sdk.SdkError;
  // Ours may arrive wrapped (the version probe wraps what the transport's fetch throws).
  const auth = causeChain(error).find((e) => e instanceof SignInNeededError || e instanceof AuthFailedError);
  if (auth instanceof SignInNeededError) return { kind: 'sign-in', message: auth.message };
  if (auth instanceof AuthFailedError) return { kind: 'auth-failed', message: auth.message };
  if (sdk && error instanceof sdk.InsufficientScopeError) {
    // 403 insufficient_scope: a sign-in can consent to what the server named (SessionAuth keeps it).
    const needed = error.requiredScope ? ` ${firstLine(error.requiredScope)}` : '';
    return { kind: 'sign-in', message: `the server needs scope${needed}${error.errorDescription ? ` (${firstLine(error.errorDescription)})` : ''}; sign in to consent to it` };
  }
  if (sdk && error instanceof sdk.SdkHttpError) {
    if (error.status === 401) return { kind: 'sign-in', message: 'the server refused the access token even after a refresh; sign in again' };
    if (error.status === 403) return { kind: 'other', message: `the server denied access (403): ${firstLine(error.message)}` };
    if (error.status === 404 || error.status === 405) return { kind: 'unreachable', message: `no MCP endpoint at ${url} (HTTP ${error.status})`, permanent: true };
    // Already waited out once (retry-after.ts): the server's own line says what the limit is.
    if (error.status === 429) return { kind: 'other', message: `the MCP server at ${url} is rate-limiting calls (HTTP 429): ${rateLimitText(error)}` };
    if (error.status >= 500) return { kind: 'connection-lost', message: `the MCP server at ${url} failed (HTTP ${error.status})` };
  }
  if (sdk && error instanceof sdk.ProtocolError && (error.data as { reason?: unknown } | undefined)?.reason === STREAM_LOST) {
    return { kind: 'connection-lost', message: `lost the connection to the MCP server at ${url} during the call` };
  }
  const code = rootCode(error);
  if (code && REFUSED[code])
    return { kind: 'unreachable', message: `cannot reach the MCP server at ${url} (${REFUSED[code]})`, ...(PERMANENT.has(code) && { permanent: true as const }) };
  if (code === 'ERR_INVALID_URL') return { kind: 'unreachable', message: `cannot reach the MCP server at ${url} (not a valid URL)`, permanent: true };
  if (code && LOST.has(code)) return { kind: 'connection-lost', message: `lost the connection to the MCP server at ${url} (${code})` };
  if (isSdkError(error) && (error.code === 'CONNECTION_CLOSED' || error.code === 'NOT_CONNECTED' || error.code === 'SEND_FAILED')) {
    return { kind: 'connection-lost', message: `lost the connection to the MCP server at ${url}` };
  }
  // fetch() failed without a socket code (e.g. a port fetch refuses): still nothing reached the server.
  if (causeChain(error).some((e) => e instanceof TypeError && e.message === 'fetch failed')) {
    const cause = firstLine(errorMessage(causeChain(error).at(-1))) || 'fetch failed';
    // Fetch never connects to a port on its block list (6000, 6667…): that stays so.
    if (cause === 'bad port') return { kind: 'unreachable', message: `cannot reach the MCP server at ${url} (fetch refuses its port as unsafe)`, permanent: true };
    return { kind: 'unreachable', message: `cannot reach the MCP server at ${url} (${cause})` };
  }
  const message = firstLine(errorMessage(error));
  if (isSdkError(error) && error.code === 'ERA_NEGOTIATION_FAILED') {
    return { kind: 'unreachable', message: `cannot talk MCP with ${url}: ${message}` };
  }
  return { kind: 'other', message };
}

/** The server's one-line reason for a 429 (its JSON-RPC error message, made terminal-safe), or a plain fallback. */
function rateLimitText(error: { data?: unknown }): string {
  const text = (error.data as { text?: unknown } | undefined)?.text;
  try {
    const message = (JSON.parse(String(text)) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string' && message.trim()) return safeLine(message, 200);
  } catch {
    // not JSON: the fallback below
  }
  return 'too many calls; try again later';
}
