import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTrainingBackend } from '../test-setup';
import { createSegmenter } from '../segmenter-model';
import { TINY_CONFIG } from '../config';
import { AdamW } from '../training/adam';
import { TfjsOps } from './tfjs-ops';
import {
  erf,
  fusedBatchedMatMul,
  fusedTrainingKernelsActive,
  setFusedTrainingKernels,
} from './wasm-training-kernels';

const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);

const ops = new TfjsOps(() => {
  throw new Error('no params');
});

/** Values and input gradients of f with the fused kernels and with the composite ops. */
function bothWays(f: (xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], w: tf.Tensor) {
  const run = (fused: boolean) => {
    setFusedTrainingKernels(fused);
    expect(fusedTrainingKernelsActive()).toBe(fused);
    const value = f(xs);
    const grads = tf.grads((...inputs: tf.Tensor[]) => tf.sum(tf.mul(f(inputs), w)))(xs);
    return { value, grads };
  };
  return { fused: run(true), composite: run(false) };
}

describe('wasm training kernels', () => {
  beforeAll(useTrainingBackend);
  afterEach(() => setFusedTrainingKernels(true));

  it('erf matches known values to float32 precision', () => {
    for (const [x, want] of [
      [0, 0],
      [0.5, 0.5204998778],
      [1, 0.8427007929],
      [-2, -0.995322265],
      [3.5, 0.9999992569],
    ] as const)
      expect(Math.abs(erf(x) - want)).toBeLessThan(2e-7);
  });

  it('fused GELU equals the composite GELU (values and gradients)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([3, 50, 7], 0, 2, 'float32', 1);
      const w = tf.randomNormal([3, 50, 7], 0, 1, 'float32', 2);
      const { fused, composite } = bothWays(([a]) => ops.gelu(a as tf.Tensor), [x], w);
      expect(maxDiff(fused.value, composite.value)).toBeLessThan(2e-6);
      expect(maxDiff(fused.grads[0] as tf.Tensor, composite.grads[0] as tf.Tensor)).toBeLessThan(
        2e-6,
      );
    });
  });

  it('fused LayerNorm equals the composite LayerNorm (values and gradients of x, gamma, beta)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 33, 24], 0.5, 3, 'float32', 3);
      const gamma = tf.randomNormal([24], 1, 0.3, 'float32', 4);
      const beta = tf.randomNormal([24], 0, 0.3, 'float32', 5);
      const w = tf.randomNormal([2, 33, 24], 0, 1, 'float32', 6);
      const { fused, composite } = bothWays(
        ([a, g, b]) => ops.layerNorm(a as tf.Tensor, g as tf.Tensor, b as tf.Tensor, 1e-6),
        [x, gamma, beta],
        w,
      );
      expect(maxDiff(fused.value, composite.value)).toBeLessThan(1e-5);
      for (let i = 0; i < 3; i++)
        expect(maxDiff(fused.grads[i] as tf.Tensor, composite.grads[i] as tf.Tensor)).toBeLessThan(
          1e-4,
        );
    });
  });

  it('the batched XNNPACK matmul equals tf.matMul (values and gradients of both inputs)', () => {
    tf.tidy(() => {
      const a = tf.randomNormal([7, 13, 5], 0, 1, 'float32', 40);
      const b = tf.randomNormal([7, 5, 9], 0, 1, 'float32', 41);
      const w = tf.randomNormal([7, 13, 9], 0, 1, 'float32', 42);
      const loss =
        (mm: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(tf.mul(mm(x, y), w));
      const fusedValue = fusedBatchedMatMul(a, b);
      const plainValue = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D);
      expect(fusedValue.shape).toEqual([7, 13, 9]);
      expect(maxDiff(fusedValue, plainValue)).toBeLessThan(1e-5);
      const fusedGrads = tf.grads(loss(fusedBatchedMatMul))([a, b]);
      const plainGrads = tf.grads(loss((x, y) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D)))([
        a,
        b,
      ]);
      for (let i = 0; i < 2; i++)
        expect(maxDiff(fusedGrads[i] as tf.Tensor, plainGrads[i] as tf.Tensor)).toBeLessThan(1e-5);
    });
  });

  it('windowed (batched) attention matches the composite path (values and q, k, v gradients)', () => {
    tf.tidy(() => {
      // 6 windows x 2 heads of 16 tokens: the batched branch of TfjsOps.attention.
      const q = tf.randomNormal([6, 16, 8], 0, 1, 'float32', 50);
      const k = tf.randomNormal([6, 16, 8], 0, 1, 'float32', 51);
      const v = tf.randomNormal([6, 16, 8], 0, 1, 'float32', 52);
      const w = tf.randomNormal([6, 16, 8], 0, 1, 'float32', 53);
      const { fused, composite } = bothWays(
        ([a, b, c]) => ops.attention(a as tf.Tensor, b as tf.Tensor, c as tf.Tensor, 2),
        [q, k, v],
        w,
      );
      expect(maxDiff(fused.value, composite.value)).toBeLessThan(1e-5);
      for (let i = 0; i < 3; i++)
        expect(maxDiff(fused.grads[i] as tf.Tensor, composite.grads[i] as tf.Tensor)).toBeLessThan(
          1e-5,
        );
    });
  });

  it('fused AdamW gives the same weights and moments as the composite update', () => {
    const run = (fused: boolean) => {
      setFusedTrainingKernels(fused);
      const w = tf.tidy(() =>
        tf.variable(tf.randomNormal([6, 5], 0, 1, 'float32', 11), true, `adamw-w-${fused}`),
      );
      const b = tf.tidy(() =>
        tf.variable(tf.randomNormal([5], 0, 1, 'float32', 12), true, `adamw-b-${fused}`),
      );
      const variables = new Map([
        ['w', w],
        ['b', b],
      ]);
      const adam = new AdamW({ learningRate: 0.01, weightDecay: 0.1 });
      for (let step = 0; step < 3; step++)
        tf.tidy(() =>
          adam.apply(
            variables,
            {
              w: tf.randomNormal([6, 5], 0, 1, 'float32', 20 + step),
              b: tf.randomNormal([5], 0, 1, 'float32', 30 + step),
            },
            0.01 * (step + 1),
            new Map([['b', 0.5]]),
          ),
        );
      const state = adam.getState();
      const out = {
        w: w.dataSync() as Float32Array,
        b: b.dataSync() as Float32Array,
        m: state.moments.get('w')?.m.data as Float32Array,
        v: state.moments.get('b')?.v.data as Float32Array,
      };
      adam.dispose();
      w.dispose();
      b.dispose();
      return out;
    };
    const before = tf.memory().numTensors;
    const fused = run(true);
    const composite = run(false);
    expect(tf.memory().numTensors).toBe(before);
    for (const key of ['w', 'b', 'm', 'v'] as const) {
      const a = fused[key];
      const c = composite[key];
      expect(a.length).toBe(c.length);
      for (let i = 0; i < c.length; i++)
        expect(Math.abs((a[i] as number) - (c[i] as number))).toBeLessThan(1e-6);
    }
  });

  it('a whole segmenter loss and its gradients match the composite path, without leaking tensors', () => {
    const model = createSegmenter(TINY_CONFIG, { seed: 7 });
    const s = TINY_CONFIG.inputSize;
    const run = (fused: boolean) => {
      setFusedTrainingKernels(fused);
      return tf.tidy(() => {
        const image = tf.randomNormal([2, 1, s, s], 0, 1, 'float32', 8);
        const { value, grads } = tf.variableGrads(() => {
          const enc = model.network.encodeImage(model.ops, image);
          const out = model.network.decode(
            model.ops,
            enc.imageEmbedding,
            enc.highResFeatures,
            tf.tensor3d([4, 4, 20, 24, 10, 8, 30, 30], [2, 2, 2]),
            tf.tensor2d([2, 3, 2, 3], [2, 2]),
          );
          return tf.add(tf.mean(tf.square(out.masks)), tf.mean(out.iouPredictions)) as tf.Scalar;
        }, [...model.trainableVariables().values()]);
        return {
          loss: value.dataSync()[0] as number,
          grads: Object.fromEntries(
            Object.entries(grads).map(([k, g]) => [k, g.dataSync() as Float32Array]),
          ),
        };
      });
    };
    const before = tf.memory().numTensors;
    const fused = run(true);
    expect(tf.memory().numTensors).toBe(before);
    const composite = run(false);
    model.dispose();
    expect(Math.abs(fused.loss - composite.loss)).toBeLessThan(
      1e-5 * Math.abs(composite.loss) + 1e-7,
    );
    const names = Object.keys(composite.grads);
    expect(Object.keys(fused.grads).sort()).toEqual([...names].sort());
    // Relative to each gradient's own size, floored at 1 % of the largest one: the attention key
    // biases' gradients are exactly zero in theory (softmax ignores them), float noise in practice.
    const largest = (g: Float32Array) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const overall = Math.max(...names.map((n) => largest(composite.grads[n] as Float32Array)));
    let worst = 0;
    for (const name of names) {
      const a = fused.grads[name] as Float32Array;
      const b = composite.grads[name] as Float32Array;
      const scale = Math.max(largest(b), 0.01 * overall);
      for (let i = 0; i < b.length; i++)
        worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / scale);
    }
    expect(worst).toBeLessThan(1e-4);
  });
});
