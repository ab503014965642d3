import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { BASE_CONFIG } from './config';
import { generateSyntheticFaDataset } from './data/synthetic-fa';
import { setFusedTrainingKernels } from './ops/wasm-training-kernels';
import { createSegmenter } from './segmenter-model';
import { fineTune } from './training/fine-tune';
import { useThreadedWasm } from './wasm-threads';

/** Two batch-4 steps with click rounds; the losses and every trained weight afterwards. */
async function twoSteps(): Promise<{ losses: number[]; weights: Float32Array[] }> {
  setFusedTrainingKernels(true);
  const data = generateSyntheticFaDataset({ count: 2, size: 256, seed: 5 });
  const samples = data.flatMap((d) =>
    d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
  );
  const model = createSegmenter(BASE_CONFIG, { seed: 1 });
  const result = await fineTune({ model, samples: samples.slice(0, 8), epochs: 1, batchSize: 4 });
  const weights = [...model.trainableVariables(new Set()).values()].map(
    (v) => v.dataSync() as Float32Array,
  );
  result.optimizer.dispose();
  model.dispose();
  return { losses: result.lossHistory, weights };
}

describe('threaded wasm backend in Node', () => {
  it('runs XNNPACK on 2 threads and trains exactly as the 1-thread build', async () => {
    await tf.setBackend('wasm');
    const single = await twoSteps();
    expect(await useThreadedWasm(2)).toBe(2);
    expect(tf.getBackend()).toBe('wasm');
    const threaded = await twoSteps();
    expect(threaded.losses).toHaveLength(2);
    // XNNPACK splits work over output tiles, never over a sum, so results are bitwise equal.
    expect(threaded.losses).toEqual(single.losses);
    threaded.weights.forEach((w, i) => expect(w).toEqual(single.weights[i]));
  }, 600_000);
});
