/**
 * Chooses the TensorFlow.js backend for training, in one place: tfjs-node-gpu (CUDA) when it is
 * installed and loads, else tfjs-node, else wasm (one thread unless LOUPE_WASM_THREADS says
 * more; see the notes for why cpu is not an option). The choice is logged once.
 */
import * as tf from '@tensorflow/tfjs';
import { setFusedTrainingKernels } from './ops/wasm-training-kernels';
import type { ModelConfig } from './config';
import { GradientWorkers } from './training/gradient-workers';
import { useThreadedWasm } from './wasm-threads';

export type TrainingBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm';

export interface TrainingBackend {
  name: TrainingBackendName;
  /** Why the faster options were not used, for the log. */
  notes: string[];
  /** wasm: XNNPACK threads (1 unless LOUPE_WASM_THREADS asks for more). */
  threads?: number;
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
  const wantThreads = wasmThreadsWanted();
  const threads = wantThreads > 1 ? await useThreadedWasm(wantThreads) : 1;
  if (wantThreads <= 1 && !(await tf.setBackend('wasm')))
    throw new Error(`no usable tfjs backend: wasm failed to initialise; ${notes.join('; ')}`);
  await tf.ready();
  setFusedTrainingKernels(true);
  log(
    `[model] training backend: wasm (${threads} thread${threads === 1 ? '' : 's'} in Node, fused training kernels); ${notes.join('; ')}`,
  );
  return { name: 'wasm', notes, threads };
}

/**
 * XNNPACK threads for the wasm backend: LOUPE_WASM_THREADS (default 1). Off by default: on this
 * shared 2-core machine under load the thread pool's per-op hand-offs cost more than they save
 * (bench:model's trainingThreads); bitwise the same results (wasm-threads.spec.ts).
 */
function wasmThreadsWanted(): number {
  const value = Number(process.env.LOUPE_WASM_THREADS ?? 1);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/** Idempotent: the first call selects and logs, later calls return the same choice. */
export function selectTrainingBackend(
  options: { log?: (line: string) => void } = {},
): Promise<TrainingBackend> {
  selected ??= select(options.log ?? ((line) => console.log(line)));
  return selected;
}

const workerPools = new Map<string, Promise<GradientWorkers | null>>();

/** A batch of 4 splits into at most 4 parts: more workers than 3 would sit idle. */
const MAX_TRAINING_WORKERS = 3;

/**
 * Extra gradient threads fineTune uses on wasm: LOUPE_TRAINING_WORKERS (0, the default, is this
 * thread alone), at most 3. Off by default: on this 2-core machine a worker computed the same
 * half batch at ~1.7x the main thread's CPU time, so the split step measured slower in wall time
 * (bench:model trainingDataParallelPaired, trainingSpeedupWall.dataParallel); results match the
 * single-thread step (gradient-workers.spec.ts).
 */
export function trainingWorkersWanted(): number {
  const raw = process.env.LOUPE_TRAINING_WORKERS;
  if (raw === undefined || raw.trim() === '') return 0;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 0 ? Math.min(MAX_TRAINING_WORKERS, value) : 0;
}

/**
 * Gradient worker threads for fineTune's data-parallel steps on wasm (training/gradient-workers.ts),
 * `trainingWorkersWanted()` of them. One pool per config, kept for the process (the workers do
 * not keep it alive). Null when there are none to use (one core, LOUPE_TRAINING_WORKERS=0, or a
 * native backend, which uses every core itself).
 */
export function trainingGradientWorkers(config: ModelConfig): Promise<GradientWorkers | null> {
  const size = trainingWorkersWanted();
  if (size < 1 || tf.getBackend() !== 'wasm') return Promise.resolve(null);
  const key = `${config.name}:${JSON.stringify(config)}:${size}`;
  let pool = workerPools.get(key);
  if (!pool) {
    pool = GradientWorkers.start(config, size);
    workerPools.set(key, pool);
  }
  return pool;
}
