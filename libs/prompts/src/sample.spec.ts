import { describe, expect, it } from 'vitest';
import { computeCrop, fullImageCrop, type CropTransform } from './crop';
import { PromptError } from './errors';
import {
  cropMask,
  pasteAboveHalf,
  pasteProbabilitiesAboveHalf,
  pasteMaskLogits,
  pasteProbabilities,
  probabilitySampler,
  sampleCropBilinear,
  SIGMOID_ONE_FROM,
  SIGMOID_ZERO_UPTO,
  thresholdProbabilities,
} from './sample';

describe('sampleCropBilinear', () => {
  it('is the identity for a full-image crop at the same size', () => {
    const px = Float32Array.from({ length: 16 }, (_, i) => i);
    const out = sampleCropBilinear(px, 4, 4, fullImageCrop({ width: 4, height: 4 }, 4));
    expect(Array.from(out)).toEqual(Array.from(px));
  });

  it('pads outside the image with zeros', () => {
    const px = new Uint8Array(16).fill(200);
    // Box (0,0)-(2,2), margin 0.5 -> crop side 4 at (-1,-1): first model row/column is outside.
    const crop = computeCrop(
      { x0: 0, y0: 0, x1: 2, y1: 2 },
      { width: 4, height: 4 },
      { inputSize: 4, contextMargin: 0.5, minCropSize: 1 },
    );
    const out = sampleCropBilinear(px, 4, 4, crop);
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(0);
    expect(out[4]).toBe(0);
    expect(out[5]).toBe(200);
    expect(out[15]).toBe(200);
  });

  it('interpolates linearly when upsampling', () => {
    const px = Uint16Array.from([0, 100]); // 2x1
    const out = sampleCropBilinear(px, 2, 1, { x0: 0, y0: 0, size: 2, inputSize: 4, scale: 2 });
    // model centres 0.5,1.5,2.5,3.5 -> image x 0.25,0.75,1.25,1.75 -> u = -0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
    expect(Array.from(out.slice(0, 4))).toEqual([0, 25, 75, 100]);
  });

  it('rejects a wrong pixel buffer', () => {
    expect(() =>
      sampleCropBilinear(new Float32Array(3), 2, 2, fullImageCrop({ width: 2, height: 2 }, 2)),
    ).toThrow(/pixels/);
  });
});

describe('pasteMaskLogits / pasteProbabilities', () => {
  const imageSize = { width: 100, height: 80 };
  const crop = computeCrop({ x0: 20, y0: 20, x1: 60, y1: 40 }, imageSize, {
    inputSize: 64,
    contextMargin: 0,
    minCropSize: 1,
  });
  // crop: x0 20, y0 10, size 40 -> covers pixels whose centres lie in [20, 60) x [10, 50).

  it('pastes a constant positive logit map as exactly the crop square', () => {
    const m = pasteMaskLogits(new Float32Array(16 * 16).fill(3), 16, crop, 100, 80);
    for (let y = 0; y < 80; y++)
      for (let x = 0; x < 100; x++) {
        const inside = x >= 20 && x < 60 && y >= 10 && y < 50;
        expect(m.data[y * 100 + x]).toBe(inside ? 1 : 0);
      }
    const neg = pasteMaskLogits(new Float32Array(256).fill(-3), 16, crop, 100, 80);
    expect(neg.data.every((v) => v === 0)).toBe(true);
  });

  it('returns sigmoid probabilities inside and 0 outside', () => {
    const p = pasteProbabilities(new Float32Array(256).fill(0), 16, crop, 100, 80);
    expect(p[30 * 100 + 30]).toBeCloseTo(0.5, 6);
    expect(p[0]).toBe(0);
    const mask = thresholdProbabilities(p, 100, 80, 0.49);
    expect(mask.data.reduce((a, b) => a + b, 0)).toBe(40 * 40);
  });

  it('clips a crop that extends outside the image', () => {
    const c = computeCrop({ x0: 0, y0: 0, x1: 10, y1: 10 }, imageSize, {
      inputSize: 32,
      contextMargin: 0.5,
      minCropSize: 1,
    });
    const m = pasteMaskLogits(new Float32Array(64).fill(1), 8, c, 100, 80);
    expect(m.data.reduce((a, b) => a + b, 0)).toBe(15 * 15);
  });

  it('rejects logits of the wrong size', () => {
    expect(() => pasteMaskLogits(new Float32Array(10), 16, crop, 100, 80)).toThrow(/logits/);
  });
});

