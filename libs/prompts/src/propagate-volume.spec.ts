import { describe, expect, it } from 'vitest';
import type { Box } from './schemas';
import {
  dilatedBox,
  exteriorPoints,
  interiorPoint,
  memoryLogits,
  motionBox,
  propagateVolume,
  slicesPastErasedEnd,
  type SliceMask,
} from './propagate-volume';

const W = 40;
const H = 30;
const DEPTH = 12;

/** A disc on slices 3..9 whose centre drifts right by one pixel a slice. */
function truth(slice: number): Uint8Array {
  const out = new Uint8Array(W * H);
  if (slice < 3 || slice > 9) return out;
  const cx = 12 + slice;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - 15) ** 2 < 25) out[y * W + x] = 1;
  return out;
}

/** A stand-in model: the true mask clipped to the prompt box (so a box in the wrong place fails). */
function boxedTruth(calls: number[]) {
  return async (slice: number, { box }: { box: Box }) => {
    calls.push(slice);
    const mask = truth(slice);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        if (x < box.x0 || x >= box.x1 || y < box.y0 || y >= box.y1) mask[y * W + x] = 0;
    return { mask, iou: 0.9 };
  };
}

function seeded(entries: [number, SliceMask][]): Map<number, SliceMask> {
  return new Map(entries);
}

/** A disc at (20, 15) whose radius follows `radius` slice by slice, and a backward walk over it. */
function discWalk(radius: readonly number[]) {
  const disc = (slice: number) => {
    const out = new Uint8Array(W * H);
    const r = radius[slice] as number;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        if ((x + 0.5 - 20) ** 2 + (y + 0.5 - 15) ** 2 < r * r) out[y * W + x] = 1;
    return out;
  };
  return (from: number, thresholds: Parameters<typeof propagateVolume>[0]['thresholds'] = {}) =>
    propagateVolume({
      width: W,
      height: H,
      depth: DEPTH,
      from,
      masks: seeded([[from, { mask: disc(from), origin: 'prompted' }]]),
      predict: async (slice) => ({ mask: disc(slice), iou: 0.9 }),
      directions: [-1],
      thresholds,
    });
}

describe('memoryLogits', () => {
  it('moves older logits into the latest crop before averaging them', () => {
    // The latest crop is the right half of the older one: moved (bilinear, edge-clamped) the older
    // logits read 3 and 4 there.
    const older = { values: Float32Array.from([0, 4, 0, 4]), maskSize: 2, crop: crop(0, 8) };
    const latest = { values: Float32Array.from([2, 2, 2, 2]), maskSize: 2, crop: crop(4, 4) };
    expect(memoryLogits([latest], null, 0)).toBe(latest);
    expect(memoryLogits([], latest, 1)).toBeNull();
    expect(Array.from(memoryLogits([older, latest], null, 0)!.values)).toEqual([2.5, 3, 2.5, 3]);
    expect(Array.from(memoryLogits([latest], older, 0.25)!.values)).toEqual([2.25, 2.5, 2.25, 2.5]);
  });
});

/** A square crop at (x0, 0), side `size`, onto a 2 x 2 logit grid's 8 px input. */
function crop(x0: number, size: number) {
  return { x0, y0: 0, size, inputSize: 8, scale: 8 / size };
}

describe('dilatedBox', () => {
  it('grows the tight box on every side and clamps to the image', () => {
    const data = new Uint8Array(W * H);
    data[0] = 1; // pixel (0,0)
    data[5 * W + 20] = 1;
    expect(dilatedBox({ width: W, height: H, data }, 0.1, 3)).toEqual({
      x0: 0,
      y0: 0,
      x1: 24,
      y1: 9,
    });
    expect(dilatedBox({ width: W, height: H, data: new Uint8Array(W * H) })).toBeNull();
  });

  it('shrinks for a negative fraction, by at most -minPx, never to nothing', () => {
    const disc = { width: W, height: H, data: truth(6) }; // box x 13..23, y 10..20
    expect(dilatedBox(disc, -0.1, -1)).toEqual({ x0: 14, y0: 11, x1: 22, y1: 19 });
    // 4 % of 10 px rounds to no shrink.
    expect(dilatedBox(disc, -0.04, -1)).toEqual({ x0: 13, y0: 10, x1: 23, y1: 20 });
    const speck = new Uint8Array(W * H);
    speck[5 * W + 5] = 1;
    expect(dilatedBox({ width: W, height: H, data: speck }, -0.5, -3)).toEqual({
      x0: 5,
      y0: 5,
      x1: 6,
      y1: 6,
    });
  });
});

