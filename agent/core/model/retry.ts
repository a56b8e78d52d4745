import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { errorMessage, rootCause } from '../../../config/error-text.js';
import type { ModelErrorKind } from './types.js';

/** What to do about one failed Messages API request; `kind` says what the caller can still do about it. */
export type RetryDecision = { retry: true; delayMs: number; notice: string } | { retry: false; message: string; kind?: ModelErrorKind };

/** The API's words for a request larger than the context window. */
const TOO_LONG = /prompt is too long|context window|too many (input )?tokens|exceeds? the (maximum )?context/i;
/** The API's words for context management it does not offer here (a proxy, a model without it, an unknown beta). */
const NO_CONTEXT_MANAGEMENT = /context[_ ]management|compact|clear_tool_uses|anthropic-beta|unknown beta|unexpected beta/i;

export interface RetryContext {
  /** Retries already made for this request (0 on the first failure). */
  retries: number;
  maxRetries: number;
  /** First backoff step; doubles each retry. */
  baseDelayMs: number;
  model: string;
  baseURL: string;
}

/** The longest server-requested wait we sit through; a longer retry-after ends the turn instead. */
const MAX_RETRY_AFTER_MS = 60_000;

/** `retry-after-ms` (the API's own), else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function detail(error: APIError): string {
  const text = error.apiMessage ?? error.message;
  return text.split('\n')[0] ?? '';
}

function isBrokenStream(error: unknown): boolean {
  return error instanceof TypeError && (error.message === 'terminated' || error.cause instanceof Error);
}

/**
 * Retries what may pass (429 honouring retry-after, 529 overloaded, 5xx, network) with
 * backoff; everything else, and exhausted retries, become one line for the user.
 */
export function decideRetry(error: unknown, ctx: RetryContext): RetryDecision {
  const canRetry = ctx.retries < ctx.maxRetries;
  const backoff = ctx.baseDelayMs * 2 ** ctx.retries;
  const attempt = `retry ${ctx.retries + 1} of ${ctx.maxRetries}`;

  // A stream cut after the response began surfaces as undici's TypeError('terminated'), not as an APIConnectionError.
  if (error instanceof APIConnectionError || isBrokenStream(error)) {
    if (canRetry) return { retry: true, delayMs: backoff, notice: `Cannot reach the Anthropic API (${rootCause(error)}); ${attempt} in ${seconds(backoff)}.` };
    return { retry: false, message: `cannot reach the Anthropic API at ${ctx.baseURL} (${rootCause(error)})` };
  }
  if (!(error instanceof APIError) || error.status === undefined) {
    return { retry: false, message: `the Anthropic API call failed: ${errorMessage(error)}` };
  }

  const status = error.status;
  switch (true) {
    case status === 401:
      return { retry: false, message: 'ANTHROPIC_API_KEY was rejected (401): check the key, or unset it to use the offline demo model' };
    case status === 403:
      return { retry: false, message: `the Anthropic API refused the request (403): ${detail(error)}` };
    case status === 400 && TOO_LONG.test(detail(error)):
      return { retry: false, message: `the conversation is longer than the model's context window: ${detail(error)}`, kind: 'context-overflow' };
    case status === 400 && NO_CONTEXT_MANAGEMENT.test(detail(error)):
      return { retry: false, message: `the Anthropic API refused its context management here: ${detail(error)}`, kind: 'context-management-rejected' };
    case status === 404:
      return { retry: false, message: `model "${ctx.model}" was not found (404): check ANTHROPIC_MODEL or --model` };
    case status === 429: {
      const wait = retryAfterMs(error.headers) ?? backoff;
      if (canRetry && wait <= MAX_RETRY_AFTER_MS) {
        return { retry: true, delayMs: wait, notice: `Claude rate limit reached (429); ${attempt} in ${seconds(wait)}.` };
      }
      return { retry: false, message: `Claude is rate-limiting this API key (429): ${detail(error)} — try again in a moment` };
    }
    case status === 529: {
      const wait = Math.min(retryAfterMs(error.headers) ?? backoff, MAX_RETRY_AFTER_MS);
      if (canRetry) return { retry: true, delayMs: wait, notice: `Claude is overloaded (529); ${attempt} in ${seconds(wait)}.` };
      return { retry: false, message: 'Claude is overloaded (529) and stayed so through the retries — try again in a moment' };
    }
    case status === 408 || status === 409 || status >= 500:
      if (canRetry) return { retry: true, delayMs: backoff, notice: `The Anthropic API failed (${status}); ${attempt} in ${seconds(backoff)}.` };
      return { retry: false, message: `the Anthropic API failed (${status}): ${detail(error)}` };
    default:
      return { retry: false, message: `the Anthropic API rejected the request (${status}): ${detail(error)}` };
  }
}
