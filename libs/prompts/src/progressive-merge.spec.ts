import { describe, expect, it } from 'vitest';
import { PromptError } from './errors';
import {
  distanceToOtherSide,
  mergeLogitsInRegion,
  progressiveMerge,
  type PredictionAboveThreshold,
} from './progressive-merge';

const W = 40;
const H = 30;

/** Probabilities 0.9 inside the rectangles [x0, x1) x [y0, y1), 0.1 elsewhere. */
function plane(...rects: [number, number, number, number][]): Float32Array {
  const p = new Float32Array(W * H).fill(0.1);
  for (const [x0, y0, x1, y1] of rects)
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) p[y * W + x] = 0.9;
  return p;
}

const on = (p: Float32Array, x: number, y: number) => (p[y * W + x] as number) > 0.5;

describe('progressiveMerge', () => {
  it("takes a positive click's growth next to the click, not the changes elsewhere", () => {
    const previous = plane([10, 10, 20, 20], [30, 2, 36, 8]);
    // The model grows the square to the right (where the click is), adds a far blob and drops the
    // far square: only the growth is the click's.
    const next = plane([10, 10, 26, 20], [2, 24, 8, 28]);
    const r = progressiveMerge(previous, next, W, H, { x: 23.5, y: 15.5, positive: true });
    expect(on(r.probabilities, 24, 15)).toBe(true);
    expect(on(r.probabilities, 4, 26)).toBe(false); // far addition refused
    expect(on(r.probabilities, 33, 5)).toBe(true); // far removal refused
    expect(r.regionArea).toBe(6 * 10);
    expect(r.changedArea).toBe(6 * 10 + 6 * 4 + 6 * 6);
    // Inside the region the new values themselves, outside the previous ones.
    for (let i = 0; i < W * H; i++)
      expect(r.probabilities[i]).toBe(r.region[i] ? next[i] : previous[i]);
  });

  it('removes only the part a negative click cut off that touches the click', () => {
    const previous = plane([5, 5, 35, 25]);
    // The model cuts a notch at the click and, separately, a hole far from it.
    const next = previous.slice();
    for (let y = 5; y < 12; y++) for (let x = 28; x < 35; x++) next[y * W + x] = 0.2;
    for (let y = 18; y < 22; y++) for (let x = 8; x < 12; x++) next[y * W + x] = 0.2;
    const r = progressiveMerge(previous, next, W, H, { x: 31.5, y: 7.5, positive: false });
    expect(on(r.probabilities, 31, 7)).toBe(false);
    expect(on(r.probabilities, 34, 11)).toBe(false);
    expect(on(r.probabilities, 10, 20)).toBe(true);
    expect(r.regionArea).toBe(7 * 7);
  });

  it('with a level margin, a negative click in an unsure band peels the band, not the sure interior', () => {
    // The square is sure (0.99) inside and unsure (0.6) on a 1-px right-hand band; the model's new
    // mask drops a 4 x 4 block at the band's click, half of it sure interior.
    const previous = plane([10, 10, 20, 20]);
    for (let y = 10; y < 20; y++) {
      for (let x = 10; x < 19; x++) previous[y * W + x] = 0.99;
      previous[y * W + 19] = 0.6;
    }
    const next = previous.slice();
    for (let y = 13; y < 17; y++) for (let x = 16; x < 20; x++) next[y * W + x] = 0.1;
    const click = { x: 19.5, y: 15.5, positive: false };
    const loose = progressiveMerge(previous, next, W, H, click, {
      windowScale: Infinity,
      levelMargin: Infinity,
    });
    expect(loose.regionArea).toBe(16);
    expect(
      progressiveMerge(previous, next, W, H, click, { windowScale: Infinity }).regionArea,
    ).toBe(4); // the default margin
    const level = progressiveMerge(previous, next, W, H, click, {
      windowScale: Infinity,
      levelMargin: 1,
    });
    expect(level.regionArea).toBe(4);
    for (let y = 13; y < 17; y++) {
      expect(on(level.probabilities, 19, y)).toBe(false);
      expect(on(level.probabilities, 18, y)).toBe(true);
    }
    // A click on a sure pixel (deep in a wrong region) lets the model change everything it did.
    const deep = progressiveMerge(
      previous,
      next,
      W,
      H,
      { x: 17.5, y: 14.5, positive: false },
      {
        windowScale: Infinity,
        levelMargin: 1,
      },
    );
    expect(deep.regionArea).toBe(16);
  });

  it("ignores changes against the click's direction, even at the click", () => {
    const previous = plane([10, 10, 20, 20]);
    const next = plane([10, 10, 14, 20]); // a positive click at (16, 15) and the model shrinks
    const r = progressiveMerge(previous, next, W, H, { x: 16.5, y: 15.5, positive: true });
    expect(r.regionArea).toBe(0);
    expect(Array.from(r.probabilities)).toEqual(Array.from(previous));
    expect(r.probabilities).not.toBe(previous);
  });

  it('leaves the previous mask as it was when the model changed nothing near the click', () => {
    const previous = plane([10, 10, 20, 20]);
    const next = plane([10, 10, 20, 20], [30, 20, 38, 28]);
    const r = progressiveMerge(previous, next, W, H, { x: 25.5, y: 15.5, positive: true });
    expect(r.regionArea).toBe(0);
    expect(r.changedArea).toBe(64);
    expect(Array.from(r.probabilities)).toEqual(Array.from(previous));
  });

  it('seeds from changed pixels within seedRadius of the click, not beyond', () => {
    const previous = plane();
    const next = plane([20, 10, 24, 14]);
    const click = { x: 17.5, y: 12.5, positive: true }; // 3 px left of the new blob's edge pixel centres
    expect(progressiveMerge(previous, next, W, H, click, { seedRadius: 2 }).regionArea).toBe(0);
    expect(progressiveMerge(previous, next, W, H, click, { seedRadius: 3 }).regionArea).toBe(16);
  });

  it("keeps the region inside a window scaled to the click's distance from the mask edge", () => {
    const previous = plane([10, 10, 20, 20]);
    // The model answers a click 2 px right of the square with a strip to the image's right edge.
    const next = plane([10, 10, 20, 20], [20, 14, 40, 17]);
    const click = { x: 21.5, y: 15.5, positive: true };
    const r = progressiveMerge(previous, next, W, H, click);
    expect(r.windowRadius).toBe(2 * 2 + 2);
    expect(on(r.probabilities, 27, 15)).toBe(true); // 6 px from the click
    expect(on(r.probabilities, 28, 15)).toBe(false);
    const loose = progressiveMerge(previous, next, W, H, click, {
      windowScale: 3,
      windowMargin: 4,
    });
    expect(loose.windowRadius).toBe(10);
    expect(on(loose.probabilities, 31, 15)).toBe(true);
    expect(on(loose.probabilities, 32, 15)).toBe(false);
    expect(on(r.probabilities, 39, 15)).toBe(false);
    const unbounded = progressiveMerge(previous, next, W, H, click, { windowScale: Infinity });
    expect(unbounded.regionArea).toBe(20 * 3);
    expect(unbounded.windowRadius).toBe(Infinity);
  });

  it('widens the window by windowAreaScale * sqrt(previous foreground area)', () => {
    const previous = plane([10, 10, 20, 20]); // 100 px: sqrt = 10
    const next = plane([10, 10, 20, 20], [20, 14, 40, 17]);
    const click = { x: 21.5, y: 15.5, positive: true };
    const r = progressiveMerge(previous, next, W, H, click, { windowAreaScale: 0.5 });
    expect(r.windowRadius).toBe(2 * 2 + 2 + 0.5 * 10);
    expect(on(r.probabilities, 32, 15)).toBe(true); // 11 px from the click
    expect(on(r.probabilities, 33, 15)).toBe(false);
  });

  it('takes the whole new mask when it agrees with the previous one outside the window', () => {
    const previous = plane([10, 10, 20, 20], [30, 2, 36, 8]);
    // A positive click 2 px right of the square: the model grows the square there and also pulls
    // the square's right edge in near the click (against the click's direction, not taken by the
    // directional merge), while the far square stays as it was.
    const next = plane([10, 10, 18, 20], [18, 10, 20, 13], [20, 14, 23, 17], [30, 2, 36, 8]);
    const click = { x: 21.5, y: 15.5, positive: true };
    const directional = progressiveMerge(previous, next, W, H, click);
    expect(directional.acceptedWhole).toBe(false);
    expect(on(directional.probabilities, 18, 18)).toBe(true); // shrink refused
    const r = progressiveMerge(previous, next, W, H, click, { acceptAgreement: 0.9 });
    expect(r.windowRadius).toBe(6);
    expect(r.outsideAgreement).toBeGreaterThanOrEqual(0.9);
    expect(r.acceptedWhole).toBe(true);
    expect(Array.from(r.probabilities)).toEqual(Array.from(next));
    expect(r.regionArea).toBe(W * H);
    expect(r.region.every((v) => v === 1)).toBe(true);
  });

  it('keeps the directional merge when the new mask redraws the object outside the window', () => {
    const previous = plane([10, 10, 20, 20], [30, 2, 36, 8]);
    // The growth at the click comes with the far square dropped: outside the window they disagree.
    const next = plane([10, 10, 20, 20], [20, 14, 23, 17]);
    const click = { x: 21.5, y: 15.5, positive: true };
    const r = progressiveMerge(previous, next, W, H, click, { acceptAgreement: 0.9 });
    // Outside the window both keep the square's far part; only the previous mask has the far square.
    expect(r.outsideAgreement).toBeLessThan(0.9);
    expect(r.outsideAgreement).toBeGreaterThan(0);
    expect(r.acceptedWhole).toBe(false);
    expect(on(r.probabilities, 33, 5)).toBe(true); // the far square kept
    expect(on(r.probabilities, 22, 15)).toBe(true); // the growth taken
  });

  it('never takes the whole mask when the model changed nothing near the click', () => {
    const previous = plane([10, 10, 20, 20]);
    const next = plane([10, 10, 20, 20], [36, 26, 38, 28]);
    const r = progressiveMerge(
      previous,
      next,
      W,
      H,
      { x: 25.5, y: 15.5, positive: true },
      {
        acceptAgreement: 0,
      },
    );
    expect(r.acceptedWhole).toBe(false);
    expect(Array.from(r.probabilities)).toEqual(Array.from(previous));
  });

  it('refuses planes of the wrong size and non-finite clicks', () => {
    const p = plane();
    expect(() =>
      progressiveMerge(p, new Float32Array(10), W, H, { x: 1, y: 1, positive: true }),
    ).toThrow(PromptError);
    expect(() => progressiveMerge(p, p, W, H, { x: Number.NaN, y: 1, positive: true })).toThrow(
      /finite/,
    );
  });
});

