/** Small statistics for benchmark samples (milliseconds, bytes, …). */

/** The p-th percentile (0–100) of unsorted samples, nearest-rank; NaN without samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export interface MedianInterval {
  median: number;
  /** A 95 % confidence interval of the median (order statistics); the extremes with fewer than 6 samples. */
  low: number;
  high: number;
  min: number;
  max: number;
  pairs: number;
}

/**
 * The median of paired ratios with a 95 % confidence interval from ranks alone (the binomial bounds
 * of the median), so one round a GC pause wrecked moves it no more than any other round.
 */
export function medianInterval(values: readonly number[]): MedianInterval {
  const sorted = [...values].sort((x, y) => x - y);
  const n = sorted.length;
  const k = medianRankBound(n);
  return { median: percentile(sorted, 50), low: sorted[k] as number, high: sorted[n - 1 - k] as number, min: sorted[0] as number, max: sorted[n - 1] as number, pairs: n };
}

/** How a ratio's spread is printed: its 95 % interval over `n` `what` (pairs, rounds), or the extremes where there are too few for one. */
export function describeSpread(r: MedianInterval, what: string): string {
  return r.pairs >= 6 ? `95 % CI ${r.low.toFixed(2)}–${r.high.toFixed(2)}, ${r.pairs} ${what}` : `rounds ${r.min.toFixed(2)}–${r.max.toFixed(2)}`;
}

/** The 0-based rank below which the median lies with at most 2.5 % probability (binomial, p = ½); 0 when n is too small. */
function medianRankBound(n: number): number {
  let k = 0;
  let below = 0.5 ** n; // P(X = 0)
  let coefficient = 1;
  while (k + 1 < n / 2) {
    coefficient = (coefficient * (n - k)) / (k + 1);
    const next = below + coefficient * 0.5 ** n;
    if (next > 0.025) break;
    below = next;
    k++;
  }
  return below <= 0.025 ? k : 0;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/** p50/p95 (nearest rank), min, max and mean of unsorted samples; NaN figures without samples. */
export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  if (n === 0) return { n, p50: NaN, p95: NaN, min: NaN, max: NaN, mean: NaN };
  return {
    n,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    min: Math.min(...samples),
    max: Math.max(...samples),
    mean: samples.reduce((a, b) => a + b, 0) / n,
  };
}

/** Rounds for a table cell: `digits` decimals. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Least-squares slope of y over x (e.g. bytes per call); NaN with fewer than two distinct x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  return sxx === 0 ? NaN : sxy / sxx;
}
