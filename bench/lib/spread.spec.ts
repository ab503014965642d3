import { describe, expect, it } from 'vitest';
import { spread } from './spread';

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
