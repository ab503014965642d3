/**
 * Fine-tuning throughput (ms per image per training step) on the tfjs backend the trainer would
 * pick here (selectTrainingBackend: tfjs-node-gpu, else tfjs-node, else wasm), for a full-model
 * step and a decoder-only step (frozen image and prompt encoders), for the network the model
 * directory's manifest describes (fresh weights: the step's cost does not depend on them), on
 * synthetic FA images.
 */
import { MODEL_FILES, modelConfigSchema, parseManifest } from '@loupe/model';
import {
  createSegmenter,
  fineTune,
  generateSyntheticFaDataset,
  selectTrainingBackend,
} from '@loupe/model/node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TrainingThroughput {
  backend: string;
  config: string;
  /** Why faster backends were not used (e.g. tfjs-node-gpu not installed). */
  backendNotes: string[];
  batchSize: number;
  steps: number;
  /** Median ms per image over the steps after the first (which pays kernel set-up). */
  fullMsPerImage: number;
  decoderOnlyMsPerImage: number;
  /** 200 masks x 4 epochs at the full-model rate, seconds (the fine-tuning round). */
  roundSeconds200x4: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.floor((sorted.length - 1) / 2)] as number) : Number.NaN;
}

export async function measureTrainingThroughput(options: {
  modelDir: string;
  steps: number;
  batchSize?: number;
}): Promise<TrainingThroughput> {
  const backend = await selectTrainingBackend({ log: () => undefined });
  const batchSize = options.batchSize ?? 4;
  // One image per step's sample: steps x batch samples give `steps` steps in one epoch.
  const images = generateSyntheticFaDataset({
    count: Math.ceil((options.steps * batchSize) / 2) + 1,
    size: 256,
    seed: 5150,
  });
  const samples = images
    .flatMap((d) =>
      d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
    )
    .slice(0, options.steps * batchSize);
  if (samples.length < options.steps * batchSize)
    throw new Error(`only ${samples.length} lesions for ${options.steps} steps of ${batchSize}`);
  const manifest = parseManifest(
    JSON.parse(await readFile(join(options.modelDir, MODEL_FILES.manifest), 'utf8')),
  );
  const config = modelConfigSchema.parse(manifest.config);
  const run = async (freeze: boolean): Promise<number> => {
    const model = createSegmenter(config, { seed: 1 });
    const msPerImage: number[] = [];
    try {
      const result = await fineTune({
        model,
        samples,
        epochs: 1,
        batchSize,
        seed: 3,
        ...(freeze ? { freeze: { imageEncoder: true, promptEncoder: true } } : {}),
        onProgress: (p) => msPerImage.push(p.msPerImage),
      });
      result.optimizer.dispose();
    } finally {
      model.dispose();
    }
    return median(msPerImage.slice(1).length ? msPerImage.slice(1) : msPerImage);
  };
  const fullMsPerImage = await run(false);
  const decoderOnlyMsPerImage = await run(true);
  return {
    backend: backend.name,
    config: config.name,
    backendNotes: backend.notes,
    batchSize,
    steps: options.steps,
    fullMsPerImage,
    decoderOnlyMsPerImage,
    roundSeconds200x4: (fullMsPerImage * 800) / 1000,
  };
}
