/**
 * Per-principal rate limiting of tool calls (RATE_LIMIT_PER_MINUTE): a token bucket per caller
 * that holds a minute's worth of calls and refills continuously at that rate, so a caller may
 * burst up to the limit and then goes on at the limit's pace. All callers without a token share
 * one bucket. Buckets live in this replica's memory: with N replicas behind a balancer a caller
 * gets up to N times the limit. Not responsible for the 429 answer itself (http.ts).
 */

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes `calls` from the principal's bucket, or says how long until that many are there. */
  take(principal: string, calls: number): RateDecision;
  readonly perMinute: number;
}

/** Buckets kept at most; a full bucket is the same as none, so full ones are forgotten first. */
const MAX_BUCKETS = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const perMs = perMinute / 60_000;
  const refill = (bucket: Bucket, t: number): void => {
    bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
  };
  const forgetFullBuckets = (t: number): void => {
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= perMinute) buckets.delete(key);
    }
    // Still full of busy callers: the longest-known go (Map order), which at worst lets them burst again.
    for (const key of buckets.keys()) {
      if (buckets.size < MAX_BUCKETS) break;
      buckets.delete(key);
    }
  };
  return {
    perMinute,
    take(principal, calls) {
      const t = now();
      let bucket = buckets.get(principal);
      if (!bucket) {
        if (buckets.size >= MAX_BUCKETS) forgetFullBuckets(t);
        bucket = { tokens: perMinute, at: t };
        buckets.set(principal, bucket);
      } else refill(bucket, t);
      if (bucket.tokens >= calls) {
        bucket.tokens -= calls;
        return { ok: true };
      }
      // A request of more calls than a bucket holds can never pass: say when a full bucket would be there.
      const missing = Math.min(calls, perMinute) - bucket.tokens;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / perMs / 1000)) };
    },
  };
}
