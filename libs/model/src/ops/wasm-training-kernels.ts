/**
 * Training kernels for the tfjs wasm backend, written in JavaScript over the wasm heap (the
 * backend's own memory, so no copies in or out). A profile of one batch-4 training step on wasm
 * (bench:model) found most of the time outside the matmuls: GELU and LayerNorm each run as 5-10
 * element-wise kernels forward and twice that backward (wasm's Erf alone costs ~30 ns per value),
 * and the engine copies every tensor it saves for the backward pass (wasm's Identity copies).
 * Here:
 * - `LoupeGelu` / `LoupeGeluGrad`: exact (erf) GELU and its derivative in one pass each, from
 *   tabulated normal CDF/density (to ~1e-7, float32 precision);
 * - `LoupeLayerNorm` / `LoupeLayerNormGrad`: LayerNorm over the last axis, one pass forward and
 *   one backward giving dx, dgamma and dbeta;
 * - `LoupeAdamW`: one AdamW update (weight, m, v) per weight in one pass instead of ~15 kernels;
 * - Identity shares the input's data (as the cpu backend's does) instead of copying it: tensors
 *   are immutable and no kernel writes into its inputs, so the saved copy was never needed.
 * Same maths as the composite ops (within float32 rounding; fused-kernels.spec.ts checks values
 * and gradients). Enabled by default once wasm is the training backend; the composite ops stay
 * for the other backends and for side-by-side measurement (`setFusedTrainingKernels(false)`).
 */
import * as tf from '@tensorflow/tfjs';

export const GELU_KERNEL = 'LoupeGelu';
export const GELU_GRAD_KERNEL = 'LoupeGeluGrad';
export const LAYER_NORM_KERNEL = 'LoupeLayerNorm';
export const LAYER_NORM_GRAD_KERNEL = 'LoupeLayerNormGrad';
export const ADAMW_KERNEL = 'LoupeAdamW';
export const BATCHED_MATMUL_KERNEL = 'LoupeBatchedMatMul';

/** The part of BackendWasm these kernels use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  incRef(dataId: tf.DataId): void;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } };
  dataIdNextNumber: number;
  wasm: {
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
    tfjs: {
      registerTensor(id: number, size: number, memoryOffset: number): void;
      disposeData(id: number): void;
    };
  };
}

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * erf(x) to ~1e-7 absolute (float32 precision): W. J. Cody's rational approximations as used by
 * Numerical Recipes' erfc (Chebyshev fit, fractional error < 1.2e-7), with the series near 0.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/**
 * Phi(x) (the normal CDF) and phi(x) (its density) tabulated on [-8, 8] every 1/1024 and read with
 * linear interpolation: V8's Math.exp costs ~20 ns, a table read ~2 ns. Interpolation error
 * <= h^2/8 * max|f''| < 3e-8 for both; beyond +-8, Phi is 0 or 1 and phi is 0 in float32.
 */
const TABLE_RANGE = 8;
const TABLE_STEPS_PER_UNIT = 1024;
let cdfTable: Float64Array | null = null;
let pdfTable: Float64Array | null = null;

function tables(): { cdf: Float64Array; pdf: Float64Array } {
  if (!cdfTable || !pdfTable) {
    const n = 2 * TABLE_RANGE * TABLE_STEPS_PER_UNIT + 2;
    cdfTable = new Float64Array(n);
    pdfTable = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = i / TABLE_STEPS_PER_UNIT - TABLE_RANGE;
      cdfTable[i] = 0.5 * (1 + erf(x * INV_SQRT2));
      pdfTable[i] = INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }
  }
  return { cdf: cdfTable, pdf: pdfTable };
}

function gelu({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }) {
  const wasm = backend as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const { cdf } = tables();
  const out = wasm.makeOutput(x.shape, 'float32');
  const xv = wasm.typedArrayFromHeap(x);
  const ov = wasm.typedArrayFromHeap(out);
  for (let i = 0; i < xv.length; i++) {
    const v = xv[i] as number;
    if (v >= TABLE_RANGE) ov[i] = v;
    else if (v <= -TABLE_RANGE) ov[i] = 0;
    else {
      const u = (v + TABLE_RANGE) * TABLE_STEPS_PER_UNIT;
      const k = u | 0;
      const f = u - k;
      const c0 = cdf[k] as number;
      ov[i] = v * (c0 + f * ((cdf[k + 1] as number) - c0));
    }
  }
  return out;
}

