import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextClick, runClickSession } from './clicker';
import { PromptError } from './errors';
import type { Mask } from './mask';
import { createMask, maskFromData } from './mask';
import { boxFromMask } from './box-from-mask';
import type { Box, ClickPrompt } from './schemas';

function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Mask {
  const m = createMask(w, h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.data[y * w + x] = 1;
  return m;
}

describe('nextClick (RITM clicker)', () => {
  it('clicks positive at the centre of the larger false-negative region', () => {
    const gt = rect(40, 40, 5, 5, 16, 16); // 11x11 object, centre pixel (10, 10)
    const pred = rect(40, 40, 30, 30, 33, 33); // 3x3 false positive elsewhere
    const c = nextClick(gt, pred, createMask(40, 40));
    expect(c).toEqual({ x: 10.5, y: 10.5, positive: true });
  });

  it('clicks negative when the false-positive region is deeper', () => {
    const gt = rect(40, 40, 0, 0, 3, 3);
    const pred = rect(40, 40, 10, 10, 31, 31); // 21x21 FP, centre (20, 20); FN is 3x3 at the corner
    const c = nextClick(gt, pred, createMask(40, 40));
    expect(c).toEqual({ x: 20.5, y: 20.5, positive: false });
  });

  it('the 1-px zero border makes the image edge count as background', () => {
    // FN region is the whole top row of width 9: every pixel is 1 from the border.
    const gt = rect(9, 5, 0, 0, 9, 1);
    const c = nextClick(gt, createMask(9, 5), createMask(9, 5));
    // Ties: first pixel in row-major order.
    expect(c).toEqual({ x: 0.5, y: 0.5, positive: true });
  });

  it('excludes already-clicked pixels and returns null when nothing is wrong', () => {
    const gt = rect(10, 10, 4, 4, 5, 5);
    const clicked = rect(10, 10, 4, 4, 5, 5);
    expect(nextClick(gt, createMask(10, 10), clicked)).toBeNull();
    expect(nextClick(gt, gt, createMask(10, 10))).toBeNull();
  });

  it('rejects masks of different sizes naming which one', () => {
    expect(() => nextClick(createMask(5, 5), createMask(5, 6), createMask(5, 5))).toThrow(
      /^predicted: size 5x6/,
    );
  });
});

/** Reference RITM clicker: brute-force distances over the whole image, border counts as 0. */
function referenceClick(gt: Mask, pred: Mask, clicked: Mask): ClickPrompt | null {
  const { width: w, height: h } = gt;
  const dist = (region: (i: number) => boolean): [number, number] => {
    let best = 0;
    let at = -1;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        if (!region(y * w + x)) continue;
        let d = Math.min(x + 1, y + 1, w - x, h - y) ** 2;
        for (let yy = 0; yy < h; yy++)
          for (let xx = 0; xx < w; xx++)
            if (!region(yy * w + xx)) d = Math.min(d, (x - xx) ** 2 + (y - yy) ** 2);
        if (d > best) {
          best = d;
          at = y * w + x;
        }
      }
    return [best, at];
  };
  const [fnD, fnAt] = dist((i) => !clicked.data[i] && gt.data[i] === 1 && pred.data[i] === 0);
  const [fpD, fpAt] = dist((i) => !clicked.data[i] && gt.data[i] === 0 && pred.data[i] === 1);
  if (fnAt < 0 && fpAt < 0) return null;
  const positive = fnD > fpD;
  const at = positive ? fnAt : fpAt;
  return { x: (at % w) + 0.5, y: Math.floor(at / w) + 0.5, positive };
}

