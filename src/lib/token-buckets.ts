// Token buckets by key, in memory: a steady rate with a burst allowance, for per-principal rate limits.

/**
 * Each key starts with `burst` tokens and earns `ratePerSecond` more per second, up to `burst`; each request
 * takes one. Buckets that have refilled completely are forgotten (they are the same as a new one), so memory
 * follows the keys that were active lately, not every key ever seen.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private takes = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** Takes a token for `key`: 0 when there was one, else the seconds until there will be. */
  take(key: string): number {
    const now = this.nowMs();
    if (++this.takes % 1_000 === 0) this.forgetFull(now);
    const tokens = this.tokensAt(this.buckets.get(key), now);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return 0;
    }
    this.buckets.set(key, { tokens, at: now });
    return (1 - tokens) / this.ratePerSecond;
  }

  /** How many keys are remembered (for tests of the forgetting). */
  get size(): number {
    return this.buckets.size;
  }

  private tokensAt(bucket: { tokens: number; at: number } | undefined, now: number): number {
    if (bucket === undefined) return this.burst;
    return Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1_000) * this.ratePerSecond);
  }

  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) if (this.tokensAt(bucket, now) >= this.burst) this.buckets.delete(key);
  }
}
