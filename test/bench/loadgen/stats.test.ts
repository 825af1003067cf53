// Percentiles, summaries and time buckets of the load tools.
import { describe, expect, it } from 'vitest';
import { bucketize, bucketWidthMs, percentile, ratePerSecond, summarize } from '../../../bench/loadgen/stats.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the smallest sample with at least p% at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });

  it('is the maximum for p99 of fewer than 100 samples, and the only sample of one', () => {
    expect(percentile([3, 7, 9], 99)).toBe(9);
    expect(percentile([42], 1)).toBe(42);
  });

  it('refuses no samples and a p outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(/\(0, 100\]/);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts, rounds to 0.1 ms and reports every field', () => {
    expect(summarize([30.04, 10, 20])).toEqual({ count: 3, min: 10, mean: 20, p50: 20, p95: 30, p99: 30, max: 30 });
  });

  it('keeps its shape with null fields when there is nothing to summarise', () => {
    expect(summarize([])).toEqual({ count: 0, min: null, mean: null, p50: null, p95: null, p99: null, max: null });
  });
});

describe('rates and buckets', () => {
  it('counts per second over a window, 0 for an empty one', () => {
    expect(ratePerSecond(30, 1_500)).toBe(20);
    expect(ratePerSecond(5, 0)).toBe(0);
  });

  it('keeps a timeline near its point budget in whole seconds', () => {
    expect(bucketWidthMs(60_000)).toBe(1_000);
    expect(bucketWidthMs(600_000)).toBe(5_000);
    expect(bucketWidthMs(10)).toBe(1_000);
  });

  it('groups items by time, padding empty buckets and skipping untimed items', () => {
    const items = [{ at: 100 }, { at: 2_500 }, { at: undefined }, { at: 2_999 }];
    const buckets = bucketize(items, (i) => i.at, 1_000, 4);
    expect(buckets.map((b) => b.length)).toEqual([1, 0, 2, 0]);
  });
});
