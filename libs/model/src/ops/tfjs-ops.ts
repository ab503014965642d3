/**
 * Ops in TensorFlow.js, with the wasm-backend fixes from the notes:
 * - every matmul goes through `fastMatMul`, a 2-D matmul whose gradient transposes explicitly, so
 *   wasm's XNNPACK path (un-transposed, batch 1) runs forward and backward;
 * - attention over large token sets is computed per (batch, head) slice with 2-D matmuls; small
 *   windowed attention uses one batched matmul (its many tiny slices would cost more in overhead);
 *   on wasm with the training kernels, all batched matmuls (attention of every size, the mask
 *   decoder's) go through `fusedBatchedMatMul`: XNNPACK per slice inside one kernel.
 * - GELU and LayerNorm run as one fused kernel each way on wasm (wasm-training-kernels.ts).
 * No convolutions are used anywhere (wasm lacks Conv2DBackpropFilter).
 * Slices are reassembled with concat, never stack/unstack (unstack's gradient throws on size-1 axes).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dim, Ops } from './ops';
import {
  fusedBatchedMatMul,
  fusedBatchedMatMulActive,
  fusedGelu,
  fusedLayerNorm,
  fusedTrainingKernelsActive,
} from './wasm-training-kernels';

/** 2-D a [N, K] @ b [K, M] with an explicit-transpose gradient (wasm fast path both ways). */
export const fastMatMul = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [
        tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)),
        tf.matMul(tf.transpose(sa), dy as tf.Tensor2D),
      ];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/** Large score matrices (global attention) go per slice; many small ones (windows, prompt tokens) batched. */
const PER_SLICE_MIN_SCORES = 16384;
const PER_SLICE_MAX_SLICES = 64;

export class TfjsOps implements Ops<tf.Tensor> {
  constructor(private readonly lookup: (name: string) => tf.Tensor) {}

