import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { fetchTrustingCa } from '../../config/ca-fetch.js';
import { rootCause } from '../../config/error-text.js';

/** The fetch shape the sign-in uses; inject one in tests to count or fail requests. */
export type LoginFetch = (url: string, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; signal: AbortSignal }) => Promise<Response>;

export interface NetworkFailure {
  /** Short cause for the user: ECONNREFUSED, "timed out", "HTTP 502", a TLS code … */
  cause: string;
  /** True when TLS verification failed (an untrusted/self-signed certificate). */
  tls: boolean;
}

export interface IdentityNetwork extends INetworkModule {
  /** `verification_uri_complete` from the latest device-code response, by user code (MSAL drops it). */
  verificationUriComplete(userCode: string): string | undefined;
  /** A GET that returns the parsed JSON body, with the same trust and failure tracking. */
  getJson(url: string): Promise<NetworkResponse<unknown>>;
}

export interface IdentityNetworkOptions {
  /** https://host[:port] of the identity provider: the only origin `caPem` is trusted for. */
  authorityHost: string;
  /** Extra CA (PEM) trusted for authorityHost only, on top of the system roots. */
  caPem?: string;
  fetch?: LoginFetch;
  /** Per-request timeout in ms. Default 15 000. */
  timeoutMs?: number;
}

/** The device-code endpoint's OAuth error answer. */
export interface DeviceCodeRefusal {
  error: string;
  description?: string;
}

/** Marks the errors this module throws; MSAL's AuthError resets subclass prototypes, so a brand, not instanceof. */
const FAILURE = Symbol('identity network failure');
const REFUSAL = Symbol('device code refusal');

/**
 * A typed failure as an MSAL AuthError, so MSAL passes it on unchanged instead of replacing it
 * with its generic network_error. Only MSAL calls this module, so loading MSAL here costs nothing.
 */
async function authError(code: string, message: string, brand: { [FAILURE]: NetworkFailure } | { [REFUSAL]: DeviceCodeRefusal }): Promise<Error> {
  const { AuthError } = await import('@azure/msal-node');
  return Object.assign(new AuthError(code, '', message), brand);
}

/** What the network failed with (unreachable, untrusted certificate, not JSON), when `error` is that failure. */
export function networkFailureOf(error: unknown): NetworkFailure | undefined {
  return (error as { [FAILURE]?: NetworkFailure } | undefined)?.[FAILURE];
}

/** The device-code endpoint's OAuth error (MSAL would pass it on as if it were a code), when `error` is that refusal. */
export function deviceCodeRefusalOf(error: unknown): DeviceCodeRefusal | undefined {
  return (error as { [REFUSAL]?: DeviceCodeRefusal } | undefined)?.[REFUSAL];
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|DEPTH_ZERO/i;

/** The most telling short cause of a fetch failure (config/error-text.ts), and whether TLS verification failed. */
function failureOf(error: unknown): NetworkFailure {
  const cause = rootCause(error);
  return { cause, tls: TLS_CODES.test(cause) };
}

function defaultFetch(authorityOrigin: string, caPem: string | undefined): LoginFetch {
  // Only connections to the identity provider trust the extra CA.
  const trusting = caPem ? fetchTrustingCa(caPem) : undefined;
  return async (url, init) => {
    if (trusting && new URL(url).origin === authorityOrigin) return trusting(url, { ...init, redirect: 'error' });
    return fetch(url, { ...init, redirect: 'error' });
  };
}

/** MSAL's `system.networkClient`: fetch with the dev CA trusted for the authority host only, timeouts, typed failures. */
export function createIdentityNetwork(options: IdentityNetworkOptions): IdentityNetwork {
  const authorityOrigin = new URL(options.authorityHost).origin;
  const doFetch = options.fetch ?? defaultFetch(authorityOrigin, options.caPem);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const completeUris = new Map<string, string>();

  const fail = async (failure: NetworkFailure, message: string): Promise<never> => {
    throw await authError('network_error', message, { [FAILURE]: failure });
  };

  async function send<T>(method: 'GET' | 'POST', url: string, requestOptions?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout ?? timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method,
        headers: { ...requestOptions?.headers },
        ...(method === 'POST' && { body: requestOptions?.body ?? '' }),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      const { cause, tls } = controller.signal.aborted ? { cause: 'timed out', tls: false } : failureOf(error);
      return await fail({ cause, tls }, `Network request failed: ${cause}`);
    } finally {
      clearTimeout(timer);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return await fail({ cause: `HTTP ${response.status}, not JSON`, tls: false }, `Failed to parse response: HTTP ${response.status}`);
    }
    if (method === 'POST' && /\/devicecode$/.test(new URL(url).pathname) && typeof body === 'object' && body) {
      const { user_code: userCode, verification_uri_complete: complete, error, error_description: description } = body as Record<string, unknown>;
      if (typeof error === 'string') {
        const refusal = { error, ...(typeof description === 'string' && { description }) };
        throw await authError(error, refusal.description ?? error, { [REFUSAL]: refusal });
      }
      if (typeof userCode === 'string' && typeof complete === 'string') {
        completeUris.clear();
        completeUris.set(userCode, complete);
      }
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { headers, body: body as T, status: response.status };
  }

  return {
    verificationUriComplete: (userCode) => completeUris.get(userCode),
    sendGetRequestAsync: (url, requestOptions, timeout) => send('GET', url, requestOptions, timeout),
    sendPostRequestAsync: (url, requestOptions) => send('POST', url, requestOptions),
    getJson: (url) => send('GET', url),
  };
}
