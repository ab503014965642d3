/**
 * AdamW over named variables, with its state exposed as plain tensors so checkpoints can carry it
 * (tf.train.adam hides its slots behind generated names).
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from '../checkpoint/safetensors';
import { fusedAdamW, fusedTrainingKernelsActive } from '../ops/wasm-training-kernels';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
}

export interface AdamState {
  step: number;
  options: Required<AdamOptions>;
  /** name -> first/second moment. */
  moments: Map<string, { m: NamedTensor; v: NamedTensor }>;
}

export class AdamW {
  readonly options: Required<AdamOptions>;
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(options: AdamOptions) {
    this.options = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, ...options };
  }

  /**
   * Applies one update; `learningRate` overrides the configured rate (schedules). `rateScale`
   * multiplies it per variable (e.g. a slower image encoder); absent names keep the full rate.
   */
  apply(
    variables: Map<string, tf.Variable>,
    grads: Record<string, tf.Tensor>,
    learningRate = this.options.learningRate,
    rateScale?: ReadonlyMap<string, number>,
  ): void {
    this.step += 1;
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    for (const [name, variable] of variables) {
      const g = grads[name];
      if (!g) continue;
      let m = this.m.get(name);
      let v = this.v.get(name);
      if (!m || !v) {
        // tidy: the zeros a variable starts from would otherwise stay allocated beside it.
        m = tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
        v = tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
        this.m.set(name, m);
        this.v.set(name, v);
      }
      const mm = m;
      const vv = v;
      const rate = learningRate * (rateScale?.get(name) ?? 1);
      // Decoupled weight decay on matrices only (not norms, biases, embeddings' 1-D rows).
      const decayRate = variable.rank >= 2 && weightDecay > 0 ? weightDecay : 0;
      tf.tidy(() => {
        if (fusedTrainingKernelsActive()) {
          const [weight, mNew, vNew] = fusedAdamW(
            { param: variable, grad: g, m: mm, v: vv },
            { beta1, beta2, c1, c2, epsilon, weightDecay: decayRate, rate },
          );
          variable.assign(weight);
          mm.assign(mNew);
          vv.assign(vNew);
          return;
        }
        const mNew = tf.add(tf.mul(mm, beta1), tf.mul(g, 1 - beta1));
        const vNew = tf.add(tf.mul(vv, beta2), tf.mul(tf.square(g), 1 - beta2));
        const update = tf.div(tf.div(mNew, c1), tf.add(tf.sqrt(tf.div(vNew, c2)), epsilon));
        const decay = decayRate > 0 ? tf.mul(variable, decayRate) : tf.zerosLike(variable);
        variable.assign(tf.sub(variable, tf.mul(tf.add(update, decay), rate)));
        mm.assign(mNew);
        vv.assign(vNew);
      });
    }
  }

  getState(): AdamState {
    const moments = new Map<string, { m: NamedTensor; v: NamedTensor }>();
    for (const [name, m] of this.m) {
      const v = this.v.get(name) as tf.Variable;
      moments.set(name, {
        m: { data: m.dataSync() as Float32Array, shape: m.shape },
        v: { data: v.dataSync() as Float32Array, shape: v.shape },
      });
    }
    return { step: this.step, options: { ...this.options }, moments };
  }

  setState(state: AdamState): void {
    this.dispose();
    this.step = state.step;
    Object.assign(this.options, state.options);
    for (const [name, { m, v }] of state.moments) {
      this.m.set(name, tf.variable(tf.tensor(m.data, m.shape), false));
      this.v.set(name, tf.variable(tf.tensor(v.data, v.shape), false));
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
