import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './percentiles';

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
