import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelDir } from '../inference/open-model-dir';
import type { SamPredictor } from '../inference/sam-predictor';
import { DEFAULT_TAGS_TO_MASKS, promptAnswersAtPeak, promptAtPeak } from './tags-to-masks';

const starterDir = fileURLToPath(new URL('../../../../models/starter', import.meta.url));
let predictor: SamPredictor;

beforeAll(async () => {
  predictor = await openModelDir(starterDir);
});
afterAll(async () => {
  await predictor?.release();
});

/** A bright disc on a dim background. */
function disc(size: number, cx: number, cy: number, r: number): Float32Array {
  const lum = new Float32Array(size * size).fill(0.2);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) lum[y * size + x] = 0.9;
  return lum;
}

describe('promptAtPeak (starter model)', () => {
  it('boxes that share a crop share one encoder pass, with the same answer as encoding each', async () => {
    const size = 256;
    const lum = disc(size, 128, 128, 6);
    const peak = { x: 128, y: 128, value: 1 };
    let encodes = 0;
    const counting = {
      manifest: predictor.manifest,
      decodeLogits: predictor.decodeLogits.bind(predictor),
      embedLuminance: async (...args: Parameters<SamPredictor['embedLuminance']>) => {
        encodes++;
        return predictor.embedLuminance(...args);
      },
    };
    // A predictor that never reuses: a crop key that differs per box (its manifest's crop rule is
    // only read for the key, so a tiny minCropSize makes every box its own crop).
    let separate = 0;
    const unshared = {
      ...counting,
      manifest: { ...predictor.manifest, crop: { ...predictor.manifest.crop, minCropSize: 1 } },
      embedLuminance: async (...args: Parameters<SamPredictor['embedLuminance']>) => {
        separate++;
        return predictor.embedLuminance(...args);
      },
    };
    const shared = await promptAtPeak(counting, lum, size, size, peak, DEFAULT_TAGS_TO_MASKS);
    const each = await promptAtPeak(unshared, lum, size, size, peak, DEFAULT_TAGS_TO_MASKS);
    // Sides 12 and 24 both get the minimum 48 px crop around the peak.
    expect(separate).toBe(DEFAULT_TAGS_TO_MASKS.promptBoxSides.length);
    expect(encodes).toBe(separate - 1);
    expect(shared.score).toBeCloseTo(each.score, 6);
    expect(shared.iouPrediction).toBeCloseTo(each.iouPrediction, 6);
    let differ = 0;
    for (let i = 0; i < shared.probabilities.length; i++)
      if (Math.abs((shared.probabilities[i] as number) - (each.probabilities[i] as number)) > 1e-5)
        differ++;
    expect(differ).toBe(0);
  });

  it('gives one answer per box side, and promptAtPeak keeps the first best-scored one', async () => {
    const size = 256;
    const lum = disc(size, 100, 140, 10);
    const peak = { x: 100, y: 140, value: 1 };
    const answers = await promptAnswersAtPeak(
      predictor,
      lum,
      size,
      size,
      peak,
      DEFAULT_TAGS_TO_MASKS,
    );
    expect(answers).toHaveLength(DEFAULT_TAGS_TO_MASKS.promptBoxSides.length);
    const best = answers.reduce((b, a) => (a.score > b.score ? a : b));
    const kept = await promptAtPeak(predictor, lum, size, size, peak, DEFAULT_TAGS_TO_MASKS);
    expect(kept.score).toBe(best.score);
    expect(kept.iouPrediction).toBe(best.iouPrediction);
    // The boxes differ in size, so the answers are not all the same mask.
    const areas = answers.map((a) => a.probabilities.reduce((n, v) => n + (v > 0.5 ? 1 : 0), 0));
    expect(new Set(areas).size).toBeGreaterThan(1);
  });
});
