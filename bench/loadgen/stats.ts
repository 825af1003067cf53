// Latency statistics for the load generator and the benchmark: nearest-rank percentiles, summaries, time buckets.

/** A latency distribution in milliseconds; every field is null when there were no samples, so reports keep their shape. */
export interface LatencySummary {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * The nearest-rank percentile of values sorted ascending: the smallest value with at least p% of the samples at
 * or below it. Always one of the samples (no interpolation), so a p99 of 100 samples is the 99th slowest, and the
 * p99 of fewer than 100 samples is the maximum.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Summarises samples (in any order); values are rounded to 0.1 ms. */
export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, min: null, mean: null, p50: null, p95: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  return {
    count: sorted.length,
    min: round(sorted[0] as number),
    mean: round(sum / sorted.length),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] as number),
  };
}

/** Events per second over a window; 0 for an empty or zero-length window. */
export function ratePerSecond(count: number, windowMs: number): number {
  return windowMs > 0 ? Math.round((count / (windowMs / 1000)) * 100) / 100 : 0;
}

/** A bucket width that keeps a timeline near `maxPoints` points: whole seconds, at least one. */
export function bucketWidthMs(spanMs: number, maxPoints = 120): number {
  return Math.max(1, Math.ceil(spanMs / 1000 / maxPoints)) * 1000;
}

/** Groups `values` by `floor(at / widthMs)`; returns one array per bucket from 0 to the last non-empty one (or `minBuckets`). */
export function bucketize<T>(
  items: readonly T[],
  at: (item: T) => number | undefined,
  widthMs: number,
  minBuckets = 0,
): T[][] {
  const buckets: T[][] = Array.from({ length: minBuckets }, () => []);
  for (const item of items) {
    const t = at(item);
    if (t === undefined || t < 0) continue;
    const index = Math.floor(t / widthMs);
    while (buckets.length <= index) buckets.push([]);
    (buckets[index] as T[]).push(item);
  }
  return buckets;
}
