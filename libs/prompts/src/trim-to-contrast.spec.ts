import { describe, expect, it } from 'vitest';
import { trimToContrast } from './trim-to-contrast';

const W = 30;
const H = 24;

function disc(cx: number, cy: number, r: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < r * r) out[y * W + x] = 1;
  return out;
}

describe('trimToContrast', () => {
  // A bright disc of radius 4 (200) on 50: the object. The model's mask is a radius-9 disc.
  const object = disc(15, 12, 4);
  const pixels = Uint8Array.from(object, (v) => (v ? 200 : 50));
  const image = { pixels, width: W, height: H, channels: 1 };
  const large = { width: W, height: H, data: disc(15, 12, 9) };

  it('trims an over-large mask to the pixels that stand out by the share of the contrast', () => {
    // The ring of the large mask is all background (50): level 50 + 0.5 x 150 = 125.
    const trimmed = trimToContrast(image, large, 150, 0.5, 3, 1);
    // The 3 x 3 mean: the disc's rim pixels fall below the level, the interior stays.
    const kept = trimmed.reduce((n, v) => n + v, 0);
    const inside = object.reduce((n, v) => n + v, 0);
    expect(kept).toBeGreaterThan(inside * 0.6);
    expect(kept).toBeLessThanOrEqual(inside + 8);
    trimmed.forEach((v, i) => {
      if (v) expect(large.data[i]).toBe(1);
    });
    expect(trimmed[12 * W + 15]).toBe(1);
    expect(trimmed[12 * W + 22]).toBe(0);
    // A share of 0 keeps everything brighter than the ring: the object and its blurred rim only.
    expect(trimToContrast(image, large, 150, 0, 3, 1).reduce((n, v) => n + v, 0)).toBeGreaterThan(
      kept,
    );
  });

  it('trims a dark object the other way, and leaves a mask without a ring alone', () => {
    const dark = { ...image, pixels: pixels.map((v) => 255 - v) };
    expect(Array.from(trimToContrast(dark, large, -150, 0.5, 3, 1))).toEqual(
      Array.from(trimToContrast(image, large, 150, 0.5, 3, 1)),
    );
    const everything = { width: W, height: H, data: new Uint8Array(W * H).fill(1) };
    expect(trimToContrast(image, everything, 150, 0.5, 3, 1)).toBe(everything.data);
  });
});
