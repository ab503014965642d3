import { describe, expect, it } from 'vitest';
import type { Box } from './schemas';
import { dilatedBox, interiorPoint, propagateVolume, type SliceMask } from './propagate-volume';

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

describe('propagateVolume', () => {
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
