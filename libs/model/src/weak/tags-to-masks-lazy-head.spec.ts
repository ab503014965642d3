import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticFaDataset } from '../data/synthetic-fa';
import { openModelDir } from '../inference/open-model-dir';
import type { SamPredictor } from '../inference/sam-predictor';
import {
  DEFAULT_TAGS_TO_MASKS,
  pseudoMaskFromTag,
  trainTagClassifier,
  type TaggedImage,
} from './tags-to-masks';

const starterDir = fileURLToPath(new URL('../../../../models/starter', import.meta.url));
let predictor: SamPredictor;

beforeAll(async () => {
  predictor = await openModelDir(starterDir);
});
afterAll(async () => {
  await predictor?.release();
});

/** Fewer peaks and boxes than the default keep the spec short; the rule is the same. */
const options = { ...DEFAULT_TAGS_TO_MASKS, maxPeaks: 3, promptBoxSides: [24, 48], headEpochs: 5 };

function tagged(seed: number, lesions: [number, number], count: number): TaggedImage[] {
  return generateSyntheticFaDataset({ count, size: 128, seed, lesions }).map((s) => ({
    pixels: s.image,
    width: s.width,
    height: s.height,
    present: s.lesions.length > 0,
  }));
}

describe("tags to masks, 'candidates' activation: the head only as the fallback (starter model)", () => {
  it('trains no head when the candidate classifier trains, with the same pseudo-masks as with one', async () => {
    const images = [...tagged(81, [1, 2], 2), ...tagged(82, [0, 0], 2)];
    const classifier = await trainTagClassifier(predictor, images, options);
    expect(classifier.candidates).toBeDefined();
    expect(classifier.head).toBeNull();
    expect(classifier.finalLoss).toBeNull();
    // The head trained as before (on the same images) changes none of the candidate path's answers.
    const { head } = await trainTagClassifier(predictor, images, {
      ...options,
      activation: 'head',
    });
    expect(head).not.toBeNull();
    const target = tagged(83, [1, 2], 1)[0]!;
    const lazy = await pseudoMaskFromTag(predictor, classifier, target, options);
    const eager = await pseudoMaskFromTag(predictor, { ...classifier, head }, target, options);
    expect(lazy.mask.some((v) => v)).toBe(true);
    expect(Array.from(lazy.mask)).toEqual(Array.from(eager.mask));
    expect(lazy.confidence).toBe(eager.confidence);
    expect(lazy.presentProbability).toBe(eager.presentProbability);
  });

  it('trains the head and answers with its CAM when images of one tag give no candidate', async () => {
    // Flat images have no bright blob: no candidate, so no candidate classifier.
    const flat = (present: boolean): TaggedImage => ({
      pixels: new Uint8Array(128 * 128).fill(present ? 120 : 60),
      width: 128,
      height: 128,
      present,
    });
    const classifier = await trainTagClassifier(predictor, [flat(true), flat(false)], options);
    expect(classifier.candidates).toBeUndefined();
    expect(classifier.head).not.toBeNull();
    expect(Number.isFinite(classifier.finalLoss)).toBe(true);
    const pseudo = await pseudoMaskFromTag(predictor, classifier, flat(true), options);
    expect(pseudo.cam).not.toBeNull();
    expect(pseudo.mask.length).toBe(128 * 128);
  });
});
