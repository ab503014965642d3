/** Building blocks shared by the components, written once against Ops. */
import type { Ops } from '../ops/ops';
import { linearSpecs, type ParamGroup, type ParamSpec } from './param-spec';

export function linear<T>(ops: Ops<T>, name: string, x: T, bias = true): T {
  return bias
    ? ops.linear(x, ops.param(`${name}.w`), ops.param(`${name}.b`))
    : ops.linear(x, ops.param(`${name}.w`));
}

export function layerNorm<T>(ops: Ops<T>, name: string, x: T, eps: number): T {
  return ops.layerNorm(x, ops.param(`${name}.g`), ops.param(`${name}.b`), eps);
}

/** MLP with `dims.length - 1` linears and `act` between them (none after the last). */
export function mlpSpecs(name: string, dims: number[], group: ParamGroup): ParamSpec[] {
  const specs: ParamSpec[] = [];
  for (let i = 0; i + 1 < dims.length; i++)
    specs.push(...linearSpecs(`${name}.${i}`, dims[i] as number, dims[i + 1] as number, group));
  return specs;
}

export function mlp<T>(ops: Ops<T>, name: string, x: T, layers: number, act: 'relu' | 'gelu'): T {
  let h = x;
  for (let i = 0; i < layers; i++) {
    h = linear(ops, `${name}.${i}`, h);
    if (i + 1 < layers) h = act === 'relu' ? ops.relu(h) : ops.gelu(h);
  }
  return h;
}

/** Attention with separate q/k/v/out projections (SAM's `Attention`), internal dim = dim / downsample. */
export function attentionSpecs(
  name: string,
  dim: number,
  internalDim: number,
  group: ParamGroup,
): ParamSpec[] {
  return [
    ...linearSpecs(`${name}.q`, dim, internalDim, group),
    ...linearSpecs(`${name}.k`, dim, internalDim, group),
    ...linearSpecs(`${name}.v`, dim, internalDim, group),
    ...linearSpecs(`${name}.out`, internalDim, dim, group),
  ];
}

export function attention<T>(ops: Ops<T>, name: string, q: T, k: T, v: T, heads: number): T {
  const out = ops.attention(
    linear(ops, `${name}.q`, q),
    linear(ops, `${name}.k`, k),
    linear(ops, `${name}.v`, v),
    heads,
  );
  return linear(ops, `${name}.out`, out);
}

/** Number from a static axis; throws if it is dynamic (only num_points may be). */
export function staticDim<T>(ops: Ops<T>, x: T, axis: number): number {
  const d = ops.shape(x)[axis];
  if (typeof d !== 'number')
    throw new Error(`axis ${axis} must be static here, shape is [${ops.shape(x).join(', ')}]`);
  return d;
}

/** Tokens [B, H*W, C] -> NCHW [B, C, H, W]. */
export function tokensToNchw<T>(ops: Ops<T>, x: T, h: number, w: number): T {
  const b = staticDim(ops, x, 0);
  const c = staticDim(ops, x, 2);
  return ops.transpose(ops.reshape(x, [b, h, w, c]), [0, 3, 1, 2]);
}

/** NCHW [B, C, H, W] -> tokens [B, H*W, C]. */
export function nchwToTokens<T>(ops: Ops<T>, x: T): T {
  const [b, c, h, w] = [0, 1, 2, 3].map((a) => staticDim(ops, x, a)) as [
    number,
    number,
    number,
    number,
  ];
  return ops.reshape(ops.transpose(x, [0, 2, 3, 1]), [b, h * w, c]);
}

/** 2x2 stride-2 transposed conv as linear + pixel shuffle: [B, H*W, C] -> [B, 2H*2W, outDim]. */
export function upsample2x<T>(
  ops: Ops<T>,
  name: string,
  x: T,
  h: number,
  w: number,
  outDim: number,
): T {
  const b = staticDim(ops, x, 0);
  const y = linear(ops, name, x); // [B, H*W, 4*out], channel order (dy, dx, c)
  const grid = ops.reshape(y, [b, h, w, 2, 2, outDim]);
  return ops.reshape(ops.transpose(grid, [0, 1, 3, 2, 4, 5]), [b, 4 * h * w, outDim]);
}
