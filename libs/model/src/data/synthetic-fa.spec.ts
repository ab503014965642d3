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
});