describe('cropMask', () => {
  it('nearest-samples a mask over the crop, 0 outside the image', () => {
    const mask = {
      width: 4,
      height: 4,
      data: Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    };
    // Crop (-2,-2) size 8 at outSize 4: each output pixel covers 2x2 image pixels.
    const out = cropMask(mask, { x0: -2, y0: -2, size: 8, inputSize: 256, scale: 32 }, 4);
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(cropMask(mask, fullImageCrop({ width: 4, height: 4 }, 4)).data).toEqual(mask.data);
  });
  it('agrees with a thresholded bilinear sample at the same size', () => {
    const mask = {
      width: 8,
      height: 8,
      data: new Uint8Array(64).map((_, i) => (i % 8 < 4 ? 1 : 0)),
    };
    const crop = fullImageCrop({ width: 8, height: 8 }, 16);
    const near = cropMask(mask, crop, 8);
    const bil = sampleCropBilinear(mask.data, 8, 8, crop, 8);
    expect(Array.from(bil, (v) => (v > 0.5 ? 1 : 0))).toEqual(Array.from(near.data));
  });
});

describe('pasteProbabilities skips the exp where the float32 sigmoid saturates', () => {
  const sigmoid32 = (l: number) => Math.fround(1 / (1 + Math.exp(-l)));

  it('saturates at exactly 1 and 0 beyond its constants', () => {
    const wrong: number[] = [];
    for (let l = SIGMOID_ONE_FROM; l < 60; l += 0.01) if (sigmoid32(l) !== 1) wrong.push(l);
    for (let l = SIGMOID_ZERO_UPTO; l > -160; l -= 0.01) if (sigmoid32(l) !== 0) wrong.push(l);
    expect(wrong).toEqual([]);
    // Not before them (the constants are not loose the other way round by much).
    expect(sigmoid32(17)).toBeLessThan(1);
    expect(sigmoid32(-103)).toBeGreaterThan(0);
  });

  it('gives every pixel the sigmoid of its bilinear sample, bit for bit', () => {
    // Logits from -140 to 140 (both saturated ends and the values around the constants),
    // upsampled 7.3x: most pixels interpolate between cells of different sides.
    const M = 32;
    const logits = Float32Array.from(
      { length: M * M },
      (_, i) => -140 + 280 * (((i * 7919) % (M * M)) / (M * M - 1)),
    );
    const crop = { x0: 3.25, y0: -2.5, size: 233.6, inputSize: 64, scale: 64 / 233.6 };
    const w = 240;
    const h = 230;
    const p = pasteProbabilities(logits, M, crop, w, h);
    const k = M / crop.size;
    const clamp = (v: number) => Math.min(M - 1, Math.max(0, v));
    let saturated = 0;
    const wrong: [number, number][] = [];
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const inside =
          x + 0.5 >= crop.x0 &&
          x + 0.5 < crop.x0 + crop.size &&
          y + 0.5 >= crop.y0 &&
          y + 0.5 < crop.y0 + crop.size;
        if (!inside) {
          if (p[y * w + x] !== 0) wrong.push([x, y]);
          continue;
        }
        const u = (x + 0.5 - crop.x0) * k - 0.5;
        const v = (y + 0.5 - crop.y0) * k - 0.5;
        const f = Math.floor(u);
        const g = Math.floor(v);
        const wx = Math.fround(u - f);
        const wy = v - g;
        const at = (j: number, i: number) => logits[clamp(j) * M + clamp(i)] as number;
        const top = at(g, f) * (1 - wx) + at(g, f + 1) * wx;
        const bot = at(g + 1, f) * (1 - wx) + at(g + 1, f + 1) * wx;
        const l = top * (1 - wy) + bot * wy;
        if (l >= SIGMOID_ONE_FROM || l <= SIGMOID_ZERO_UPTO) saturated++;
        if (p[y * w + x] !== sigmoid32(l)) wrong.push([x, y]);
      }
    expect(wrong).toEqual([]);
    expect(saturated).toBeGreaterThan(1000);
  });
});

