import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticFaDataset } from '../data/synthetic-fa';
import { openModelDir } from '../inference/open-model-dir';
import type { SamPredictor } from '../inference/sam-predictor';
import {
  DEFAULT_TAGS_TO_MASKS,
  discoverLesions,
  trainLesionClassifierFromMasks,
} from './tags-to-masks';

const starterDir = fileURLToPath(new URL('../../../../models/starter', import.meta.url));
let predictor: SamPredictor;

beforeAll(async () => {
  predictor = await openModelDir(starterDir);
});
afterAll(async () => {
  await predictor?.release();
});

/** Fewer peaks than the default keep the spec short; the rule is the same. */
const options = {
  ...DEFAULT_TAGS_TO_MASKS,
  maxPeaks: 4,
  promptBoxSides: [24, 48],
};

describe('lesion discovery from human masks (starter model)', () => {
  it('learns from masked images which candidates are lesions and finds lesions on new images', async () => {
    const masked = generateSyntheticFaDataset({ count: 6, size: 128, seed: 71, lesions: [0, 3] });
    const classifier = await trainLesionClassifierFromMasks(
      predictor,
      masked.map((s) => ({
        pixels: s.image,
        width: s.width,
        height: s.height,
        objects: s.lesions.map((l) => l.data),
      })),
      options,
    );
    expect(classifier).not.toBeNull();
    const fresh = generateSyntheticFaDataset({ count: 4, size: 128, seed: 72, lesions: [1, 3] });
    /** Share of the discovered candidates that lie mostly on a true lesion, and how many. */
    const precision = async (minScore: number) => {
      let hits = 0;
      let found = 0;
      for (const s of fresh) {
        const lesions = await discoverLesions(
          predictor,
          classifier!,
          { pixels: s.image, width: s.width, height: s.height },
          minScore,
          options,
        );
        for (const lesion of lesions) {
          found++;
          let inside = 0;
          let area = 0;
          lesion.mask.forEach((v, i) => {
            area += v;
            inside += v && s.mask.data[i] ? 1 : 0;
          });
          if (inside / area > 0.5) hits++;
          expect(lesion.score).toBeGreaterThanOrEqual(minScore);
          expect(lesion.box.x1).toBeGreaterThan(lesion.box.x0);
        }
        // Most lesion-like first.
        for (let i = 1; i < lesions.length; i++)
          expect(lesions[i]!.score).toBeLessThanOrEqual(lesions[i - 1]!.score);
      }
      return { found, share: found ? hits / found : 0 };
    };
    const every = await precision(0);
    const picked = await precision(0.7);
    expect(picked.found).toBeGreaterThan(0);
    expect(picked.found).toBeLessThan(every.found);
    // The classifier's picks are lesions more often than a candidate is (0.6 vs 0.4 here).
    expect(picked.share).toBeGreaterThan(every.share + 0.1);
  });

  it('is null when the masks give no lesion to learn from', async () => {
    const empty = generateSyntheticFaDataset({ count: 2, size: 128, seed: 73, lesions: [0, 0] });
    const classifier = await trainLesionClassifierFromMasks(
      predictor,
      empty.map((s) => ({ pixels: s.image, width: s.width, height: s.height, objects: [] })),
      options,
    );
    expect(classifier).toBeNull();
  });
});
