/**
 * Where bench:weak --quick's time goes: times one of each unit of work its parts repeat (click
 * costs, box pseudo-mask, tag candidate mining, a fine-tuning, a validation) on the bench's own
 * images, so their counts in the bench give the profile without running it.
 *
 *   npx tsx bench/loop/weak-profile.ts
 */
import { join } from 'node:path';
import {
  DEFAULT_TAGS_TO_MASKS,
  evaluateOnnxModel,
  fineTune,
  generateSyntheticFaDataset,
  loadSegmenterFromCheckpoint,
  openModelDir,
  quickValidate,
  selectTrainingBackend,
  trainTagClassifier,
} from '@loupe/model/node';
import { connectedComponents } from '@loupe/prompts';
import { repoRoot } from '../lib/repo-root';
import { boxPseudoMask } from '../parts/weak-budget';

async function seconds<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await work();
  return [out, (performance.now() - t0) / 1000];
}

async function main() {
  await selectTrainingBackend({ log: () => undefined });
  const starterDir = join(repoRoot, 'models', 'starter');
  const predictor = await openModelDir(starterDir);
  const images = generateSyntheticFaDataset({ count: 4, size: 256, seed: 1601, lesions: [1, 4] });
  const out: Record<string, number> = {};
  const first = images[0]!;
  [, out.clickCostsPerImage] = await seconds(() =>
    evaluateOnnxModel({
      predictor,
      samples: [
        {
          image: { pixels: first.image, width: 256, height: 256, channels: 1 },
          gtMask: first.mask,
        },
      ],
      maxClicks: 20,
    }),
  );
  const objects = connectedComponents(first.mask, 8).filter((c) => c.data.some((v) => v));
  [, out.boxPseudoMaskPerObject] = await seconds(() =>
    boxPseudoMask(predictor, first, objects[0]!),
  );
  // Mining runs inside the classifier's training (cached per image afterwards).
  const tagged = images.map((s, i) => ({
    pixels: s.image,
    width: s.width,
    height: s.height,
    present: i < 2,
  }));
  const [, mining] = await seconds(() =>
    trainTagClassifier(predictor, tagged, DEFAULT_TAGS_TO_MASKS),
  );
  out.tagMiningPerImage = mining / images.length;
  const test = images.flatMap((s) =>
    connectedComponents(s.mask, 8)
      .filter((c) => c.data.some((v) => v))
      .map((mask) => ({ image: s.image, width: s.width, height: s.height, mask })),
  );
  const { model } = await loadSegmenterFromCheckpoint(join(starterDir, 'checkpoint.safetensors'));
  [, out.fineTune8Steps] = await seconds(async () => {
    const r = await fineTune({
      model,
      samples: test,
      epochs: Math.max(1, Math.round(32 / test.length)),
      batchSize: 4,
      seed: 15,
      learningRate: 3e-4,
      emaDecay: 0.9,
    });
    r.optimizer.dispose();
  });
  [, out.validatePerObject] = await seconds(async () => quickValidate(model, test));
  out.validatePerObject /= test.length;
  model.dispose();
  await predictor.release();
  console.log(JSON.stringify(out));
}

void main();
