import { createMask } from '@loupe/prompts';
import { describe, expect, it } from 'vitest';
import { TINY_CONFIG, deriveSizes } from '../config';
import { createRng } from '../ops/seeded-random';
import { emptySampleBox, prepareExample } from './training-sample';

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
