import { createMask, dilatedBox, maskFromBox } from '@loupe/prompts';
import { describe, expect, it } from 'vitest';
import { TINY_CONFIG, deriveSizes } from '../config';
import { createRng } from '../ops/seeded-random';
import {
  capEmptySamples,
  NEIGHBOUR_MASK_LOGIT,
  emptySampleBox,
  prepareExample,
  preparePropagationExample,
  softTargetOnCrop,
  targetOnCrop,
} from './training-sample';

describe('softTargetOnCrop', () => {
  it('gives each cell the share of it the mask covers and agrees with the 0/1 target away from the edge', () => {
    // A 64 px crop on a 16-cell grid: 4 px per cell. The square spans x 10..30, so the cell of
    // x 8..12 is half covered; y 8..32 covers whole cells.
    const width = 64;
    const mask = createMask(width, width);
    for (let y = 8; y < 32; y++) for (let x = 10; x < 30; x++) mask.data[y * width + x] = 1;
    const crop = { x0: 0, y0: 0, size: 64, inputSize: 16, scale: 16 / 64 };
    const soft = softTargetOnCrop(mask, crop, 16);
    const binary = targetOnCrop(mask, crop, 16);
    expect(soft).toHaveLength(256);
    const at = (x: number, y: number) => soft[y * 16 + x] as number;
    expect(at(4, 4)).toBeCloseTo(1, 5);
    expect(at(0, 0)).toBe(0);
    expect(at(2, 4)).toBeGreaterThan(0.3);
    expect(at(2, 4)).toBeLessThan(0.7);
    // Covered area is preserved: 20 x 24 px = 30 cells of 16 px.
    expect(soft.reduce((a, b) => a + b, 0)).toBeCloseTo(30, 0);
    for (let i = 0; i < 256; i++)
      if ((soft[i] as number) > 0.9 || (soft[i] as number) < 0.1)
        expect(binary[i]).toBe((soft[i] as number) > 0.5 ? 1 : 0);
  });
});

describe('prepareExample with an empty mask (an image tagged absent)', () => {
  it('boxes a random place inside the image and targets nothing there', () => {
    const rng = createRng(5);
    const sample = {
      image: new Uint8Array(64 * 48).fill(90),
      width: 64,
      height: 48,
      mask: createMask(64, 48),
      weight: 0.2,
    };
    const boxes = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const example = prepareExample(sample, TINY_CONFIG, rng, { flip: true });
      expect(example.target).toHaveLength(deriveSizes(TINY_CONFIG).maskSize ** 2);
      expect(example.target.every((v) => v === 0)).toBe(true);
      expect(example.weight).toBe(0.2);
      expect(example.box.x0).toBeGreaterThanOrEqual(0);
      expect(example.box.y1).toBeLessThanOrEqual(48);
      boxes.add(`${example.box.x0},${example.box.y0}`);
    }
    expect(boxes.size).toBe(5);
  });

  it('without an rng, boxes the centre with a quarter of the shorter side', () => {
    expect(emptySampleBox(100, 40, null)).toEqual({ x0: 45, y0: 15, x1: 55, y1: 25 });
  });
});

describe('preparePropagationExample (a volume slice with an adjacent slice mask)', () => {
  const width = 64;
  const height = 48;
  const square = (x0: number, y0: number, side: number) => {
    const mask = createMask(width, height);
    for (let y = y0; y < y0 + side; y++)
      for (let x = x0; x < x0 + side; x++) mask.data[y * width + x] = 1;
    return mask;
  };
  const image = new Uint8Array(width * height).fill(70);

  it('prompts with the neighbour box as propagation shrinks it and the neighbour mask as logits', () => {
    const neighbour = square(20, 10, 20);
    const sample = { image, width, height, mask: square(22, 12, 18), neighbourMask: neighbour };
    const example = preparePropagationExample(sample, TINY_CONFIG);
    expect(example).not.toBeNull();
    if (!example) return;
    // propagateVolume's default: one pixel off each side of a 20 px box.
    expect(example.box).toEqual({ x0: 21, y0: 11, x1: 39, y1: 29 });
    expect(example.box).toEqual(dilatedBox(neighbour));
    const m = deriveSizes(TINY_CONFIG).maskSize;
    expect(example.maskInput).toHaveLength(m * m);
    // Neighbour inside the crop -> confident foreground logits; far corner -> background.
    const inside = example.maskInput.filter((v) => v > NEIGHBOUR_MASK_LOGIT * 0.9).length;
    const outside = example.maskInput.filter((v) => v < -NEIGHBOUR_MASK_LOGIT * 0.9).length;
    expect(inside).toBeGreaterThan(0);
    expect(outside).toBeGreaterThan(0);
    expect(example.target).toEqual(targetOnCrop(sample.mask, example.crop, m));
    expect(example.target).not.toEqual(targetOnCrop(neighbour, example.crop, m));
  });

  it('is null without a neighbour or with an empty one, and rejects a neighbour of another size', () => {
    const mask = square(5, 5, 10);
    expect(preparePropagationExample({ image, width, height, mask }, TINY_CONFIG)).toBeNull();
    expect(
      preparePropagationExample(
        { image, width, height, mask, neighbourMask: createMask(width, height) },
        TINY_CONFIG,
      ),
    ).toBeNull();
    expect(() =>
      preparePropagationExample(
        { image, width, height, mask, neighbourMask: createMask(32, 32) },
        TINY_CONFIG,
      ),
    ).toThrow(/neighbourMask is 32x32, the image 64x48/);
  });
});