function geluGrad({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }) {
  const wasm = backend as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const { cdf, pdf } = tables();
  const out = wasm.makeOutput(x.shape, 'float32');
  const xv = wasm.typedArrayFromHeap(x);
  const dv = wasm.typedArrayFromHeap(dy);
  const ov = wasm.typedArrayFromHeap(out);
  for (let i = 0; i < xv.length; i++) {
    const v = xv[i] as number;
    // d/dx [x * Phi(x)] = Phi(x) + x * phi(x)
    if (v >= TABLE_RANGE) ov[i] = dv[i] as number;
    else if (v <= -TABLE_RANGE) ov[i] = 0;
    else {
      const u = (v + TABLE_RANGE) * TABLE_STEPS_PER_UNIT;
      const k = u | 0;
      const f = u - k;
      const c0 = cdf[k] as number;
      const p0 = pdf[k] as number;
      const phiCdf = c0 + f * ((cdf[k + 1] as number) - c0);
      const phiPdf = p0 + f * ((pdf[k + 1] as number) - p0);
      ov[i] = (dv[i] as number) * (phiCdf + v * phiPdf);
    }
  }
  return out;
}

function layerNorm({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}) {
  const wasm = backend as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const eps = (attrs?.eps as number | undefined) ?? 1e-6;
  const out = wasm.makeOutput(x.shape, 'float32');
  const xv = wasm.typedArrayFromHeap(x);
  const gv = wasm.typedArrayFromHeap(inputs.gamma as tf.TensorInfo);
  const bv = wasm.typedArrayFromHeap(inputs.beta as tf.TensorInfo);
  const ov = wasm.typedArrayFromHeap(out);
  const c = x.shape[x.shape.length - 1] as number;
  const rows = xv.length / c;
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let sum = 0;
    for (let j = 0; j < c; j++) sum += xv[o + j] as number;
    const mean = sum / c;
    let sq = 0;
    for (let j = 0; j < c; j++) {
      const d = (xv[o + j] as number) - mean;
      sq += d * d;
    }
    const rstd = 1 / Math.sqrt(sq / c + eps);
    for (let j = 0; j < c; j++)
      ov[o + j] = ((xv[o + j] as number) - mean) * rstd * (gv[j] as number) + (bv[j] as number);
  }
  return out;
}

function layerNormGrad({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}) {
  const wasm = backend as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const gamma = inputs.gamma as tf.TensorInfo;
  const eps = (attrs?.eps as number | undefined) ?? 1e-6;
  const c = x.shape[x.shape.length - 1] as number;
  const dxOut = wasm.makeOutput(x.shape, 'float32');
  const dgOut = wasm.makeOutput([c], 'float32');
  const dbOut = wasm.makeOutput([c], 'float32');
  const xv = wasm.typedArrayFromHeap(x);
  const dv = wasm.typedArrayFromHeap(inputs.dy as tf.TensorInfo);
  const gv = wasm.typedArrayFromHeap(gamma);
  const dx = wasm.typedArrayFromHeap(dxOut);
  const dg = new Float64Array(c);
  const db = new Float64Array(c);
  const xhat = new Float64Array(c);
  const rows = xv.length / c;
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let sum = 0;
    for (let j = 0; j < c; j++) sum += xv[o + j] as number;
    const mean = sum / c;
    let sq = 0;
    for (let j = 0; j < c; j++) {
      const d = (xv[o + j] as number) - mean;
      sq += d * d;
    }
    const rstd = 1 / Math.sqrt(sq / c + eps);
    // dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma
    let gMean = 0;
    let gxMean = 0;
    for (let j = 0; j < c; j++) {
      const xh = ((xv[o + j] as number) - mean) * rstd;
      xhat[j] = xh;
      const d = dv[o + j] as number;
      const g = d * (gv[j] as number);
      gMean += g;
      gxMean += g * xh;
      dg[j] = (dg[j] as number) + d * xh;
      db[j] = (db[j] as number) + d;
    }
    gMean /= c;
    gxMean /= c;
    for (let j = 0; j < c; j++)
      dx[o + j] =
        rstd * ((dv[o + j] as number) * (gv[j] as number) - gMean - (xhat[j] as number) * gxMean);
  }
  wasm.typedArrayFromHeap(dgOut).set(dg);
  wasm.typedArrayFromHeap(dbOut).set(db);
  return [dxOut, dgOut, dbOut];
}

interface AdamWAttrs {
  beta1: number;
  beta2: number;
  c1: number;
  c2: number;
  epsilon: number;
  weightDecay: number;
  rate: number;
}

