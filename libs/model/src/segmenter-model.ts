/**
 * A trainable segmenter in TensorFlow.js: the network description (SamSegmenter) plus one
 * tf.Variable per parameter. Variable names are prefixed with a per-instance id because tfjs
 * variable names are global (a second model with the same names would throw).
 */
import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema, type ModelConfig } from './config';
import type { ParamGroup, ParamSpec } from './modeling/param-spec';
import { SamSegmenter } from './modeling/sam-segmenter';
import { createRng } from './ops/seeded-random';
import { TfjsOps } from './ops/tfjs-ops';

let instanceCounter = 0;

export class SegmenterModel {
  readonly network: SamSegmenter;
  readonly specs: ParamSpec[];
  readonly variables = new Map<string, tf.Variable>();
  readonly ops: TfjsOps;
  readonly id: string;
  private disposed = false;

  /**
   * `initial` gives each parameter's values; `earlier(name)` reads a parameter created before it
   * (for `copyOf` inits).
   */
  constructor(
    readonly config: ModelConfig,
    initial: (spec: ParamSpec, earlier: (name: string) => Float32Array) => Float32Array,
  ) {
    this.network = new SamSegmenter(config);
    this.specs = this.network.paramSpecs();
    this.id = `segmenter${instanceCounter++}`;
    const earlier = (name: string) => {
      const v = this.variables.get(name);
      if (!v) throw new Error(`parameter ${name} is not created yet`);
      return v.dataSync() as Float32Array;
    };
    for (const spec of this.specs) {
      const data = initial(spec, earlier);
      const size = spec.shape.reduce((a, b) => a * b, 1);
      if (data.length !== size)
        throw new Error(
          `parameter ${spec.name}: ${data.length} values for shape [${spec.shape.join(', ')}]`,
        );
      this.variables.set(
        spec.name,
        tf.variable(
          tf.tensor(data, spec.shape, 'float32'),
          spec.trainable,
          `${this.id}/${spec.name}`,
        ),
      );
    }
    this.ops = new TfjsOps((name) => {
      const v = this.variables.get(name);
      if (!v) throw new Error(`unknown parameter ${name}`);
      return v;
    });
  }

  /** Trainable variables, optionally without the frozen groups. */
  trainableVariables(frozen: ReadonlySet<ParamGroup> = new Set()): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const spec of this.specs)
      if (spec.trainable && !frozen.has(spec.group))
        out.set(spec.name, this.variables.get(spec.name) as tf.Variable);
    return out;
  }

  parameterCount(): number {
    return this.specs
      .filter((s) => s.trainable)
      .reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Synchronous copy of one weight (export, checkpoints). */
  weight(name: string): { data: Float32Array; shape: number[] } {
    const v = this.variables.get(name);
    if (!v) throw new Error(`unknown parameter ${name}`);
    return { data: v.dataSync() as Float32Array, shape: v.shape };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

export function initialValue(
  spec: ParamSpec,
  rng: ReturnType<typeof createRng>,
  earlier: (name: string) => Float32Array,
): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  switch (spec.init.kind) {
    case 'copyOf':
      out.set(earlier(spec.init.name));
      break;
    case 'zeros':
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'normal':
      for (let i = 0; i < size; i++) out[i] = rng.normal() * spec.init.std;
      break;
    case 'lecun': {
      const std = 1 / Math.sqrt(spec.shape[0] as number);
      for (let i = 0; i < size; i++) out[i] = rng.normal() * std;
      break;
    }
  }
  return out;
}

/** A freshly initialised segmenter; the same seed gives the same weights. */
export function createSegmenter(
  config: ModelConfig,
  options: { seed?: number } = {},
): SegmenterModel {
  const parsed = modelConfigSchema.parse(config);
  const rng = createRng(options.seed ?? 1);
  return new SegmenterModel(parsed, (spec, earlier) => initialValue(spec, rng, earlier));
}
