import { describe, expect, it } from 'vitest';
import { maskContrast } from './mask-contrast';

const W = 30;
const H = 20;

function disc(cx: number, cy: number, r: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < r * r) out[y * W + x] = 1;
  return out;
}

describe('maskContrast', () => {
  it('is the mean inside minus the mean of the ring past the gap', () => {
    const mask = disc(15, 10, 4);
    // 200 inside the disc, 120 on the first pixel around it (the soft edge: skipped), 50 beyond.
    const near = disc(15, 10, 5.5);
    const pixels = new Uint8Array(W * H).map((_, i) => (mask[i] ? 200 : near[i] ? 120 : 50));
    const image = { pixels, width: W, height: H, channels: 1 };
    expect(maskContrast(image, { width: W, height: H, data: mask }, 3, 2)).toBeCloseTo(150, 6);
    // Without the gap the soft edge pulls the ring up and the contrast down.
    expect(maskContrast(image, { width: W, height: H, data: mask }, 3, 0)).toBeLessThan(140);
    // A dark object: negative.
    const dark = pixels.map((v) => 255 - v);
    expect(
      maskContrast({ ...image, pixels: dark }, { width: W, height: H, data: mask }, 3, 2),
    ).toBeCloseTo(-150, 6);
  });

  it('averages interleaved channels, and is 0 for an empty mask; refuses a size mismatch', () => {
    const mask = disc(15, 10, 4);
    const rgb = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) rgb.set(mask[i] ? [90, 120, 150] : [0, 30, 60], i * 3);
    const image = { pixels: rgb, width: W, height: H, channels: 3 };
    expect(maskContrast(image, { width: W, height: H, data: mask })).toBeCloseTo(90, 6);
    expect(maskContrast(image, { width: W, height: H, data: new Uint8Array(W * H) })).toBe(0);
    expect(() =>
      maskContrast(image, { width: W, height: 10, data: new Uint8Array(W * 10) }),
    ).toThrow(/does not match/);
  });

  it('matches a brute-force ring over the whole image, for masks in the middle and at the border', () => {
    // Reference: every pixel's exact distance to the nearest mask pixel, no window.
    const reference = (pixels: Uint8Array, mask: Uint8Array, ring: number, gap: number) => {
      let inSum = 0;
      let inCount = 0;
      let ringSum = 0;
      let ringCount = 0;
      for (let i = 0; i < W * H; i++) {
        if (mask[i]) {
          inSum += pixels[i] as number;
          inCount += 1;
          continue;
        }
        let best = Infinity;
        for (let j = 0; j < W * H; j++)
          if (mask[j])
            best = Math.min(best, ((i % W) - (j % W)) ** 2 + (((i / W) | 0) - ((j / W) | 0)) ** 2);
        if (best > gap * gap && best <= (gap + ring) ** 2) {
          ringSum += pixels[i] as number;
          ringCount += 1;
        }
      }
      return inSum / inCount - ringSum / ringCount;
    };
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pixels = Uint8Array.from({ length: W * H }, () => Math.floor(random() * 256));
    for (const [cx, cy, r] of [
      [15, 10, 3],
      [2, 3, 4],
      [28, 18, 2.5],
    ] as const) {
      const mask = disc(cx, cy, r);
      for (const [ring, gap] of [
        [6, 3],
        [4, 1],
      ] as const)
        expect(
          maskContrast(
            { pixels, width: W, height: H, channels: 1 },
            { width: W, height: H, data: mask },
            ring,
            gap,
          ),
        ).toBeCloseTo(reference(pixels, mask, ring, gap), 9);
    }
  });

  it('is in real units with a slice rescale (PET slices, each its own slope)', () => {
    const mask = disc(15, 10, 4);
    // The same real values (600 inside, 200 around) stored at slope 4 and at slope 2.
    const stored = (slope: number) =>
      new Uint16Array(W * H).map((_, i) => (mask[i] ? 600 : 200) / slope);
    const m = { width: W, height: H, data: mask };
    const at = (slope: number) =>
      maskContrast(
        { pixels: stored(slope), width: W, height: H, channels: 1, valueSlope: slope },
        m,
      );
    expect(at(4)).toBeCloseTo(400, 6);
    expect(at(2)).toBeCloseTo(400, 6);
    // Read as samples, the two slices would differ by their slopes' ratio.
    expect(maskContrast({ pixels: stored(2), width: W, height: H, channels: 1 }, m)).toBeCloseTo(
      200,
      6,
    );
  });
});
