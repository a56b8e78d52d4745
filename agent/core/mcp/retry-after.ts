/**
 * An MCP server's rate limit (HTTP 429 with `Retry-After`) met at the transport: the request is
 * sent again once after the server's wait, since a 429 means it did not run; a second 429 (or a
 * wait longer than MAX_WAIT_MS, or none given) goes back to the SDK, and the session reports the
 * limit in one line (errors.ts). Never more than one retry per request.
 */
import type { FetchLike } from '@modelcontextprotocol/client';

/** Longer waits are not waited out: the user hears about the limit instead. */
export const MAX_WAIT_MS = 60_000;

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryAfterOptions {
  /** Waits `ms` (tests: a clock of their own); rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told before the wait, e.g. to show "rate-limited: retrying in 20 s". */
  onWait?: (ms: number) => void;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export function honouringRetryAfter(inner: FetchLike | undefined, options: RetryAfterOptions = {}): FetchLike {
  const send = inner ?? fetch;
  const sleep = options.sleep ?? defaultSleep;
  return async (url, init) => {
    const first = await send(url, init);
    if (first.status !== 429) return first;
    const wait = retryAfterMs(first.headers.get('retry-after'));
    if (wait === undefined || wait > MAX_WAIT_MS) return first;
    await first.body?.cancel().catch(() => undefined);
    options.onWait?.(wait);
    await sleep(wait, init?.signal ?? undefined);
    return send(url, init);
  };
}