describe('nextClick vs a brute-force reference', () => {
  it('agrees on random masks', () => {
    const arb = fc
      .record({ w: fc.integer({ min: 1, max: 14 }), h: fc.integer({ min: 1, max: 14 }) })
      .chain(({ w, h }) =>
        fc.tuple(
          fc.constant(w),
          fc.constant(h),
          fc.uint8Array({ minLength: w * h, maxLength: w * h }),
        ),
      );
    fc.assert(
      fc.property(arb, ([w, h, bytes]) => {
        const gt = maskFromData(
          w,
          h,
          Array.from(bytes, (b) => b & 1),
        );
        const pred = maskFromData(
          w,
          h,
          Array.from(bytes, (b) => (b >> 1) & (b >> 2) & 1 || (b >> 3) & 1),
        );
        const clicked = maskFromData(
          w,
          h,
          Array.from(bytes, (b) => (b > 240 ? 1 : 0)),
        );
        expect(nextClick(gt, pred, clicked)).toEqual(referenceClick(gt, pred, clicked));
      }),
      { numRuns: 300 },
    );
  });
});

describe('runClickSession', () => {
  const gt = rect(32, 32, 4, 4, 20, 20);

  /** Toy model: box -> its rectangle; each click fixes the errors (w.r.t. gt) in the 5x5 square around it. */
  function toyPredict(box: Box | null, clicks: ClickPrompt[]): Float32Array {
    const p = new Float32Array(32 * 32);
    if (box)
      for (let y = box.y0; y < box.y1; y++)
        for (let x = box.x0; x < box.x1; x++) p[y * 32 + x] = 0.9;
    for (const c of clicks) {
      const cx = Math.floor(c.x);
      const cy = Math.floor(c.y);
      for (let y = Math.max(0, cy - 2); y <= Math.min(31, cy + 2); y++)
        for (let x = Math.max(0, cx - 2); x <= Math.min(31, cx + 2); x++) {
          const inGt = gt.data[y * 32 + x] === 1;
          if (c.positive && inGt) p[y * 32 + x] = 1;
          if (!c.positive && !inGt) p[y * 32 + x] = 0;
        }
    }
    return p;
  }

  it('a perfect box gives NoC 0 (no clicks)', async () => {
    const r = await runClickSession({ gt, box: boxFromMask(gt), predict: toyPredict });
    expect(r.iouPerClick).toEqual([1]);
    expect(r.clicks).toEqual([]);
    expect(r.finalMask.data).toEqual(gt.data);
  });

  it('clicks until the target IoU and records IoU per click', async () => {
    const box = { x0: 4, y0: 4, x1: 28, y1: 20 }; // too wide: 16x24 vs 16x16
    const r = await runClickSession({
      gt,
      box,
      predict: async (b, c) => toyPredict(b, c),
      targetIou: 0.9,
    });
    expect(r.iouPerClick[0]).toBeCloseTo(256 / 384, 12);
    expect(r.clicks.length).toBe(r.iouPerClick.length - 1);
    // First click: negative, in the 8x16 false-positive strip x 20..27, y 4..19. Its maximum
    // distance (4) is reached on the strip's middle columns for rows 7..16; the first in
    // row-major order wins (as np.where(...)[0] in RITM): pixel (23, 7).
    expect(r.clicks[0]).toEqual({ x: 23.5, y: 7.5, positive: false });
    expect(r.iouPerClick[r.iouPerClick.length - 1]).toBeGreaterThanOrEqual(0.9);
    expect(r.iouPerClick.slice(0, -1).every((v) => v < 0.9)).toBe(true);
    expect(r.clicks.every((c) => !c.positive)).toBe(true);
    for (let k = 1; k < r.iouPerClick.length; k++)
      expect(r.iouPerClick[k]).toBeGreaterThan(r.iouPerClick[k - 1] as number);
    expect(r.clickHonoured).toEqual(r.clicks.map(() => true));
  });

  it('stops after maxClicks', async () => {
    const r = await runClickSession({
      gt,
      box: null,
      predict: () => new Float32Array(32 * 32),
      maxClicks: 3,
      targetIou: 1.1,
    });
    expect(r.clicks).toHaveLength(3);
    expect(r.iouPerClick).toHaveLength(4);
    // An empty prediction ignores every (positive) click: none is honoured.
    expect(r.clicks.every((c) => c.positive)).toBe(true);
    expect(r.clickHonoured).toEqual([false, false, false]);
  });

  it('rejects probabilities of the wrong size', async () => {
    await expect(
      runClickSession({ gt, box: null, predict: () => new Float32Array(10) }),
    ).rejects.toThrow(PromptError);
  });
});
