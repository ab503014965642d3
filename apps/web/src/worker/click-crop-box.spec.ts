import { describe, expect, it } from 'vitest';
import { clickCropBox } from './click-crop-box';

describe('clickCropBox', () => {
  it('centres a square on the click and keeps it inside the image', () => {
    expect(clickCropBox({ x: 50, y: 60, positive: true }, 200, 100, 40)).toEqual({
      x0: 30,
      y0: 40,
      x1: 70,
      y1: 80,
    });
    expect(clickCropBox({ x: 2, y: 98, positive: true }, 200, 100, 40)).toEqual({
      x0: 0,
      y0: 60,
      x1: 40,
      y1: 100,
    });
    // larger than the image: the whole short side
    expect(clickCropBox({ x: 10, y: 10, positive: true }, 30, 20, 100)).toEqual({
      x0: 0,
      y0: 0,
      x1: 20,
      y1: 20,
    });
  });
});