describe('motionBox', () => {
  const square = (x0: number, y0: number, side: number) => {
    const data = new Uint8Array(W * H);
    for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++) data[y * W + x] = 1;
    return { width: W, height: H, data };
  };
  const still = { dilateFraction: 0, dilateMinPx: 0, maxMomentumStep: 0.25 };

  it('moves each edge on by its last step times the momentum', () => {
    // The mask shrank by 2 px per side (a 16 px square at 10 became a 12 px square at 12).
    const before = { x0: 10, y0: 10, x1: 26, y1: 26 };
    const shrinking = square(12, 12, 12);
    expect(motionBox(shrinking, before, { ...still, boxMomentum: 1 })).toEqual({
      x0: 14,
      y0: 14,
      x1: 22,
      y1: 22,
    });
    expect(motionBox(shrinking, before, { ...still, boxMomentum: 0.5 })).toEqual({
      x0: 13,
      y0: 13,
      x1: 23,
      y1: 23,
    });
    // Off, or no slice before: the previous mask's box as dilatedBox gives it.
    expect(motionBox(shrinking, before, { ...still, boxMomentum: 0 })).toEqual({
      x0: 12,
      y0: 12,
      x1: 24,
      y1: 24,
    });
    expect(motionBox(shrinking, null, { ...still, boxMomentum: 1 })).toEqual({
      x0: 12,
      y0: 12,
      x1: 24,
      y1: 24,
    });
  });

  it('caps the step at a share of the side, follows a drift, never inverts or leaves the image', () => {
    // A 20 px jump of a 12 px mask: the step is capped at 25 % of 12 = 3 px.
    const jumped = square(22, 12, 12);
    expect(
      motionBox(jumped, { x0: 2, y0: 12, x1: 14, y1: 24 }, { ...still, boxMomentum: 1 }),
    ).toEqual({ x0: 25, y0: 12, x1: 37, y1: 24 });
    // A speck that shrank hard collapses to one pixel, not to nothing.
    const speck = square(15, 15, 2);
    const tiny = motionBox(
      speck,
      { x0: 5, y0: 5, x1: 27, y1: 27 },
      {
        ...still,
        boxMomentum: 1,
        maxMomentumStep: 10,
      },
    )!;
    expect(tiny.x1 - tiny.x0).toBe(1);
    expect(tiny.y1 - tiny.y0).toBe(1);
    // At the border the moved box stays inside the image.
    const corner = square(W - 6, 0, 6);
    const out = motionBox(
      corner,
      { x0: W - 12, y0: 0, x1: W - 6, y1: 6 },
      {
        ...still,
        boxMomentum: 1,
        maxMomentumStep: 2,
      },
    )!;
    expect(out.x1).toBeLessThanOrEqual(W);
    expect(out.x0).toBeGreaterThanOrEqual(0);
  });
});

describe('interiorPoint', () => {
  it('is the deepest pixel of the largest part', () => {
    const mask = truth(6); // disc of radius 5 centred at (18, 15)
    mask[0] = 1; // a one-pixel speck elsewhere
    expect(interiorPoint({ width: W, height: H, data: mask })).toEqual({
      x: 17.5,
      y: 14.5,
      positive: true,
    });
    expect(interiorPoint({ width: W, height: H, data: new Uint8Array(W * H) })).toBeNull();
  });
});

