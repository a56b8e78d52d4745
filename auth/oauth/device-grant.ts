import { authenticateClient, type ClientAuthMethod } from './client-auth.js';
import type { StoredClient } from './token-store.js';

/**
 * The OAuth 2.0 device authorization grant (RFC 8628) against any authorization server that
 * publishes a `device_authorization_endpoint`: the one piece of the `oauth` sign-in the MCP SDK
 * does not have. Request a code (§3.1), then poll the token endpoint (§3.4) honouring
 * `interval`, `authorization_pending` and `slow_down` (+5 s), until approved, denied or expired.
 * Not responsible for discovery, client registration or storing tokens.
 */

export type OAuthFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds. */
  expiresIn: number;
  /** Seconds between polls (RFC 8628 default 5). */
  interval: number;
}

export interface TokenResponse {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
}

/** The server said no (or said something unusable): `code` is its OAuth error, when it gave one. */
export class DeviceGrantError extends Error {
  override readonly name = 'DeviceGrantError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
const MAX_BODY = 64 * 1024;

async function json(response: Response): Promise<Record<string, unknown>> {
  const text = (await response.text()).slice(0, MAX_BODY);
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null) return body as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new DeviceGrantError('invalid_response', `HTTP ${response.status} without a JSON body`);
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function oauthError(body: Record<string, unknown>, status: number): DeviceGrantError {
  const code = text(body.error) ?? 'invalid_response';
  const description = text(body.error_description);
  return new DeviceGrantError(code, `${code}${description ? ` (${description})` : ''}${text(body.error) ? '' : ` — HTTP ${status}`}`);
}

export interface DeviceRequest {
  client: StoredClient;
  /** How the client authenticates at both endpoints (client-auth.ts). */
  authMethod: ClientAuthMethod;
  scope?: string;
  /** RFC 8707 resource indicator: the MCP server the token is for. */
  resource?: string;
}

/** A request's headers and form body, with the client's authentication. */
function post(request: DeviceRequest, extra: Record<string, string>): RequestInit {
  const params = new URLSearchParams(extra);
  if (request.resource) params.set('resource', request.resource);
  const headers = new Headers(FORM);
  authenticateClient(request.client, request.authMethod, headers, params);
  return { method: 'POST', headers, body: params };
}

export async function requestDeviceAuthorization(endpoint: string, request: DeviceRequest, fetchFn: OAuthFetch = fetch): Promise<DeviceAuthorization> {
  const response = await fetchFn(endpoint, post(request, request.scope ? { scope: request.scope } : {}));
  const body = await json(response);
  if (!response.ok || body.error) throw oauthError(body, response.status);
  const deviceCode = text(body.device_code);
  const userCode = text(body.user_code);
  const verificationUri = text(body.verification_uri) ?? text(body.verification_url);
  if (!deviceCode || !userCode || !verificationUri)
    throw new DeviceGrantError('invalid_response', 'the device authorization response lacks device_code, user_code or verification_uri');
  const expiresIn = Number(body.expires_in);
  const interval = Number(body.interval ?? 5);
  const complete = text(body.verification_uri_complete);
  return {
    deviceCode,
    userCode,
    verificationUri,
    ...(complete && { verificationUriComplete: complete }),
    expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 600,
    interval: Number.isFinite(interval) && interval >= 0 ? interval : 5,
  };
}

export interface PollOptions {
  fetch?: OAuthFetch;
  signal?: AbortSignal;
  now?: () => number;
  /** Waits `ms` (abortable); injectable so tests need not wait real seconds. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function defaultWait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new DeviceGrantError('cancelled', 'sign-in was cancelled'))), { once: true });
  });
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export async function pollDeviceToken(tokenEndpoint: string, request: DeviceRequest, authorization: DeviceAuthorization, options: PollOptions = {}): Promise<TokenResponse> {
  const fetchFn = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const wait = options.wait ?? defaultWait;
  const expiresAt = now() + authorization.expiresIn * 1000;
  let intervalMs = authorization.interval * 1000;
  for (;;) {
    if (options.signal?.aborted) throw new DeviceGrantError('cancelled', 'sign-in was cancelled');
    await wait(intervalMs, options.signal);
    if (now() >= expiresAt) throw new DeviceGrantError('expired_token', 'the code expired before it was approved; sign in again');
    const response = await fetchFn(tokenEndpoint, post(request, { grant_type: DEVICE_GRANT, device_code: authorization.deviceCode }));
    const body = await json(response);
    if (response.ok && text(body.access_token)) return body as unknown as TokenResponse;
    const error = text(body.error);
    if (error === 'authorization_pending') continue;
    if (error === 'slow_down') {
      intervalMs += 5000;
      continue;
    }
    if (error === 'access_denied') throw new DeviceGrantError(error, 'sign-in was declined');
    if (error === 'expired_token') throw new DeviceGrantError(error, 'the code expired before it was approved; sign in again');
    throw oauthError(body, response.status);
  }
}