describe('distanceToOtherSide', () => {
  it('is the distance to the nearest pixel centre on the other side of the threshold', () => {
    const p = plane([10, 10, 20, 20]);
    expect(distanceToOtherSide(p, W, H, { x: 23.5, y: 15.5 })).toBe(4);
    expect(distanceToOtherSide(p, W, H, { x: 12.5, y: 15.5 })).toBe(3); // inside: to x = 9
    expect(distanceToOtherSide(p, W, H, { x: 23.5, y: 23.5 })).toBeCloseTo(Math.hypot(4, 4), 6);
    expect(distanceToOtherSide(plane(), W, H, { x: 5, y: 5 })).toBe(Infinity);
  });
});

describe('mergeLogitsInRegion', () => {
  it('takes the new logit in the cells whose centre lies on a region pixel', () => {
    const m = 4;
    // A 4 x 4 grid over an 8 px crop starting at (2, 2): each cell covers 2 x 2 image px.
    const crop = { x0: 2, y0: 2, size: 8, inputSize: 8, scale: 1 };
    const previous = new Float32Array(m * m).fill(-5);
    const next = Float32Array.from({ length: m * m }, (_, i) => i);
    const region = new Uint8Array(W * H);
    // Cell (col 1, row 2) has its centre at image (2 + 3, 2 + 5) = pixel (5, 7).
    region[7 * W + 5] = 1;
    // A region pixel that is not a cell centre changes nothing.
    region[2 * W + 2] = 1;
    const out = mergeLogitsInRegion(previous, next, m, crop, region, W, H);
    expect(out[2 * m + 1]).toBe(next[2 * m + 1]);
    expect(Array.from(out).filter((v) => v !== -5)).toEqual([next[2 * m + 1]]);
    expect(() => mergeLogitsInRegion(previous, next, m, crop, new Uint8Array(3), W, H)).toThrow(
      PromptError,
    );
  });
});

