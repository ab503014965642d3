/**
 * Data-parallel training steps: worker threads, each holding a replica of the model, compute the
 * gradients of a part of every batch while the main thread computes its own part; fineTune adds
 * the parts (each loss is normalised by the whole batch's weight, so the sum is the whole batch's
 * mean) and applies one AdamW step on the main thread. The replica gets every weight before each
 * step, so it never drifts. tfjs-wasm runs one thread per process, and its thread pool hands off
 * every op (see wasm-threads.ts); a worker per core hands off once per step.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../config';
import type { StepInput, StepSettings } from './fine-tune';

export interface PartGradients {
  loss: number;
  parts: { dice: number; bce: number; iou: number };
  /** By parameter name, as the model's trainable variables. */
  grads: Record<string, Float32Array>;
}

export type GradientWorkerRequest =
  | { type: 'init'; config: ModelConfig }
  | {
      type: 'step';
      input: StepInput;
      settings: StepSettings;
      weights: Record<string, Float32Array>;
      trainable: string[];
    };

export type GradientWorkerReply =
  { type: 'ready' } | ({ type: 'gradients' } & PartGradients) | { type: 'error'; message: string };

/**
 * The worker runs TypeScript whichever runner started this process (tsx, vitest): it imports
 * its module through tsx's tsImport (Node 20's --import hooks do not reach worker threads).
 */
function startWorkerThread(): Worker {
  // tsx/esm/api's ESM entry, from tsx's own exports map (require.resolve gives its CJS one).
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(packageJson, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entryPath = exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  const tsxApi = pathToFileURL(path.join(path.dirname(packageJson), entryPath)).href;
  const entry = new URL('./gradient-worker.ts', import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`,
    { eval: true },
  );
}

class GradientWorker {
  private pending: {
    resolve: (reply: GradientWorkerReply) => void;
    reject: (error: Error) => void;
  } | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: GradientWorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`gradient worker exited (${code})`)));
    worker.unref();
  }

  private settle(reply: GradientWorkerReply): void {
    const pending = this.pending;
    this.pending = null;
    this.worker.unref();
    if (!pending) return;
    if (reply.type === 'error') pending.reject(new Error(`gradient worker: ${reply.message}`));
    else pending.resolve(reply);
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }

  /** One request at a time; the worker keeps the process alive only while it is busy. */
  request(
    message: GradientWorkerRequest,
    transfer: ArrayBuffer[] = [],
  ): Promise<GradientWorkerReply> {
    if (this.pending) throw new Error('gradient worker busy');
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.ref();
      this.worker.postMessage(message, transfer);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export class GradientWorkers {
  private constructor(private readonly workers: GradientWorker[]) {}

  /** Starts `size` workers (default 1: with the main thread, two cores) for models of `config`. */
  static async start(config: ModelConfig, size = 1): Promise<GradientWorkers> {
    const workers = Array.from({ length: size }, () => new GradientWorker(startWorkerThread()));
    const pool = new GradientWorkers(workers);
    try {
      await Promise.all(workers.map((w) => w.request({ type: 'init', config })));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** The gradients of each part (at most one per worker), from these weights. */
  async gradients(
    parts: StepInput[],
    settings: StepSettings,
    weights: Record<string, Float32Array>,
    trainable: string[],
  ): Promise<PartGradients[]> {
    if (parts.length > this.workers.length)
      throw new Error(`${parts.length} parts for ${this.workers.length} gradient workers`);
    const replies = await Promise.all(
      parts.map((input, i) =>
        (this.workers[i] as GradientWorker).request({
          type: 'step',
          input,
          settings,
          weights,
          trainable,
        }),
      ),
    );
    return replies.map((reply) => {
      if (reply.type !== 'gradients') throw new Error(`gradient worker replied ${reply.type}`);
      return { loss: reply.loss, parts: reply.parts, grads: reply.grads };
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