describe('exteriorPoints', () => {
  it("puts negatives in the box's corners the mask does not reach, farthest from it first", () => {
    const mask = { width: W, height: H, data: truth(6) }; // disc r 5 at (18, 15), box 13..23 x 10..20
    const box = { x0: 10, y0: 7, x1: 30, y1: 23 };
    const points = exteriorPoints(mask, box, 4, 2);
    expect(points).toHaveLength(4);
    expect(points.every((p) => !p.positive)).toBe(true);
    for (const p of points) {
      expect(mask.data[Math.floor(p.y) * W + Math.floor(p.x)]).toBe(0);
      expect(p.x > box.x0 && p.x < box.x1 && p.y > box.y0 && p.y < box.y1).toBe(true);
    }
    // The box reaches farthest past the disc on the right: the first negative lies there.
    expect(points[0]!.x).toBeGreaterThan(25);
    expect(exteriorPoints(mask, box, 2, 2)).toEqual(points.slice(0, 2));
    // The disc's own box: its corners lie under 3 px from the disc.
    const tight = { x0: 13, y0: 10, x1: 23, y1: 20 };
    expect(exteriorPoints(mask, tight, 4, 3)).toEqual([]);
    expect(exteriorPoints(mask, box, 0, 2)).toEqual([]);
  });
});

