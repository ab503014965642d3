/** A gradient worker thread (gradient-workers.ts): a model replica on its own wasm backend. */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectTrainingBackend } from '../backend';
import { createSegmenter } from '../segmenter-model';
import type { SegmenterModel } from '../segmenter-model';
import { stepGradients } from './fine-tune';
import type { GradientWorkerReply, GradientWorkerRequest } from './gradient-workers';

let model: SegmenterModel | null = null;

function handle(message: GradientWorkerRequest): GradientWorkerReply {
  if (message.type === 'init') {
    model = createSegmenter(message.config, { seed: 1 });
    return { type: 'ready' };
  }
  if (!model) throw new Error('step before init');
  const all = model.variables;
  for (const [name, values] of Object.entries(message.weights)) {
    const v = all.get(name);
    if (!v) throw new Error(`unknown weight ${name}`);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }
  const variables = new Map(message.trainable.map((name) => [name, all.get(name) as tf.Variable]));
  const replica = model;
  return tf.tidy(() => {
    const { value, grads, parts } = stepGradients(
      replica,
      variables,
      message.input,
      message.settings,
    );
    const out: Record<string, Float32Array> = {};
    for (const [name, g] of Object.entries(grads)) out[name] = g.dataSync() as Float32Array;
    return {
      type: 'gradients' as const,
      loss: value.dataSync()[0] as number,
      parts,
      grads: out,
    };
  });
}

const port = parentPort;
if (!port) throw new Error('gradient-worker.ts runs as a worker thread');
const ready = selectTrainingBackend({ log: () => undefined });
port.on('message', (message: GradientWorkerRequest) => {
  ready
    .then(() => {
      const reply = handle(message);
      const transfer =
        reply.type === 'gradients'
          ? [...new Set(Object.values(reply.grads).map((g) => g.buffer as ArrayBuffer))]
          : [];
      port.postMessage(reply, transfer);
    })
    .catch((error: unknown) =>
      port.postMessage({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies GradientWorkerReply),
    );
});
