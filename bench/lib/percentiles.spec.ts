import { describe, expect, it } from 'vitest';
import { percentile, percentileInterval, summarize } from './percentiles';

describe('percentile', () => {
  it('uses nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1 unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });
  it('is NaN for no samples', () => {
    expect(summarize([]).p50).toBeNaN();
  });
});

describe('percentileInterval', () => {
  const ranks = (n: number) => Array.from({ length: n }, (_, i) => n - i); // n..1 unsorted
  it('gives the textbook order statistics for the median', () => {
    // n = 100, 95%: the 40th and 61st smallest (exact binomial).
    expect(percentileInterval(ranks(100), 50)).toEqual({ low: 40, high: 61 });
  });
  it('cannot bound p99 from above with 150 samples, can with 1,000', () => {
    expect(percentileInterval(ranks(150), 99).high).toBeNull();
    const wide = percentileInterval(ranks(1000), 99);
    expect(wide.low).toBeLessThan(990);
    expect(wide.high).toBeGreaterThan(990);
    expect(wide.high).toBeLessThanOrEqual(1000);
  });
});
