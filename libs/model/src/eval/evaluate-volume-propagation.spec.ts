import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticVolumes, type SyntheticVolume } from '../data/synthetic-volume';
import { openModelDir } from '../inference/open-model-dir';
import type { SamPredictor } from '../inference/sam-predictor';
import { evaluateVolumePropagation, type PropagationVolume } from './evaluate-volume-propagation';

// The shipped starter (a real, trained model): it follows synthetic lesions through a volume.
const starterDir = path.resolve(__dirname, '../../../../models/starter');

function asVolume(
  v: SyntheticVolume,
  lesionMasks: readonly Uint8Array[],
  scored: Iterable<number>,
): PropagationVolume {
  const masks = new Map<number, Uint8Array>();
  lesionMasks.forEach((m, k) => m.some((x) => x === 1) && masks.set(k, m));
  return {
    id: 'v',
    width: v.width,
    height: v.height,
    slices: v.slices,
    scored: new Set(scored),
    objects: [{ id: 'o', masks }],
  };
}

const areaOf = (m: Uint8Array) => m.reduce((n, x) => n + x, 0);

describe('evaluateVolumePropagation (starter model, synthetic volume)', () => {
  let predictor: SamPredictor;
  let volume: SyntheticVolume;
  beforeAll(async () => {
    predictor = await openModelDir(starterDir);
    [volume] = generateSyntheticVolumes(1, {
      size: 96,
      depth: 16,
      lesions: [1, 1],
      span: [10, 10],
      splitChance: 0,
      radius: [14, 14],
      seed: 77,
    }) as [SyntheticVolume];
  });
  afterAll(() => predictor?.release());

  it('propagates one box from the largest held-out slice and scores volume Dice on held-out slices', async () => {
    const lesion = volume.lesions[0]!;
    const all = Array.from({ length: volume.depth }, (_, k) => k);
    const summary = await evaluateVolumePropagation(predictor, [
      asVolume(volume, lesion.masks, all),
    ]);
    expect(summary).toMatchObject({ objects: 1, volumes: 1 });
    const [result] = summary.perObject;
    // The seed is the slice where the truth is largest.
    const areas = lesion.masks.map(areaOf);
    expect(result!.seedSlice).toBe(areas.indexOf(Math.max(...areas)));
    expect(result!.propagatedSlices).toBeGreaterThanOrEqual(4);
    expect(summary.volumeDice).toBeGreaterThan(0.6);

    // Held-out slices only: with the largest slice in training, the seed moves to another one.
    const scored = all.filter((k) => k !== result!.seedSlice);
    const heldOut = await evaluateVolumePropagation(predictor, [
      asVolume(volume, lesion.masks, scored),
    ]);
    expect(heldOut.perObject[0]!.seedSlice).not.toBe(result!.seedSlice);
    expect(scored).toContain(heldOut.perObject[0]!.seedSlice);
  });

  it('counts what propagation puts on held-out slices where the object is absent', async () => {
    const lesion = volume.lesions[0]!;
    // Truth cut to the seed slice alone: every propagated slice is now a false positive there.
    const areas = lesion.masks.map(areaOf);
    const seed = areas.indexOf(Math.max(...areas));
    const onlySeed = lesion.masks.map((m, k) => (k === seed ? m : new Uint8Array(m.length)));
    const all = Array.from({ length: volume.depth }, (_, k) => k);
    const full = await evaluateVolumePropagation(predictor, [asVolume(volume, lesion.masks, all)]);
    const cut = await evaluateVolumePropagation(predictor, [asVolume(volume, onlySeed, all)]);
    expect(cut.perObject[0]!.seedSlice).toBe(seed);
    expect(cut.perObject[0]!.propagatedSlices).toBeGreaterThan(0);
    expect(cut.volumeDice!).toBeLessThan(full.volumeDice! - 0.2);
  });

  it('skips objects with no held-out slice and gives null without any', async () => {
    const lesion = volume.lesions[0]!;
    const none = await evaluateVolumePropagation(predictor, [asVolume(volume, lesion.masks, [])]);
    expect(none).toMatchObject({ volumeDice: null, objects: 0, volumes: 0 });
  });
});
