/**
 * #14 item 5, measured: fine-tunes a checkpoint (default the starter's) on the accepted 3-D masks
 * of synthetic training volumes, with the propagation round (each slice prompted from its
 * neighbour towards the largest slice: the neighbour's shrunk box and mask, as propagateVolume
 * prompts it), then exports the model for `npm run bench:volume -- --model DIR`. Training volumes
 * come from their own seed, never the volume bench's (4401) nor the tuning one (4402); the
 * starter's synthetic 2-D samples are replayed in every batch against forgetting.
 *
 *   npx tsx bench/loop/volume-fine-tune.ts [--out models/volume-tuned] [--volumes 6] [--epochs 1]
 *     [--seed 5101] [--lr 3e-4] [--past-end 2]
 */
import path from 'node:path';
import {
  exportModel,
  fineTune,
  generateSyntheticFaDataset,
  generateSyntheticVolumes,
  loadSegmenterFromCheckpoint,
  quickValidate,
  selectTrainingBackend,
  type FineTuneSample,
  type SyntheticVolume,
} from '@loupe/model/node';
import { repoRoot } from '../lib/repo-root';

/** Seeds the volume bench evaluates (4401) or tunes on (4402): never trained on. */
const RESERVED_SEEDS = new Set([4_401, 4_402]);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const area = (m: Uint8Array) => m.reduce((n, v) => n + v, 0);

/**
 * One sample per slice of each lesion, its neighbour the slice before it on the way out from the
 * largest slice (where the annotator boxes it), and `pastEnd` empty slices beyond each end whose
 * neighbour is the lesion's last mask: propagation must learn to let go there.
 */
export function volumeSamples(volume: SyntheticVolume, pastEnd: number): FineTuneSample[] {
  const { width, height, depth } = volume;
  const samples: FineTuneSample[] = [];
  for (const lesion of volume.lesions) {
    let seed = lesion.first;
    lesion.masks.forEach((m, k) => {
      if (area(m) > area(lesion.masks[seed]!)) seed = k;
    });
    const mask = (k: number) => ({ width, height, data: lesion.masks[k]! });
    for (
      let k = Math.max(0, lesion.first - pastEnd);
      k <= Math.min(depth - 1, lesion.last + pastEnd);
      k++
    ) {
      if (k === seed) continue;
      const towardSeed = k < seed ? k + 1 : k - 1;
      // Past an end the neighbour is the last slice with the lesion.
      const neighbour = Math.min(lesion.last, Math.max(lesion.first, towardSeed));
      samples.push({
        image: volume.slices[k]!,
        width,
        height,
        mask: mask(k),
        neighbourMask: mask(neighbour),
      });
    }
  }
  return samples;
}

async function main() {
  const seed = Number(arg('seed', '5101'));
  if (RESERVED_SEEDS.has(seed)) throw new Error(`${seed} is an evaluation or tuning seed`);
  const out = path.resolve(repoRoot, arg('out', 'models/volume-tuned'));
  const from = path.resolve(repoRoot, arg('from', 'models/starter/checkpoint.safetensors'));
  const epochs = Number(arg('epochs', '1'));
  const pastEnd = Number(arg('past-end', '2'));
  await selectTrainingBackend({ log: console.log });
  const volumes = generateSyntheticVolumes(Number(arg('volumes', '6')), {
    size: 128,
    depth: 64,
    seed,
  });
  const samples = volumes.flatMap((v) => volumeSamples(v, pastEnd));
  // The starter's own training images (train:starter seed 1), replayed against forgetting.
  const replay = generateSyntheticFaDataset({ count: 40, size: 256, seed: 1001 }).flatMap((d) =>
    d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
  );
  const heldOut = generateSyntheticFaDataset({ count: 20, size: 256, seed: 1003 }).flatMap((d) =>
    d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
  );
  const { model } = await loadSegmenterFromCheckpoint(from);
  console.log(
    `${samples.length} volume samples; 2-D held-out box Dice before ${quickValidate(model, heldOut).dice.toFixed(3)}`,
  );
  const t0 = Date.now();
  const result = await fineTune({
    model,
    samples,
    epochs,
    batchSize: 4,
    seed,
    learningRate: Number(arg('lr', '3e-4')),
    replay: { samples: replay, perBatch: 2 },
    maxClickRounds: Number(arg('click-rounds', '3')),
    onProgress: (p) => {
      if (p.step % 10 === 0 || p.step === p.totalSteps)
        console.log(
          `step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)} (${p.msPerImage.toFixed(0)} ms/img, ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
        );
    },
  });
  result.optimizer.dispose();
  console.log(`2-D held-out box Dice after ${quickValidate(model, heldOut).dice.toFixed(3)}`);
  const exported = await exportModel(model, out, {
    version: `volume-tuned-seed${seed}`,
    maskPrompt: true,
    training: {
      from: path.relative(repoRoot, from),
      seed,
      epochs,
      pastEnd,
      samples: samples.length,
    },
  });
  console.log(`exported ${path.relative(repoRoot, exported.files.manifest)}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
