import { describe, expect, it } from 'vitest';
import { slicePositionMm } from './slice-position-mm';

describe('slicePositionMm', () => {
  it('projects the slice origin on the slice normal of the affine', () => {
    // 2.5 mm slices along -z (RAS), origin at z = 40: slice 4 sits at world z = 30.
    const affine = [0.8, 0, 0, -100, 0, 0.8, 0, -90, 0, 0, -2.5, 40, 0, 0, 0, 1];
    // The normal is -z, so the position along it is -30.
    expect(slicePositionMm(affine, [0.8, 0.8, 2.5], 4)).toBeCloseTo(-30, 9);
    expect(slicePositionMm(affine, [], 0)).toBeCloseTo(-40, 9);
  });

  it('handles an oblique normal', () => {
    const s = Math.SQRT1_2;
    const affine = [1, 0, 0, 0, 0, s, -s * 2, 0, 0, s, s * 2, 10, 0, 0, 0, 1];
    // Slice k moves 2 mm a slice along the (0, -s, s) normal; the origin's projection is 10*s.
    expect(slicePositionMm(affine, [], 3)).toBeCloseTo(10 * s + 6, 9);
  });

  it('falls back to the spacing, then to null', () => {
    expect(slicePositionMm([], [1, 1, 3], 5)).toBe(15);
    expect(slicePositionMm([], [], 5)).toBeNull();
  });
});