describe('capEmptySamples', () => {
  const sample = (lesion: boolean, id: number) => {
    const mask = createMask(4, 4);
    if (lesion) mask.data[5] = 1;
    return { image: new Uint8Array(16), width: 4, height: 4, mask, id };
  };

  it('keeps at most a quarter as many empty samples as lesion samples, spread over the order', () => {
    const samples = [
      ...Array.from({ length: 8 }, (_, i) => sample(true, i)),
      ...Array.from({ length: 12 }, (_, i) => sample(false, 100 + i)),
    ];
    const capped = capEmptySamples(samples);
    expect(capped.filter((s) => s.mask.data.some((v) => v))).toHaveLength(8);
    // floor(0.25 x 8) = 2 of the 12 empty ones: the 6th and the 12th.
    expect(capped.filter((s) => !s.mask.data.some((v) => v)).map((s) => s.id)).toEqual([105, 111]);
  });

  it('keeps one empty sample beside a single lesion, and everything without any lesion', () => {
    const one = capEmptySamples([sample(true, 0), sample(false, 1), sample(false, 2)]);
    expect(one.map((s) => s.id)).toEqual([0, 2]);
    const none = [sample(false, 1), sample(false, 2)];
    expect(capEmptySamples(none)).toHaveLength(2);
    expect(capEmptySamples([sample(true, 0), sample(false, 1)], Infinity)).toHaveLength(2);
  });
});

describe('prepareExample with a box-supervised sample (a box weak label)', () => {
  it('targets the box filled (never soft) and marks similar pairs touching it for the pairwise term', () => {
    const width = 64;
    const image = new Uint8Array(width * width).fill(40);
    for (let y = 20; y < 40; y++) for (let x = 24; x < 44; x++) image[y * width + x] = 200;
    const box = { x0: 20, y0: 16, x1: 48, y1: 44 };
    const mask = maskFromBox(box, width, width);
    expect(mask.data.reduce((a, b) => a + b, 0)).toBe(28 * 28);
    const e = prepareExample(
      { image, width, height: width, mask, supervision: 'box' },
      TINY_CONFIG,
      null,
      { softTarget: true },
    );
    const { maskSize } = deriveSizes(TINY_CONFIG);
    expect(e.boxSupervised).toBe(true);
    expect(Array.from(e.target).every((v) => v === 0 || v === 1)).toBe(true);
    expect(e.target).toEqual(targetOnCrop(mask, e.crop, maskSize));
    const affinity = e.affinity as Float32Array;
    expect(affinity).toHaveLength(4 * maskSize * maskSize);
    const marked = affinity.reduce((a, b) => a + b, 0);
    expect(marked).toBeGreaterThan(0);
    // Every marked pair touches the box target (one end or both inside it).
    const offsets = [
      [0, 1],
      [1, 0],
      [1, 1],
      [1, -1],
    ] as const;
    offsets.forEach(([dy, dx], o) => {
      for (let i = 0; i < maskSize * maskSize; i++) {
        if (!affinity[o * maskSize * maskSize + i]) continue;
        const partner = i + 2 * dy * maskSize + 2 * dx;
        expect(Math.max(e.target[i] as number, e.target[partner] as number)).toBe(1);
      }
    });
    // A mask sample has neither.
    const plain = prepareExample({ image, width, height: width, mask }, TINY_CONFIG, null);
    expect(plain.boxSupervised).toBeUndefined();
    expect(plain.affinity).toBeUndefined();
  });
});