  param(name: string): tf.Tensor {
    return this.lookup(name);
  }
  constant(values: Float32Array, shape: number[]): tf.Tensor {
    return tf.tensor(values, shape, 'float32');
  }
  shape(x: tf.Tensor): Dim[] {
    return x.shape;
  }
  linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
    const inDim = x.shape[x.shape.length - 1] as number;
    const outDim = w.shape[1] as number;
    const lead = x.shape.slice(0, -1);
    let y: tf.Tensor = fastMatMul(x.reshape([-1, inDim]), w);
    if (b) y = tf.add(y, b);
    return y.reshape([...lead, outDim]);
  }
  matmul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    if (a.rank === 2) return fastMatMul(a, b);
    // One kernel for all slices (and their gradients) instead of slice/reshape/concat per slice.
    if (fusedBatchedMatMulActive()) return fusedBatchedMatMul(a, b);
    const batch = a.shape[0] as number;
    const [, n, k] = a.shape as number[];
    const m = b.shape[2] as number;
    const parts: tf.Tensor[] = [];
    for (let i = 0; i < batch; i++) {
      const ai = tf
        .slice(a, [i, 0, 0], [1, n as number, k as number])
        .reshape([n as number, k as number]);
      const bi = tf.slice(b, [i, 0, 0], [1, k as number, m]).reshape([k as number, m]);
      parts.push(fastMatMul(ai, bi).reshape([1, n as number, m]));
    }
    return parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, 0);
  }
  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.add(a, b);
  }
  sub(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.sub(a, b);
  }
  mul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.mul(a, b);
  }
  scale(x: tf.Tensor, factor: number): tf.Tensor {
    return tf.mul(x, tf.scalar(factor));
  }
  addScalar(x: tf.Tensor, value: number): tf.Tensor {
    return tf.add(x, tf.scalar(value));
  }
  reshape(x: tf.Tensor, shape: number[]): tf.Tensor {
    return tf.reshape(x, shape);
  }
  transpose(x: tf.Tensor, perm: number[]): tf.Tensor {
    return tf.transpose(x, perm);
  }
  layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
    if (fusedTrainingKernelsActive()) return fusedLayerNorm(x, gamma, beta, eps);
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(
      tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, tf.scalar(eps)))), gamma),
      beta,
    );
  }
  gelu(x: tf.Tensor): tf.Tensor {
    if (fusedTrainingKernelsActive()) return fusedGelu(x);
    return tf.mul(
      tf.mul(x, tf.scalar(0.5)),
      tf.add(tf.scalar(1), tf.erf(tf.mul(x, tf.scalar(Math.SQRT1_2)))),
    );
  }
  relu(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
  sigmoid(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }
  sin(x: tf.Tensor): tf.Tensor {
    return tf.sin(x);
  }
  cos(x: tf.Tensor): tf.Tensor {
    return tf.cos(x);
  }
  concat(xs: tf.Tensor[], axis: number): tf.Tensor {
    return xs.length === 1 ? (xs[0] as tf.Tensor) : tf.concat(xs, axis);
  }
  slice(x: tf.Tensor, axis: number, start: number, end: number): tf.Tensor {
    const a = axis < 0 ? x.rank + axis : axis;
    const begin = x.shape.map((_, i) => (i === a ? start : 0));
    const size = x.shape.map((d, i) => (i === a ? end - start : d));
    return tf.slice(x, begin, size);
  }
  attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, numHeads: number): tf.Tensor {
    const [b, nq, c] = q.shape as [number, number, number];
    const nk = k.shape[1] as number;
    const cv = v.shape[2] as number;
    const dh = c / numHeads;
    const dv = cv / numHeads;
    const scale = tf.scalar(1 / Math.sqrt(dh));
    // With the batched XNNPACK kernel every size takes one batched matmul (no per-slice ops).
    if (
      fusedBatchedMatMulActive() ||
      nq * nk < PER_SLICE_MIN_SCORES ||
      b * numHeads > PER_SLICE_MAX_SLICES
    ) {
      const split = (x: tf.Tensor, n: number, d: number) =>
        x
          .reshape([b, n, numHeads, d])
          .transpose([0, 2, 1, 3])
          .reshape([b * numHeads, n, d]);
      let out: tf.Tensor;
      if (fusedBatchedMatMulActive()) {
        // Keys pre-transposed to [b*h, dh, nk] so every slice takes XNNPACK's un-transposed path.
        const kt = k
          .reshape([b, nk, numHeads, dh])
          .transpose([0, 2, 3, 1])
          .reshape([b * numHeads, dh, nk]);
        const scores = fusedBatchedMatMul(split(q, nq, dh), kt).mul(scale);
        out = fusedBatchedMatMul(tf.softmax(scores), split(v, nk, dv));
      } else {
        const scores = tf.matMul(split(q, nq, dh), split(k, nk, dh), false, true).mul(scale);
        out = tf.matMul(tf.softmax(scores), split(v, nk, dv));
      }
      return out.reshape([b, numHeads, nq, dv]).transpose([0, 2, 1, 3]).reshape([b, nq, cv]);
    }
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < b; i++) {
      const qi = tf.slice(q, [i, 0, 0], [1, nq, c]).reshape([nq, c]);
      const ki = tf.slice(k, [i, 0, 0], [1, nk, c]).reshape([nk, c]);
      const vi = tf.slice(v, [i, 0, 0], [1, nk, cv]).reshape([nk, cv]);
      const heads: tf.Tensor[] = [];
      for (let h = 0; h < numHeads; h++) {
        const qh = tf.slice(qi, [0, h * dh], [nq, dh]);
        const kh = tf.slice(ki, [0, h * dh], [nk, dh]);
        const vh = tf.slice(vi, [0, h * dv], [nk, dv]);
        const p = tf.softmax(fastMatMul(qh, tf.transpose(kh)).mul(scale));
        heads.push(fastMatMul(p, vh));
      }
      rows.push(this.concat(heads, 1).reshape([1, nq, cv]));
    }
    return this.concat(rows, 0);
  }
  oneHot(labels: tf.Tensor, codes: number[]): tf.Tensor {
    return tf.equal(tf.expandDims(labels, -1), tf.tensor1d(codes, 'float32')).cast('float32');
  }
  prependTokens(x: tf.Tensor, tokens: tf.Tensor): tf.Tensor {
    const b = x.shape[0] as number;
    return tf.concat([tf.tile(tf.expandDims(tokens, 0), [b, 1, 1]), x], 1);
  }
}