describe('progressiveMerge on a prediction given as its pixels above the threshold', () => {
  const aboveOf = (next: Float32Array, threshold: number): PredictionAboveThreshold => ({
    above: Uint8Array.from(next, (p) => (p > threshold ? 1 : 0)),
    threshold,
    probabilityAt: (i) => next[i] as number,
    probabilities: () => next.slice(),
  });
  it('merges exactly as the probability plane it stands for', () => {
    const previous = plane([5, 5, 20, 18], [28, 3, 36, 9]);
    // Unsure values on both sides, so the level margin and thresholds other than 0.5 matter.
    for (let i = 0; i < W * H; i++) previous[i] = (previous[i] as number) + ((i * 37) % 11) * 0.03;
    const next = plane([5, 5, 26, 22], [2, 24, 8, 28]);
    for (let i = 0; i < W * H; i++) next[i] = Math.abs((next[i] as number) - ((i * 53) % 7) * 0.05);
    const clicks = [
      { x: 22.5, y: 12.5, positive: true },
      { x: 10.2, y: 8.7, positive: false },
      { x: 31.5, y: 5.5, positive: false },
      { x: 4.5, y: 25.5, positive: true },
    ];
    const optionSets = [{}, { acceptAgreement: 0 }, { threshold: 0.3, levelMargin: 4 }];
    let regions = 0;
    let smallerBoxes = 0;
    let lazyMerges = 0;
    let outsideBoxes = 0;
    for (const click of clicks)
      for (const options of optionSets) {
        const reference = progressiveMerge(previous, next, W, H, click, options);
        const fast = progressiveMerge(
          previous,
          aboveOf(next, options.threshold ?? 0.5),
          W,
          H,
          click,
          options,
        );
        expect(fast).toEqual(reference);
        // Told the box holding both foregrounds, it reads only there and merges the same.
        const t = options.threshold ?? 0.5;
        const box = { x0: W, y0: H, x1: -1, y1: -1 };
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            if ((previous[y * W + x] as number) > t || (next[y * W + x] as number) > t) {
              box.x0 = Math.min(box.x0, x);
              box.x1 = Math.max(box.x1, x);
              box.y0 = Math.min(box.y0, y);
              box.y1 = Math.max(box.y1, y);
            }
        if ((box.x1 - box.x0 + 1) * (box.y1 - box.y0 + 1) < W * H) smallerBoxes++;
        const within = progressiveMerge(previous, aboveOf(next, t), W, H, click, {
          ...options,
          foregroundWithin: box,
        });
        expect(within).toEqual(reference);
        // Told the box of the previous foreground, it reads next's 1s alone outside it: the same.
        const previousBox = { x0: W, y0: H, x1: -1, y1: -1 };
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            if ((previous[y * W + x] as number) > t) {
              previousBox.x0 = Math.min(previousBox.x0, x);
              previousBox.x1 = Math.max(previousBox.x1, x);
              previousBox.y0 = Math.min(previousBox.y0, y);
              previousBox.y1 = Math.max(previousBox.y1, y);
            }
        for (const extra of [{}, { foregroundWithin: box }])
          expect(
            progressiveMerge(previous, aboveOf(next, t), W, H, click, {
              ...options,
              ...extra,
              previousWithin: previousBox,
            }),
          ).toEqual(reference);
        let nextOutside = 0;
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            if (
              (next[y * W + x] as number) > t &&
              (x < previousBox.x0 || x > previousBox.x1 || y < previousBox.y0 || y > previousBox.y1)
            )
              nextOutside++;
        if (nextOutside > 0) outsideBoxes++;
        // In place: the same pixels, written into the plane given (unless the whole is taken).
        const given = previous.slice();
        const inPlace = progressiveMerge(given, aboveOf(next, t), W, H, click, {
          ...options,
          inPlace: true,
        });
        expect(Array.from(inPlace.probabilities)).toEqual(Array.from(reference.probabilities));
        if (!reference.acceptedWhole) expect(inPlace.probabilities).toBe(given);
        // A previous plane whose pixels below 0.5 are NaN (not computed), their values on demand.
        if (t === 0.5) {
          const foregroundOnly = previous.map((p) => (p > 0.5 ? p : NaN));
          let asked = 0;
          const lazy = progressiveMerge(foregroundOnly, aboveOf(next, t), W, H, click, {
            ...options,
            inPlace: true,
            previousAt: (i) => {
              asked++;
              return previous[i] as number;
            },
          });
          const filled = lazy.probabilities.map((p, i) => (p === p ? p : (previous[i] as number)));
          expect(Array.from(filled)).toEqual(Array.from(reference.probabilities));
          expect({ ...lazy, probabilities: null }).toEqual({ ...reference, probabilities: null });
          // Only a few pixels are asked for: the click's and the changed ones.
          expect(asked).toBeLessThanOrEqual(reference.changedArea + 1);
          // No value computed at all: +Infinity above 0.5, NaN below, the same merge.
          const uncomputed = previous.map((p) => (p > 0.5 ? Infinity : NaN));
          const none = progressiveMerge(uncomputed, aboveOf(next, t), W, H, click, {
            ...options,
            inPlace: true,
            previousAt: (i) => previous[i] as number,
          });
          const computed = none.probabilities.map((p, i) =>
            p === p && p !== Infinity ? p : (previous[i] as number),
          );
          expect(Array.from(computed)).toEqual(Array.from(reference.probabilities));
          expect({ ...none, probabilities: null }).toEqual({ ...reference, probabilities: null });
          lazyMerges++;
        }
        // The region's box gives the mask prompt its plane gives.
        const m = 8;
        const crop = { x0: 1.5, y0: 0.5, size: Math.min(W, H) - 2, inputSize: m, scale: 1 };
        const before = Float32Array.from({ length: m * m }, (_, i) => -i);
        const after = Float32Array.from({ length: m * m }, (_, i) => i + 1);
        expect(mergeLogitsInRegion(before, after, m, crop, reference.regionInBox, W, H)).toEqual(
          mergeLogitsInRegion(before, after, m, crop, reference.region, W, H),
        );
        if (reference.regionArea > 0) regions++;
      }
    expect(regions).toBeGreaterThan(3);
    expect(smallerBoxes).toBeGreaterThan(3);
    expect(lazyMerges).toBe(8);
    // Next had pixels outside the previous foreground's box (the native scans ran).
    expect(outsideBoxes).toBeGreaterThan(3);
  });
  it('refuses a NaN previous pixel it is not told the value of, and previousAt off 0.5', () => {
    const p = plane([5, 5, 20, 18]).map((v) => (v > 0.5 ? v : NaN));
    const next = plane([5, 5, 22, 18]);
    const click = { x: 20.5, y: 10.5, positive: true };
    expect(() => progressiveMerge(p, next, W, H, click)).toThrow(/NaN at pixel/);
    expect(() =>
      progressiveMerge(p, next, W, H, click, { threshold: 0.4, previousAt: () => 0.1 }),
    ).toThrow(PromptError);
  });
  it('refuses a prediction thresholded at another level than the merge', () => {
    const p = plane([5, 5, 20, 18]);
    expect(() =>
      progressiveMerge(
        p,
        aboveOf(p, 0.5),
        W,
        H,
        { x: 6, y: 6, positive: true },
        { threshold: 0.4 },
      ),
    ).toThrow(PromptError);
  });
});
