// The per-key token buckets behind the write limit, on a clock the test moves.
import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../src/lib/token-buckets.js';

describe('TokenBuckets', () => {
  it('lets a burst through, then one per 1/rate seconds, saying how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 3, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBeCloseTo(0.5);
    now += 250;
    expect(buckets.take('a')).toBeCloseTo(0.25);
    now += 250;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('b')).toBe(0);
  });

  it('forgets buckets that have refilled, so memory follows the recently active keys', () => {
    let now = 0;
    const buckets = new TokenBuckets(1, 1, () => now);
    for (let i = 0; i < 999; i += 1) buckets.take(`key-${i}`);
    expect(buckets.size).toBe(999);
    now += 1_000;
    buckets.take('late');
    expect(buckets.size).toBe(1);
  });
});
