/**
 * Chooses the TensorFlow.js backend for training, in one place: tfjs-node-gpu (CUDA) when it is
 * installed and loads, else tfjs-node, else wasm (single-threaded in Node; see the notes for why
 * cpu is not an option). The choice is logged once.
 */
import * as tf from '@tensorflow/tfjs';
import { setFusedTrainingKernels } from './ops/wasm-training-kernels';

export type TrainingBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm';

export interface TrainingBackend {
  name: TrainingBackendName;
  /** Why the faster options were not used, for the log. */
  notes: string[];
}

let selected: Promise<TrainingBackend> | null = null;

async function tryNative(pkg: string): Promise<string | null> {
  try {
    await import(/* @vite-ignore */ pkg);
    return tf.findBackend('tensorflow')
      ? null
      : `${pkg} loaded but registered no 'tensorflow' backend`;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `${pkg} unavailable (${message})`;
  }
}

async function select(log: (line: string) => void): Promise<TrainingBackend> {
  const notes: string[] = [];
  for (const [pkg, name] of [
    ['@tensorflow/tfjs-node-gpu', 'tensorflow-gpu'],
    ['@tensorflow/tfjs-node', 'tensorflow'],
  ] as const) {
    const problem = await tryNative(pkg);
    if (problem === null && (await tf.setBackend('tensorflow'))) {
      log(`[model] training backend: ${name} (${pkg})`);
      return { name, notes };
    }
    if (problem) notes.push(problem);
  }
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm')))
    throw new Error(`no usable tfjs backend: wasm failed to initialise; ${notes.join('; ')}`);
  await tf.ready();
  setFusedTrainingKernels(true);
  log(
    `[model] training backend: wasm (1 thread in Node, fused training kernels); ${notes.join('; ')}`,
  );
  return { name: 'wasm', notes };
}

/** Idempotent: the first call selects and logs, later calls return the same choice. */
export function selectTrainingBackend(
  options: { log?: (line: string) => void } = {},
): Promise<TrainingBackend> {
  selected ??= select(options.log ?? ((line) => console.log(line)));
  return selected;
}
