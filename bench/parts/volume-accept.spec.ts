/**
 * The volume bench's one-pixel acceptance band (withinOnePixelOfBoundary): a mask off by at most
 * one pixel around the lesion's boundary passes, one pixel further or a missed interior fails.
 */
import { describe, expect, it } from 'vitest';
import { withinOnePixelOfBoundary } from './volume';

const W = 12;
const H = 10;
/** A filled rectangle [x0, x1) x [y0, y1). */
function rect(x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[y * W + x] = 1;
  return out;
}

describe('withinOnePixelOfBoundary', () => {
  it('accepts the truth grown or shrunk by one pixel, a tiny lesion shifted by one', () => {
    const truth = rect(4, 3, 8, 7);
    expect(withinOnePixelOfBoundary(truth, truth, W, H)).toBe(true);
    expect(withinOnePixelOfBoundary(rect(3, 2, 9, 8), truth, W, H)).toBe(true);
    expect(withinOnePixelOfBoundary(rect(5, 4, 7, 6), truth, W, H)).toBe(true);
    // A 2 x 2 speck one pixel off: Dice 0.5, yet within the band.
    expect(withinOnePixelOfBoundary(rect(5, 4, 7, 6), rect(4, 4, 6, 6), W, H)).toBe(true);
  });

  it('refuses two pixels too many, a missed interior, a mask where there is no lesion', () => {
    const truth = rect(4, 3, 8, 7);
    expect(withinOnePixelOfBoundary(rect(2, 3, 8, 7), truth, W, H)).toBe(false);
    // Missed entirely: the 4 x 4 lesion's inner pixels touch no outside.
    expect(withinOnePixelOfBoundary(new Uint8Array(W * H), truth, W, H)).toBe(false);
    expect(withinOnePixelOfBoundary(undefined, truth, W, H)).toBe(false);
    expect(withinOnePixelOfBoundary(rect(0, 0, 1, 1), new Uint8Array(W * H), W, H)).toBe(false);
    expect(withinOnePixelOfBoundary(undefined, new Uint8Array(W * H), W, H)).toBe(true);
  });
});
