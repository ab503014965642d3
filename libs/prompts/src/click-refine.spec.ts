import { describe, expect, it } from 'vitest';
import { geodesicDistance, refineAroundClick, type ClickRefineOptions } from './click-refine';

const OPTIONS: ClickRefineOptions = {
  intensityWeight: 4,
  windowScale: 2,
  windowMargin: 2,
  maxRadius: 40,
  seedFromMask: true,
  maxWindowShare: 0.9,
  switchedProbability: 0.75,
  smooth: false,
  distanceRatio: 1,
  clicks: 'both',
  onlyIgnored: false,
  negativeRestrict: false,
  boxMargin: Infinity,
  depthFactor: Infinity,
  maxBoxFill: Infinity,
};

const W = 80;
const H = 80;
/** A bright disc (radius 10 at 40, 40) on a dark background with a little deterministic noise. */
const inDisc = (x: number, y: number) => (x + 0.5 - 40) ** 2 + (y + 0.5 - 40) ** 2 <= 100;
const luminance = (x: number, y: number) =>
  (inDisc(x, y) ? 0.7 : 0.3) + 0.02 * Math.sin(x * 12.9898 + y * 78.233);

function plane(fill: (x: number, y: number) => boolean): Float32Array {
  const p = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) p[y * W + x] = fill(x, y) ? 0.9 : 0.1;
  return p;
}

function iouWithDisc(p: Float32Array): number {
  let both = 0;
  let either = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const a = (p[y * W + x] as number) > 0.5;
      const b = inDisc(x, y);
      if (a && b) both++;
      if (a || b) either++;
    }
  return both / either;
}

describe('refineAroundClick', () => {
  it('grows a half-found lesion up to its edge on a positive click', () => {
    // The mask holds the disc's left half only; the click is in the missed right half.
    const p = plane((x, y) => inDisc(x, y) && x < 40);
    const before = iouWithDisc(p);
    const r = refineAroundClick(
      p,
      W,
      H,
      luminance,
      [{ x: 45.5, y: 40.5, positive: true }],
      OPTIONS,
    );
    expect(before).toBeLessThan(0.6);
    expect(r.switchedArea).toBeGreaterThan(100);
    expect(iouWithDisc(p)).toBeGreaterThan(0.95);
  });

  it('peels a leak back to the lesion edge on a negative click, keeping the lesion', () => {
    // The mask leaks into a 14 x 14 background square right of the disc.
    const leak = (x: number, y: number) => x >= 50 && x < 64 && y >= 33 && y < 47;
    const p = plane((x, y) => inDisc(x, y) || leak(x, y));
    const r = refineAroundClick(
      p,
      W,
      H,
      luminance,
      [{ x: 57.5, y: 40.5, positive: false }],
      OPTIONS,
    );
    expect(r.switchedArea).toBeGreaterThan(150);
    expect(iouWithDisc(p)).toBeGreaterThan(0.97);
  });

  it('changes nothing outside its window', () => {
    const p = plane(() => false);
    const copy = p.slice();
    const r = refineAroundClick(p, W, H, luminance, [{ x: 40.5, y: 40.5, positive: true }], {
      ...OPTIONS,
      maxRadius: 6,
    });
    // An empty mask: no other side to measure from, so the window is maxRadius.
    expect(r.radius).toBe(6);
    expect(r.switchedArea).toBeGreaterThan(0);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        if (Math.abs(x - 40) > 6 || Math.abs(y - 40) > 6)
          expect(p[y * W + x]).toBe(copy[y * W + x]);
  });

  it('refuses a change larger than maxWindowShare of its window', () => {
    const p = plane((x, y) => inDisc(x, y) && x < 40);
    const copy = p.slice();
    const r = refineAroundClick(p, W, H, luminance, [{ x: 45.5, y: 40.5, positive: true }], {
      ...OPTIONS,
      maxWindowShare: 0.01,
    });
    expect(r.switchedArea).toBe(0);
    expect(p).toEqual(copy);
  });
});

describe('geodesicDistance', () => {
  it('costs an intensity step on top of the path length', () => {
    const lum = new Float32Array([0, 0, 1, 1]);
    const seed = new Uint8Array([1, 0, 0, 0]);
    const d = geodesicDistance(seed, 1, lum, 4, 1, 10);
    expect(Array.from(d)).toEqual([0, 1, 12, 13]);
  });
});
