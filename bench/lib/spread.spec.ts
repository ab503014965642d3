import { describe, expect, it } from 'vitest';
import { meanInterval95, spread } from './spread';

describe('spread', () => {
  it('gives the mean, the sample standard deviation and the range', () => {
    const s = spread([1, 2, 6]);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(7), 12);
    expect([s.min, s.max, s.n]).toEqual([1, 6, 3]);
    expect(spread([0.5]).sd).toBe(0);
    expect(() => spread([])).toThrow(/no values/);
  });
});

describe('meanInterval95', () => {
  it('is mean +- t(n-1) x standard error, and null for one value', () => {
    const interval = meanInterval95(spread([1, 2, 6]));
    expect(interval?.standardError).toBeCloseTo(Math.sqrt(7 / 3), 12);
    expect(interval?.low).toBeCloseTo(3 - 4.303 * Math.sqrt(7 / 3), 9);
    expect(interval?.high).toBeCloseTo(3 + 4.303 * Math.sqrt(7 / 3), 9);
    expect(meanInterval95(spread([0.5]))).toBeNull();
  });
});