describe('pasteAboveHalf and probabilitySampler (the click fast path)', () => {
  // Logits around the object's edge and tiny ones on both sides of 0, where the float32 sigmoid
  // rounds to exactly 0.5 (not above it) up to about 2^-23.
  const M = 16;
  const tiny = [0, 1e-9, -1e-9, 5e-8, 1.1e-7, 1.2e-7, 1.3e-7, 2.5e-7, 9e-7, 1e-6, 2e-6, -3e-7];
  const logitsFor = (seed: number) => {
    let s = seed;
    const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) as number;
    // Top half: logits of a few 1e-7 (the rounding band); bottom half: an edge between +-20.
    return Float32Array.from({ length: M * M }, (_, i) =>
      i % 5 === 0
        ? (tiny[i % tiny.length] as number)
        : (next() - 0.5) * (i < (M * M) / 2 ? 6e-7 : 40),
    );
  };
  const crops: CropTransform[] = [
    { x0: -3.3, y0: 2.7, size: 41.9 },
    { x0: 5, y0: -10.25, size: 17.5 },
    { x0: 0, y0: 0, size: 60 },
  ].map((c) => ({ ...c, inputSize: 32, scale: 32 / c.size }));
  it('is pasteProbabilities(...) > 0.5 and its values, pixel for pixel', () => {
    let halves = 0;
    let aboveCount = 0;
    for (const [c, crop] of crops.entries())
      for (let seed = 1; seed <= 4; seed++) {
        const logits = logitsFor(seed * 7 + c);
        const probabilities = pasteProbabilities(logits, M, crop, 45, 38);
        const above = pasteAboveHalf(logits, M, crop, 45, 38);
        const sample = probabilitySampler(logits, M, crop);
        for (let y = 0; y < 38; y++)
          for (let x = 0; x < 45; x++) {
            const p = probabilities[y * 45 + x] as number;
            expect(above[y * 45 + x]).toBe(p > 0.5 ? 1 : 0);
            expect(sample(x, y)).toBe(p);
            if (p === 0.5) halves++;
            if (p > 0.5) aboveCount++;
          }
      }
    // The cases that matter occurred: pixels at exactly 0.5 and pixels above it.
    expect(halves).toBeGreaterThan(0);
    expect(aboveCount).toBeGreaterThan(100);
  });
  it('pasteProbabilitiesAboveHalf: the probabilities above 0.5, NaN at the other crop pixels', () => {
    let nan = 0;
    let zeroOutside = 0;
    for (const [c, crop] of crops.entries())
      for (let seed = 1; seed <= 4; seed++) {
        const logits = logitsFor(seed * 7 + c);
        const probabilities = pasteProbabilities(logits, M, crop, 45, 38);
        const foregroundOnly = pasteProbabilitiesAboveHalf(logits, M, crop, 45, 38);
        const sample = probabilitySampler(logits, M, crop);
        for (let y = 0; y < 38; y++)
          for (let x = 0; x < 45; x++) {
            const p = probabilities[y * 45 + x] as number;
            const q = foregroundOnly[y * 45 + x] as number;
            const inCrop =
              x + 0.5 >= crop.x0 &&
              x + 0.5 < crop.x0 + crop.size &&
              y + 0.5 >= crop.y0 &&
              y + 0.5 < crop.y0 + crop.size;
            if (p > 0.5) expect(q).toBe(p);
            else if (inCrop) {
              expect(q).toBeNaN();
              // The sampler fills it in with the very value pasteProbabilities has.
              expect(sample(x, y)).toBe(p);
              nan++;
            } else {
              expect(q).toBe(0);
              zeroOutside++;
            }
          }
      }
    expect(nan).toBeGreaterThan(100);
    expect(zeroOutside).toBeGreaterThan(100);
  });
  it('refuses logits of the wrong length', () => {
    expect(() => probabilitySampler(new Float32Array(3), M, crops[0]!)).toThrow(PromptError);
    expect(() => pasteAboveHalf(new Float32Array(3), M, crops[0]!, 4, 4)).toThrow(PromptError);
  });
});
