import { createMask, dilatedBox } from '@loupe/prompts';
import { describe, expect, it } from 'vitest';
import { TINY_CONFIG, deriveSizes } from '../config';
import { createRng } from '../ops/seeded-random';
import {
  NEIGHBOUR_MASK_LOGIT,
  emptySampleBox,
  prepareExample,
  preparePropagationExample,
  targetOnCrop,
} from './training-sample';

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
