/**
 * Propagation on the real starter model (onnxruntime-web wasm, the page's runtime) through a
 * generated volume: with the page's defaults and the slices' pixels (the contrast stop) the walk
 * lets go where the lesion ends, where without them (and without the stall stop) the model, as
 * confident as ever, carries its mask on over slices the lesion is not on.
 */
import { join } from 'node:path';
import { generateSyntheticVolumes, openModelDir, type SamPredictor } from '@loupe/model/node';
import {
  boxFromMask,
  DEFAULT_PROPAGATION,
  propagateVolume,
  type PropagationThresholds,
} from '@loupe/prompts';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slicePredictor } from '../speed/volume-propagation-loop';

const starterDir = join(__dirname, '..', '..', 'models', 'starter');

describe('propagation through a synthetic volume (starter model, onnxruntime-web)', () => {
  let predictor: SamPredictor;
  beforeAll(async () => {
    ortWeb.env.wasm.numThreads = 1;
    predictor = await openModelDir(starterDir, { ort: ortWeb });
  });
  afterAll(async () => {
    await predictor?.release();
  });

  it('stops near the lesion ends by contrast, leaks past them without', async () => {
    const [volume] = generateSyntheticVolumes(1, {
      size: 96,
      depth: 28,
      lesions: [1, 1],
      span: [12, 12],
      splitChance: 0,
      seed: SPEC_SEED,
    });
    const { width, height, depth } = volume!;
    const lesion = volume!.lesions[0]!;
    const area = (m: Uint8Array) => m.reduce((n, v) => n + v, 0);
    let from = lesion.first;
    lesion.masks.forEach((m, k) => {
      if (area(m) > area(lesion.masks[from]!)) from = k;
    });
    const model = slicePredictor(predictor, volume!);
    const seed = await model.predict(
      from,
      boxFromMask({ width, height, data: lesion.masks[from]! }),
    );
    const run = async (thresholds: Partial<PropagationThresholds>, withImage: boolean) => {
      const result = await propagateVolume({
        width,
        height,
        depth,
        from,
        masks: new Map([[from, { mask: seed.mask, origin: 'prompted' as const }]]),
        seedLogits: seed.logits ?? null,
        thresholds,
        image: withImage
          ? (k) => ({ pixels: volume!.slices[k]!, width, height, channels: 1 })
          : undefined,
        predict: (k, prompt) => model.predict(k, prompt.box, prompt.clicks, prompt.maskInput),
      });
      const slices = [...result.masks.keys()];
      return { result, lo: Math.min(...slices), hi: Math.max(...slices) };
    };
    const stopped = await run(DEFAULT_PROPAGATION, true);
    // Every slice it kept is one the lesion is on, give or take one at each end.
    expect(stopped.lo).toBeGreaterThanOrEqual(lesion.first - 1);
    expect(stopped.hi).toBeLessThanOrEqual(lesion.last + 1);
    expect(stopped.result.stops.map((s) => s.reason)).toContain('faded');
    expect(stopped.result.seedContrast).toBeGreaterThan(1);
    const leaked = (r: { lo: number; hi: number }) =>
      Math.max(0, lesion.first - r.lo) + Math.max(0, r.hi - lesion.last);
    // Without the pixels and without the stall stop (maxRegrowth under 1), only the model's own
    // rules are left: it leaks. The stall stop alone, without pixels, leaks less than that.
    const blind = await run({ ...DEFAULT_PROPAGATION, maxRegrowth: Infinity }, false);
    expect(leaked(blind)).toBeGreaterThan(leaked(stopped) + 2);
    const stallOnly = await run(DEFAULT_PROPAGATION, false);
    expect(leaked(stallOnly)).toBeLessThan(leaked(blind));
  });
});

/** Volume seed of this test (the bench's evaluation seed is 4401, its tuning seed 4402). */
const SPEC_SEED = 77;
