import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { decideRetry, retryAfterMs, type RetryContext } from '../../agent/core/model/retry.js';

const ctx: RetryContext = { retries: 0, maxRetries: 3, baseDelayMs: 1000, model: 'claude-sonnet-5-5', baseURL: 'https://api.anthropic.com' };
const apiError = (status: number, headers: Record<string, string> = {}, message = 'boom'): APIError =>
  APIError.generate(status, { type: 'error', error: { type: 'x', message } }, undefined, new Headers(headers));

describe('retry policy for the Messages API', () => {
  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(11_000).toUTCString() }), 1_000)).toBe(10_000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });

  it('honours retry-after on 429, and backs off without it', () => {
    expect(decideRetry(apiError(429, { 'retry-after': '2' }), ctx)).toEqual({ retry: true, delayMs: 2000, notice: 'Claude rate limit reached (429); retry 1 of 3 in 2 s.' });
    expect(decideRetry(apiError(429), { ...ctx, retries: 2 })).toMatchObject({ retry: true, delayMs: 4000 });
    expect(decideRetry(apiError(429), { ...ctx, retries: 3 })).toMatchObject({ retry: false, message: expect.stringMatching(/^Claude is rate-limiting/) });
    // A wait longer than a minute is not sat through.
    expect(decideRetry(apiError(429, { 'retry-after': '600' }), ctx)).toMatchObject({ retry: false });
  });

  it('retries overload, server errors and network failures; never a bad key or a bad request', () => {
    expect(decideRetry(apiError(529), ctx)).toMatchObject({ retry: true, notice: expect.stringMatching(/overloaded \(529\)/) });
    expect(decideRetry(apiError(503), ctx)).toMatchObject({ retry: true, delayMs: 1000 });
    expect(decideRetry(apiError(408), ctx)).toMatchObject({ retry: true, notice: 'The Anthropic API failed (408); retry 1 of 3 in 1 s.' });
    expect(decideRetry(apiError(409), { ...ctx, retries: 1 })).toMatchObject({ retry: true, delayMs: 2000 });
    // An overloaded API's retry-after is honoured up to a minute, and a longer one waits that minute.
    expect(decideRetry(apiError(529, { 'retry-after': '20' }), ctx)).toMatchObject({ retry: true, delayMs: 20_000 });
    expect(decideRetry(apiError(529, { 'retry-after': '600' }), ctx)).toMatchObject({ retry: true, delayMs: 60_000 });
    expect(decideRetry(new APIConnectionError({ message: 'Connection error.' }), ctx)).toMatchObject({ retry: true });
    expect(decideRetry(new APIConnectionError({ message: 'Connection error.' }), { ...ctx, retries: 3 })).toMatchObject({
      retry: false,
      message: expect.stringMatching(/^cannot reach the Anthropic API at https:\/\/api.anthropic.com/),
    });
    expect(decideRetry(apiError(401), ctx)).toMatchObject({ retry: false, message: expect.stringMatching(/^ANTHROPIC_API_KEY was rejected \(401\)/) });
    expect(decideRetry(apiError(404), ctx)).toMatchObject({ retry: false, message: expect.stringMatching(/model "claude-sonnet-5-5" was not found/) });
    expect(decideRetry(apiError(400, {}, 'messages: roles must alternate'), ctx)).toEqual({
      retry: false,
      message: 'the Anthropic API rejected the request (400): messages: roles must alternate',
    });
  });
});
