import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTrainingBackend } from '../test-setup';
import { fastMatMul, TfjsOps } from './tfjs-ops';

const close = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);

describe('TfjsOps (wasm fixes)', () => {
  beforeAll(useTrainingBackend);

  it('fastMatMul gradients equal plain matMul gradients', () => {
    tf.tidy(() => {
      const a = tf.randomNormal([5, 7], 0, 1, 'float32', 1);
      const b = tf.randomNormal([7, 3], 0, 1, 'float32', 2);
      const w = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
      const f = (mm: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) =>
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x, y), w)));
      const [ga, gb] = f(fastMatMul)([a, b]) as [tf.Tensor, tf.Tensor];
      const [ra, rb] = f((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D))([a, b]) as [
        tf.Tensor,
        tf.Tensor,
      ];
      expect(close(ga, ra)).toBeLessThan(1e-5);
      expect(close(gb, rb)).toBeLessThan(1e-5);
    });
  });

  it('per-slice and batched attention agree (values and gradients)', () => {
    const ops = new TfjsOps(() => {
      throw new Error('no params');
    });
    tf.tidy(() => {
      // 130 x 130 scores takes the per-slice path; the reference is plain batched attention.
      const q = tf.randomNormal([2, 130, 8], 0, 1, 'float32', 4);
      const k = tf.randomNormal([2, 130, 8], 0, 1, 'float32', 5);
      const v = tf.randomNormal([2, 130, 8], 0, 1, 'float32', 6);
      const reference = (qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => {
        const split = (x: tf.Tensor) => x.reshape([2, 130, 2, 4]).transpose([0, 2, 1, 3]);
        const p = tf.softmax(tf.matMul(split(qq), split(kk), false, true).mul(0.5));
        return tf.matMul(p, split(vv)).transpose([0, 2, 1, 3]).reshape([2, 130, 8]);
      };
      expect(close(ops.attention(q, k, v, 2), reference(q, k, v))).toBeLessThan(1e-5);
      const g1 = tf.grad((x: tf.Tensor) => tf.sum(tf.square(ops.attention(x, k, v, 2))))(q);
      const g2 = tf.grad((x: tf.Tensor) => tf.sum(tf.square(reference(x, k, v))))(q);
      expect(close(g1, g2)).toBeLessThan(1e-4);
    });
  });

  it('layerNorm normalises the last axis; gelu matches its erf definition', () => {
    const ops = new TfjsOps(() => tf.scalar(0));
    tf.tidy(() => {
      const x = tf.randomNormal([3, 16], 2, 3, 'float32', 9);
      const y = ops.layerNorm(x, tf.ones([16]), tf.zeros([16]), 1e-6);
      const { mean, variance } = tf.moments(y, -1);
      expect(tf.max(tf.abs(mean)).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(variance, 1))).dataSync()[0]).toBeLessThan(1e-3);
      expect(ops.gelu(tf.tensor1d([0, 1, -1])).arraySync()).toEqual([
        0,
        expect.closeTo(0.841345, 5),
        expect.closeTo(-0.158655, 5),
      ]);
    });
  });
});
