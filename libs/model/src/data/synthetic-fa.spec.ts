import { connectedComponents } from '@loupe/prompts';
import { describe, expect, it } from 'vitest';
import { generateSyntheticFaDataset } from './synthetic-fa';

describe('generateSyntheticFaDataset', () => {
  it('is deterministic from the seed and gives one connected, non-empty mask per lesion', () => {
    const a = generateSyntheticFaDataset({ count: 3, size: 96, seed: 5 });
    const b = generateSyntheticFaDataset({ count: 3, size: 96, seed: 5 });
    const c = generateSyntheticFaDataset({ count: 3, size: 96, seed: 6 });
    expect(Buffer.from(a[0]?.image ?? []).equals(Buffer.from(b[0]?.image ?? []))).toBe(true);
    expect(Buffer.from(a[0]?.image ?? []).equals(Buffer.from(c[0]?.image ?? []))).toBe(false);
    for (const sample of a) {
      expect(sample.image.length).toBe(96 * 96);
      expect(sample.lesions.length).toBeGreaterThanOrEqual(1);
      for (const lesion of sample.lesions) expect(connectedComponents(lesion, 8).length).toBe(1);
      expect(connectedComponents(sample.mask, 8).length).toBe(sample.lesions.length);
    }
  });

  it('lesions are brighter than the background around them', () => {
    const [sample] = generateSyntheticFaDataset({
      count: 1,
      size: 128,
      seed: 9,
      lesions: [1, 1],
      radius: [12, 14],
    });
    if (!sample) throw new Error('no sample');
    let inside = 0;
    let n = 0;
    for (let i = 0; i < sample.image.length; i++)
      if (sample.mask.data[i]) {
        inside += sample.image[i] as number;
        n++;
      }
    const mean = sample.image.reduce((a, v) => a + v, 0) / sample.image.length;
    expect(inside / n).toBeGreaterThan(mean * 1.5);
  });

  it('darkLesionShare draws hypofluorescent lesions, and 0 leaves every seeded dataset as it was', () => {
    const plain = generateSyntheticFaDataset({ count: 4, size: 96, seed: 5 });
    const zero = generateSyntheticFaDataset({ count: 4, size: 96, seed: 5, darkLesionShare: 0 });
    plain.forEach((s, i) =>
      expect(Buffer.from(s.image).equals(Buffer.from(zero[i]?.image ?? []))).toBe(true),
    );
    const [dark] = generateSyntheticFaDataset({
      count: 1,
      size: 128,
      seed: 9,
      lesions: [1, 1],
      radius: [12, 14],
      darkLesionShare: 1,
    });
    if (!dark) throw new Error('no sample');
    // Darker than the ring just outside the lesion (the image mean is pulled down by the black
    // outside of the field of view, so compare with the lesion's own surroundings).
    const { width } = dark;
    let inside = 0;
    let n = 0;
    let ring = 0;
    let m = 0;
    const cells = dark.mask.data;
    for (let i = 0; i < cells.length; i++) {
      const x = i % width;
      const y = Math.floor(i / width);
      if (cells[i]) {
        inside += dark.image[i] as number;
        n++;
        continue;
      }
      let near = false;
      for (let dy = -6; dy <= 6 && !near; dy += 3)
        for (let dx = -6; dx <= 6 && !near; dx += 3)
          if (cells[(y + dy) * width + (x + dx)]) near = true;
      if (near) {
        ring += dark.image[i] as number;
        m++;
      }
    }
    expect(inside / n).toBeLessThan((ring / m) * 0.75);
  });
});