/** One AdamW update (adam.ts's maths) in one pass: outputs the new weight, m and v. */
function adamW({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}) {
  const wasm = backend as WasmBackendLike;
  const param = inputs.param as tf.TensorInfo;
  const { beta1, beta2, c1, c2, epsilon, weightDecay, rate } = attrs as unknown as AdamWAttrs;
  const pOut = wasm.makeOutput(param.shape, 'float32');
  const mOut = wasm.makeOutput(param.shape, 'float32');
  const vOut = wasm.makeOutput(param.shape, 'float32');
  const pv = wasm.typedArrayFromHeap(param);
  const gv = wasm.typedArrayFromHeap(inputs.grad as tf.TensorInfo);
  const mv = wasm.typedArrayFromHeap(inputs.m as tf.TensorInfo);
  const vv = wasm.typedArrayFromHeap(inputs.v as tf.TensorInfo);
  const po = wasm.typedArrayFromHeap(pOut);
  const mo = wasm.typedArrayFromHeap(mOut);
  const vo = wasm.typedArrayFromHeap(vOut);
  for (let i = 0; i < pv.length; i++) {
    const g = gv[i] as number;
    const p = pv[i] as number;
    // Rounded to float32 as the composite ops store them, so both paths carry the same state.
    const m = Math.fround((mv[i] as number) * beta1 + g * (1 - beta1));
    const v = Math.fround((vv[i] as number) * beta2 + g * g * (1 - beta2));
    const update = m / c1 / (Math.sqrt(v / c2) + epsilon);
    mo[i] = m;
    vo[i] = v;
    po[i] = p - (update + p * weightDecay) * rate;
  }
  return [pOut, mOut, vOut];
}

/** Per wasm module: the backend can be re-created on another build (wasm-threads.ts). */
const wasmBatchMatMuls = new WeakMap<object, (...args: unknown[]) => void>();
const SLICE_SHAPE_BYTES = (rows: number, cols: number) =>
  new Uint8Array(new Int32Array([1, rows, cols]).buffer);

/**
 * a [B, n, k] @ b [B, k, m], no transposes: each slice through wasm's XNNPACK matmul (the fast
 * path tfjs-wasm only takes for batch 1) on views into the inputs' and output's memory, in one
 * kernel call. tfjs-wasm's own BatchMatMul runs batch > 1 through a naive strided loop (~1
 * GFLOP/s): the windowed attention's 128 slices of 64x64x24 all landed there. The views are
 * registered under fresh ids and disposed at once, which also frees XNNPACK's operator for them.
 */
function batchedMatMul({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }) {
  const wasm = backend as WasmBackendLike;
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const [batch, n, k] = a.shape as [number, number, number];
  const m = b.shape[2] as number;
  if (b.shape[0] !== batch || b.shape[1] !== k)
    throw new Error(`batchedMatMul: shapes ${a.shape} and ${b.shape} do not match`);
  let wasmBatchMatMul = wasmBatchMatMuls.get(wasm.wasm);
  if (!wasmBatchMatMul) {
    wasmBatchMatMul = wasm.wasm.cwrap('BatchMatMul', null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]);
    wasmBatchMatMuls.set(wasm.wasm, wasmBatchMatMul);
  }
  const out = wasm.makeOutput([batch, n, m], 'float32');
  const aOffset = wasm.dataIdMap.get(a.dataId).memoryOffset;
  const bOffset = wasm.dataIdMap.get(b.dataId).memoryOffset;
  const outOffset = wasm.dataIdMap.get(out.dataId).memoryOffset;
  const aShape = SLICE_SHAPE_BYTES(n, k);
  const bShape = SLICE_SHAPE_BYTES(k, m);
  const { tfjs } = wasm.wasm;
  for (let s = 0; s < batch; s++) {
    const aId = wasm.dataIdNextNumber++;
    const bId = wasm.dataIdNextNumber++;
    const outId = wasm.dataIdNextNumber++;
    tfjs.registerTensor(aId, n * k, aOffset + s * n * k * 4);
    tfjs.registerTensor(bId, k * m, bOffset + s * k * m * 4);
    tfjs.registerTensor(outId, n * m, outOffset + s * n * m * 4);
    wasmBatchMatMul(aId, aShape, 3, bId, bShape, 3, 0, 0, outId);
    tfjs.disposeData(aId);
    tfjs.disposeData(bId);
    tfjs.disposeData(outId);
  }
  return out;
}