describe('propagateVolume', () => {
  it("with boxLogitLevel, boxes the next slice around the previous logits' confident core", async () => {
    // Logits over the whole slice as a 2 x 2 grid: 5 on the left, -5 on the right, so above 2 up
    // to x = 16 (bilinear between the cells' centres). The disc spans x 13..23: its core is 13..16.
    const crop = { x0: 0, y0: 0, size: W, inputSize: 16, scale: 16 / W };
    const boxes: Box[] = [];
    const run = (boxLogitLevel: number) =>
      propagateVolume({
        width: W,
        height: H,
        depth: DEPTH,
        from: 6,
        masks: seeded([[6, { mask: truth(6), origin: 'prompted' }]]),
        seedLogits: { values: Float32Array.from([5, -5, 5, -5]), maskSize: 2, crop },
        directions: [1],
        thresholds: {
          boxLogitLevel,
          dilateFraction: 0,
          dilateMinPx: 0,
          minContrastRatio: -Infinity,
        },
        predict: async (slice, prompt) => {
          boxes.push(prompt.box);
          return { mask: truth(slice), iou: 0.9, logits: null };
        },
      });
    await run(0);
    expect(boxes[0]).toEqual({ x0: 13, y0: 10, x1: 23, y1: 20 });
    boxes.length = 0;
    await run(2);
    // The core (logit > 2) ends left of the disc's right edge; the box follows it.
    expect(boxes[0]).toEqual({ x0: 13, y0: 11, x1: 16, y1: 19 }); // the disc's left part
    // Without logits on the next slices the box comes from the mask again.
    expect(boxes[1]).toEqual({ x0: 14, y0: 10, x1: 24, y1: 20 });
  });

  it('follows the object both ways from the seed and stops where it ends', async () => {
    const calls: number[] = [];
    const prompts: { slice: number; click: unknown }[] = [];
    const model = boxedTruth(calls);
    const result = await propagateVolume({
      width: W,
      height: H,
      depth: DEPTH,
      from: 6,
      masks: seeded([[6, { mask: truth(6), origin: 'prompted' }]]),
      // The stand-in clips to the box: a grown box keeps the whole disc.
      thresholds: { interiorClick: true, dilateFraction: 0.08, dilateMinPx: 2 },
      predict: (slice, prompt) => {
        prompts.push({ slice, click: prompt.clicks[0] });
        return model(slice, prompt);
      },
    });
    expect([...result.masks.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 7, 8, 9]);
    expect(prompts[0]).toEqual({ slice: 7, click: { x: 17.5, y: 14.5, positive: true } });
    for (const [slice, mask] of result.masks) expect(mask).toEqual(truth(slice));
    // Forward first, and one look past each end.
    expect(calls).toEqual([7, 8, 9, 10, 5, 4, 3, 2]);
    expect(result.stops).toEqual([
      { direction: 1, reason: 'too-small', slice: 10 },
      { direction: -1, reason: 'too-small', slice: 2 },
    ]);
  });

  it('never overwrites a slice the annotator edited and clears stale propagated ones', async () => {
    const edited = truth(8);
    edited[15 * W + 20] = 0; // the annotator's correction differs from the model
    const stale = truth(4);
    const masks = seeded([
      [6, { mask: truth(6), origin: 'prompted' }],
      [8, { mask: edited, origin: 'edited' }],
      [1, { mask: stale, origin: 'propagated' }],
    ]);
    const calls: number[] = [];
    const result = await propagateVolume({
      width: W,
      height: H,
      depth: DEPTH,
      from: 6,
      masks,
      predict: boxedTruth(calls),
    });
    expect(result.masks.has(8)).toBe(false);
    expect(calls).not.toContain(8);
    expect(result.stops[0]).toEqual({ direction: 1, reason: 'annotated', slice: 8 });
    expect(result.cleared).toEqual([1]);
  });

  it('ends the object where the annotator erased it: clears past it, never crosses it', async () => {
    // The model follows a blob that never ends: propagation runs to both edges.
    const blob = () => {
      const m = new Uint8Array(W * H);
      for (let y = 10; y < 20; y++) for (let x = 10; x < 20; x++) m[y * W + x] = 1;
      return m;
    };
    const model = async () => ({ mask: blob(), iou: 0.9 });
    const masks = seeded([[6, { mask: blob(), origin: 'prompted' }]]);
    const first = await propagateVolume({
      width: W,
      height: H,
      depth: DEPTH,
      from: 6,
      masks,
      predict: model,
    });
    expect(first.masks.size).toBe(DEPTH - 1);
    for (const [k, mask] of first.masks) masks.set(k, { mask, origin: 'propagated' });
    // A correction on slice 2 (annotated, with pixels) lies behind slice 4 from 9's side only.
    masks.set(2, { mask: blob(), origin: 'edited' });
    // Erasing slice 9 ends the object there: 10 and 11 go; the seed's side stays.
    expect(slicesPastErasedEnd(masks, 9, DEPTH)).toEqual([10, 11]);
    // Erasing slice 4: toward 5.. lies the seed, toward 3.. the correction on 2: nothing goes.
    expect(slicesPastErasedEnd(masks, 4, DEPTH)).toEqual([]);
    for (const k of slicesPastErasedEnd(masks, 9, DEPTH)) masks.delete(k);
    masks.set(9, { mask: new Uint8Array(W * H), origin: 'edited' });
    const calls: number[] = [];
    const again = await propagateVolume({
      width: W,
      height: H,
      depth: DEPTH,
      from: 6,
      masks,
      predict: async (k) => {
        calls.push(k);
        return model();
      },
    });
    expect(again.stops[0]).toEqual({ direction: 1, reason: 'annotated', slice: 9 });
    expect(calls.filter((k) => k > 9)).toEqual([]);
    expect([...again.masks.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 7, 8]);
  });

  it('stops on a low predicted IoU and on a mask that jumps away', async () => {
    const lowIou = await propagateVolume({
      width: W,
      height: H,
      depth: DEPTH,
      from: 6,
      masks: seeded([[6, { mask: truth(6), origin: 'prompted' }]]),
      predict: async (slice) => ({ mask: truth(slice), iou: slice === 8 ? 0.2 : 0.9 }),
      directions: [1],
    });
    expect([...lowIou.masks.keys()]).toEqual([7]);
    expect(lowIou.stops[0]?.reason).toBe('low-iou');

    const jumped = await propagateVolume({
      width: W,
      height: H,
      depth: DEPTH,
      from: 6,
      masks: seeded([[6, { mask: truth(6), origin: 'prompted' }]]),
      predict: async () => {
        const far = new Uint8Array(W * H);
        for (let i = 0; i < 40; i++) far[(i % 5) * W + 30 + Math.floor(i / 5)] = 1;
        return { mask: far, iou: 0.9 };
      },
      directions: [1],
    });
    expect(jumped.masks.size).toBe(0);
    expect(jumped.stops[0]?.reason).toBe('jumped');
  });

  it('keeps what it did when cancelled and reports progress', async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    const result = await propagateVolume({
      width: W,
      height: H,
      depth: DEPTH,
      from: 6,
      masks: seeded([[6, { mask: truth(6), origin: 'prompted' }]]),
      predict: async (slice, prompt) => {
        if (slice === 8) controller.abort();
        return boxedTruth([])(slice, prompt);
      },
      signal: controller.signal,
      onProgress: ({ done }) => progress.push(done),
    });
    expect([...result.masks.keys()]).toEqual([7]);
    expect(result.stops.map((s) => s.reason)).toEqual(['cancelled', 'cancelled']);
    expect(progress[0]).toBe(1);
  });

  it("gives each slice the previous slice's logits as mask prompt, starting from the seed's", async () => {
    const crop = { x0: 0, y0: 0, size: W, inputSize: 16, scale: 16 / W };
    const logitsOf = (slice: number) => ({
      values: new Float32Array(4).fill(slice),
      maskSize: 2,
      crop,
    });
    const given: [number, number | null][] = [];
    const run = (thresholds: { maskPrompt: boolean }) =>
      propagateVolume({
        width: W,
        height: H,
        depth: DEPTH,
        from: 6,
        masks: seeded([[6, { mask: truth(6), origin: 'prompted' }]]),
        seedLogits: logitsOf(6),
        thresholds,
        predict: async (slice, prompt) => {
          given.push([slice, prompt.maskInput ? (prompt.maskInput.values[0] as number) : null]);
          // Slice 4 has no logits (e.g. a model run that returns none): slice 3 gets no prompt.
          return { mask: truth(slice), iou: 0.9, logits: slice === 4 ? null : logitsOf(slice) };
        },
      });
    await run({ maskPrompt: true });
    expect(given).toEqual([
      [7, 6],
      [8, 7],
      [9, 8],
      [10, 9],
      [5, 6],
      [4, 5],
      [3, null],
      [2, 3],
    ]);
    given.length = 0;
    await run({ maskPrompt: false });
    expect(given.every(([, logits]) => logits === null)).toBe(true);
    // A memory of two slices: the mean of the last two slices' logits (the seed's among them);
    // a slice without logits empties the memory. Blended with the seed's at 0.5 on top.
    given.length = 0;
    await run({ maskPrompt: true, logitMemory: 2 } as { maskPrompt: boolean });
    expect(given).toEqual([
      [7, 6],
      [8, 6.5],
      [9, 7.5],
      [10, 8.5],
      [5, 6],
      [4, 5.5],
      [3, null],
      [2, 3],
    ]);
    given.length = 0;
    await run({ maskPrompt: true, seedLogitWeight: 0.5 } as { maskPrompt: boolean });
    expect(given.map(([, v]) => v)).toEqual([6, 6.5, 7, 7.5, 6, 5.5, null, 4.5]);
  });

  it('with box momentum, lets go of a model that fills its box once the object has ended', async () => {
    // A box filler: the mask is the prompt box itself, whatever the slice shows. Without motion
    // memory it keeps the seed's box to the edge of the volume; with it, the box keeps shrinking
    // at the pace of the first step and collapses.
    const filler = async (_slice: number, { box }: { box: Box }) => {
      const mask = new Uint8Array(W * H);
      for (let y = box.y0; y < box.y1; y++)
        for (let x = box.x0; x < box.x1; x++) mask[y * W + x] = 1;
      return { mask, iou: 0.9 };
    };
    const run = (boxMomentum: number) =>
      propagateVolume({
        width: W,
        height: H,
        depth: DEPTH,
        from: 2,
        masks: seeded([[2, { mask: truth(6), origin: 'prompted' }]]),
        // The box shrinks by one pixel a side a slice; momentum carries that on. (The stall stop,
        // maxRegrowth, would end the walk once the shrunk box stops shrinking: off here.)
        thresholds: {
          dilateFraction: -0.1,
          dilateMinPx: -1,
          boxMomentum,
          maxMomentumStep: 0.5,
          maxRegrowth: Infinity,
        },
        predict: filler,
        directions: [1],
      });
    const without = await run(0);
    expect(without.stops[0]?.reason).toBe('edge');
    expect(without.masks.size).toBe(DEPTH - 3);
    const withMomentum = await run(1);
    expect(withMomentum.masks.size).toBeLessThan(4);
    expect(['too-small', 'shrank']).toContain(withMomentum.stops[0]?.reason);
  });

  it('stops where the object fades out of the image although the model stays confident', async () => {
    // The model keeps predicting the disc on every slice with a high IoU (as the starter does past
    // a lesion's end); the image shows it bright on slices 3..9 only, and faint on 8..9.
    const disc = truth(6);
    const image = (slice: number) => {
      const level = slice >= 3 && slice <= 7 ? 200 : slice <= 9 && slice >= 3 ? 150 : 60;
      const drift = truth(slice);
      return {
        pixels: Uint8Array.from(drift, (v, i) => (v || disc[i] ? level : 50)),
        width: W,
        height: H,
        channels: 1,
      };
    };
    const run = (withImage: boolean, minContrastRatio?: number) =>
      propagateVolume({
        width: W,
        height: H,
        depth: DEPTH,
        from: 6,
        masks: seeded([[6, { mask: disc, origin: 'prompted' }]]),
        predict: async () => ({ mask: disc.slice(), iou: 0.95 }),
        image: withImage ? image : undefined,
        thresholds: minContrastRatio === undefined ? {} : { minContrastRatio },
      });
    const stopped = await run(true);
    // Seed contrast 150; slices 8..9 have 100 (ratio 0.67 < 0.8), off the object 10.
    expect(stopped.seedContrast).toBeCloseTo(150, 6);
    expect([...stopped.masks.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 7]);
    expect(stopped.stops).toEqual([
      { direction: 1, reason: 'faded', slice: 8 },
      { direction: -1, reason: 'faded', slice: 2 },
    ]);
    // A lower threshold keeps the faint slices; without pixels the rule is off.
    expect([...(await run(true, 0.5)).masks.keys()].sort((a, b) => a - b)).toEqual([
      3, 4, 5, 7, 8, 9,
    ]);
    const blind = await run(false);
    expect(blind.seedContrast).toBeNull();
    expect(blind.stops.map((s) => s.reason)).toEqual(['edge', 'edge']);
  });

  it('trims a box-filling model to the object with a per-object threshold, and stops past its end', async () => {
    // The object is the bright disc of truth(); the model fills its box whatever the slice shows.
    const filler = async (_slice: number, { box }: { box: Box }) => {
      const mask = new Uint8Array(W * H);
      for (let y = box.y0; y < box.y1; y++)
        for (let x = box.x0; x < box.x1; x++) mask[y * W + x] = 1;
      return { mask, iou: 0.9 };
    };
    const image = (slice: number) => ({
      pixels: Uint8Array.from(truth(slice), (v) => (v ? 200 : 50)),
      width: W,
      height: H,
      channels: 1,
    });
    const run = (trimShare?: number, trimFeeds: 'walk' | 'box' | 'output' = 'walk') =>
      propagateVolume({
        width: W,
        height: H,
        depth: DEPTH,
        from: 6,
        masks: seeded([[6, { mask: truth(6), origin: 'prompted' }]]),
        predict: filler,
        image,
        thresholds: {
          minContrastRatio: -Infinity,
          dilateFraction: 0.2,
          dilateMinPx: 2,
          maxAreaRatio: 3,
          ...(trimShare === undefined ? {} : { trimShare, trimFeeds }),
        },
      });
    const dice = (a: Uint8Array, b: Uint8Array) => {
      let both = 0;
      let sum = 0;
      a.forEach((v, i) => {
        both += v & b[i]!;
        sum += v + b[i]!;
      });
      return (2 * both) / sum;
    };
    // Off (the default): the box masks run to the edges of the volume.
    const off = await run();
    expect(off.stops.map((s) => s.reason)).toEqual(['edge', 'edge']);
    const trimmed = await run(0.5);
    // On: each mask is the object's core on its slice, and the walk stops where the object ends.
    expect([...trimmed.masks.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 7, 8, 9]);
    for (const [k, mask] of trimmed.masks) expect(dice(mask, truth(k))).toBeGreaterThan(0.8);
    expect(trimmed.stops.map((s) => s.reason)).toEqual(['too-small', 'too-small']);
    // Feeding only the box (the stops judge the model's own box mask): the same masks, and the
    // walk still ends where the trim leaves nothing.
    const boxed = await run(0.5, 'box');
    expect([...boxed.masks.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 7, 8, 9]);
    expect(boxed.stops.map((s) => s.reason)).toEqual(['too-small', 'too-small']);
    // Trimming only the output: the walk is the model's, its growing box soon covers the whole
    // slice (no ring left to trim against) and it runs on to the edges.
    const output = await run(0.5, 'output');
    expect(output.stops.map((s) => s.reason)).toEqual(['edge', 'edge']);
    expect(dice(output.masks.get(7)!, truth(7))).toBeGreaterThan(0.8);
  });

  it("stops where the IoU head drops below the walk's own level (maxIouDrop)", async () => {
    // A model as confident as the starter past the object's end in absolute terms (0.8 > minIou),
    // but below its level on this object (0.9).
    const disc = truth(6);
    const run = (maxIouDrop?: number) =>
      propagateVolume({
        width: W,
        height: H,
        depth: DEPTH,
        from: 6,
        masks: seeded([[6, { mask: disc, origin: 'prompted' }]]),
        predict: async (slice) => ({
          mask: disc.slice(),
          iou: slice >= 3 && slice <= 9 ? 0.9 : 0.8,
        }),
        thresholds: maxIouDrop === undefined ? {} : { maxIouDrop },
      });
    expect((await run()).stops.map((s) => s.reason)).toEqual(['edge', 'edge']);
    const stopped = await run(0.05);
    expect([...stopped.masks.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 7, 8, 9]);
    expect(stopped.stops).toEqual([
      { direction: 1, reason: 'low-iou', slice: 10 },
      { direction: -1, reason: 'low-iou', slice: 2 },
    ]);
  });

  it('stops where the mask grows back after shrinking, not on a walk that only grows', async () => {
    // Radius by slice: shrinks from the seed (6) to slice 3, then grows again (a leak onto what
    // lies around), each step under maxAreaRatio.
    const radius = [7, 6, 5, 4, 5, 6, 7, 6, 5, 4, 3, 2];
    const walk = discWalk(radius);
    const run = (from: number, maxRegrowth?: number) =>
      walk(from, { maxAreaRatio: 2, ...(maxRegrowth ? { maxRegrowth } : {}) });
    const stopped = await run(6);
    // Smallest at slice 3 (r 4, 49 px); slice 2 (r 5, 81 px) is no smaller than that.
    expect([...stopped.masks.keys()]).toEqual([5, 4, 3]);
    expect(stopped.stops).toEqual([{ direction: -1, reason: 'regrew', slice: 2 }]);
    expect([...(await run(6, Infinity)).masks.keys()]).toEqual([5, 4, 3, 2, 1, 0]);
    // From slice 10 (r 3) the walk grows first (to r 7 at 6), never below its start: not stopped.
    const inwards = await run(10);
    expect([...inwards.masks.keys()]).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(inwards.stops).toEqual([{ direction: -1, reason: 'edge', slice: -1 }]);
  });

  it('by default stops where a shrinking mask stalls (the box filler past the end)', async () => {
    // Radius by slice: shrinks from the seed (7 at slice 6) to 4 at slice 3, then stays 4.
    const radius = [4, 4, 4, 4, 5, 6, 7];
    const result = await discWalk(radius)(6);
    expect([...result.masks.keys()]).toEqual([5, 4, 3]);
    expect(result.stops).toEqual([{ direction: -1, reason: 'regrew', slice: 2 }]);
  });

  it('keeps propagated masks between a stop and a slice the annotator made further on', async () => {
    // A walk from an edited slice stops at once (the model loses the object); slices 8 and 9 were
    // propagated from the annotated slice 10, which lies ahead: they stay. Behind the seed, toward
    // the edge of the volume, the stale slice 1 goes.
    const masks = seeded([
      [6, { mask: truth(6), origin: 'edited' }],
      [8, { mask: truth(8), origin: 'propagated' }],
      [9, { mask: truth(9), origin: 'propagated' }],
      [10, { mask: truth(9), origin: 'prompted' }],
      [1, { mask: truth(4), origin: 'propagated' }],
    ]);
    const result = await propagateVolume({
      width: W,
      height: H,
      depth: DEPTH,
      from: 6,
      masks,
      predict: async () => ({ mask: new Uint8Array(W * H), iou: 0.9 }),
    });
    expect(result.stops.map((s) => s.reason)).toEqual(['too-small', 'too-small']);
    expect(result.cleared).toEqual([1]);
    // An erased (empty) edited slice ahead is where the object ends: up to it, masks are stale.
    masks.set(10, { mask: new Uint8Array(W * H), origin: 'edited' });
    const erased = await propagateVolume({
      width: W,
      height: H,
      depth: DEPTH,
      from: 6,
      masks,
      predict: async () => ({ mask: new Uint8Array(W * H), iou: 0.9 }),
    });
    expect(erased.cleared.sort((a, b) => a - b)).toEqual([1, 8, 9]);
  });

  it("compares contrast with the clearest slice the annotator made, not only the seed's", async () => {
    const disc = truth(6);
    // The seed (slice 6, an edit on a faint slice) has contrast 40; the prompted slice 2 has 150.
    const image = (slice: number) => ({
      pixels: Uint8Array.from(disc, (v) => (v ? (slice === 2 ? 200 : 90) : 50)),
      width: W,
      height: H,
      channels: 1,
    });
    const run = (contrastReference: 'clearest' | 'start') =>
      propagateVolume({
        width: W,
        height: H,
        depth: DEPTH,
        from: 6,
        masks: seeded([
          [6, { mask: disc, origin: 'edited' }],
          [2, { mask: disc, origin: 'prompted' }],
        ]),
        predict: async () => ({ mask: disc.slice(), iou: 0.95 }),
        image,
        directions: [1],
        thresholds: { contrastReference },
      });
    const result = await run('clearest');
    expect(result.seedContrast).toBeCloseTo(150, 6);
    // Slice 7 stands out by 40 only: 0.27 of the memory, so the walk stops there.
    expect(result.stops[0]).toEqual({ direction: 1, reason: 'faded', slice: 7 });
    // Against its own start slice (as faint as slice 7), the walk goes on to the volume's edge.
    const fromStart = await run('start');
    expect(fromStart.seedContrast).toBeCloseTo(40, 6);
    expect(fromStart.stops[0]).toEqual({ direction: 1, reason: 'edge', slice: DEPTH });
  });

  it('refuses a seed slice without a mask', async () => {
    await expect(
      propagateVolume({
        width: W,
        height: H,
        depth: DEPTH,
        from: 2,
        masks: new Map(),
        predict: boxedTruth([]),
      }),
    ).rejects.toThrow(/slice 2 has no mask/);
  });
});