function sharedIdentity({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }) {
  const x = inputs.x as tf.TensorInfo;
  (backend as WasmBackendLike).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

let registered = false;
let enabled = true;
let wasmIdentity: tf.KernelConfig | undefined;

function registerOnce(): void {
  if (registered) return;
  registered = true;
  const kernels: [string, tf.KernelFunc][] = [
    [GELU_KERNEL, gelu as unknown as tf.KernelFunc],
    [GELU_GRAD_KERNEL, geluGrad as unknown as tf.KernelFunc],
    [LAYER_NORM_KERNEL, layerNorm as unknown as tf.KernelFunc],
    [LAYER_NORM_GRAD_KERNEL, layerNormGrad as unknown as tf.KernelFunc],
    [ADAMW_KERNEL, adamW as unknown as tf.KernelFunc],
    [BATCHED_MATMUL_KERNEL, batchedMatMul as unknown as tf.KernelFunc],
  ];
  for (const [kernelName, kernelFunc] of kernels)
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  tf.registerGradient({
    kernelName: GELU_KERNEL,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return {
        x: () => tf.engine().runKernel(GELU_GRAD_KERNEL, { dy: dy as tf.Tensor, x }) as tf.Tensor,
      };
    },
  });
  tf.registerGradient({
    kernelName: LAYER_NORM_KERNEL,
    inputsToSave: ['x', 'gamma'],
    gradFunc: (dy, saved, attrs) => {
      const [x, gamma] = saved as [tf.Tensor, tf.Tensor];
      const [dx, dgamma, dbeta] = tf
        .engine()
        .runKernel(LAYER_NORM_GRAD_KERNEL, { dy: dy as tf.Tensor, x, gamma }, attrs) as tf.Tensor[];
      return {
        x: () => dx as tf.Tensor,
        gamma: () => dgamma as tf.Tensor,
        beta: () => dbeta as tf.Tensor,
      };
    },
  });
  tf.registerGradient({
    kernelName: BATCHED_MATMUL_KERNEL,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const d = dy as tf.Tensor;
      return {
        a: () => fusedBatchedMatMul(d, tf.transpose(b, [0, 2, 1])),
        b: () => fusedBatchedMatMul(tf.transpose(a, [0, 2, 1]), d),
      };
    },
  });
  wasmIdentity = tf.getKernel('Identity', 'wasm');
}

function setIdentity(shared: boolean): void {
  if (!wasmIdentity) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel(
    shared
      ? {
          kernelName: 'Identity',
          backendName: 'wasm',
          kernelFunc: sharedIdentity as unknown as tf.KernelFunc,
        }
      : wasmIdentity,
  );
}

/** Registers the kernels (idempotent) and turns them on or off; on by default. */
export function setFusedTrainingKernels(on: boolean): void {
  registerOnce();
  setIdentity(on);
  enabled = on;
}

let batchedMatMulEnabled = true;

/**
 * Turns the batched XNNPACK matmul alone on or off (on by default, and only used while the fused
 * kernels are active): for measuring it side by side with tfjs-wasm's own BatchMatMul.
 */
export function setFusedBatchedMatMul(on: boolean): void {
  batchedMatMulEnabled = on;
}

/** Whether batched attention matmuls go through `fusedBatchedMatMul`. */
export function fusedBatchedMatMulActive(): boolean {
  return batchedMatMulEnabled && fusedTrainingKernelsActive();
}

/** Whether the fused kernels run on the current backend (wasm, registered and enabled). */
export function fusedTrainingKernelsActive(): boolean {
  return registered && enabled && tf.getBackend() === 'wasm';
}

/** exact GELU, x any shape. */
export function fusedGelu(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(GELU_KERNEL, { x }) as tf.Tensor;
}

/** LayerNorm over the last axis: x [..., C], gamma/beta [C]. */
export function fusedLayerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number,
): tf.Tensor {
  return tf.engine().runKernel(LAYER_NORM_KERNEL, { x, gamma, beta }, { eps }) as tf.Tensor;
}

/**
 * AdamW step for one weight: returns [weight, m, v] after the update. `weightDecay` 0 for weights
 * without decay; `rate` the learning rate; c1/c2 the bias corrections.
 */
export function fusedAdamW(
  tensors: { param: tf.Tensor; grad: tf.Tensor; m: tf.Tensor; v: tf.Tensor },
  attrs: AdamWAttrs,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(ADAMW_KERNEL, tensors, attrs as unknown as tf.NamedAttrMap) as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
}

/** a [B, n, k] @ b [B, k, m] per slice on XNNPACK (wasm only; see batchedMatMul above). */
export function fusedBatchedMatMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(BATCHED_MATMUL_KERNEL, { a, b }) as tf.Tensor;
}
