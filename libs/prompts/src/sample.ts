/**
 * The pixel side of the crop transform (see crop.ts): image -> model input, and model mask
 * logits -> image. Both use the same continuous-coordinate mapping as imageToModel/modelToImage.
 */
import { PromptError } from './errors';
import type { CropTransform } from './crop';
import type { Mask } from './mask';

type Pixels = Float32Array | Uint8Array | Uint16Array | Uint8ClampedArray | Float64Array;

function checkPlane(len: number, width: number, height: number, field: string): void {
  if (!Number.isInteger(width) || width <= 0)
    throw new PromptError('width', `must be a positive integer, got ${width}`);
  if (!Number.isInteger(height) || height <= 0)
    throw new PromptError('height', `must be a positive integer, got ${height}`);
  if (len !== width * height)
    throw new PromptError(field, `length ${len} does not match ${width}x${height}`);
}

function checkImage(imageWidth: number, imageHeight: number): void {
  if (!Number.isInteger(imageWidth) || imageWidth <= 0)
    throw new PromptError('imageWidth', `must be a positive integer, got ${imageWidth}`);
  if (!Number.isInteger(imageHeight) || imageHeight <= 0)
    throw new PromptError('imageHeight', `must be a positive integer, got ${imageHeight}`);
}

function checkCrop(crop: CropTransform): void {
  if (!Number.isFinite(crop.x0) || !Number.isFinite(crop.y0))
    throw new PromptError('crop', 'x0/y0 must be finite');
  if (!(crop.size > 0) || !Number.isFinite(crop.size))
    throw new PromptError('crop.size', `must be > 0, got ${crop.size}`);
  if (!Number.isInteger(crop.inputSize) || crop.inputSize <= 0)
    throw new PromptError('crop.inputSize', `must be a positive integer, got ${crop.inputSize}`);
}

/**
 * Bilinear sample of a single-channel image over the crop: returns outSize^2 floats (row-major),
 * outSize defaulting to crop.inputSize. Output pixel (i, j) samples the image at its centre,
 * crop.x0 + (i + 0.5) * crop.size / outSize (= modelToImage at the model input size); samples
 * whose position lies outside [0, W) x [0, H) are 0 (padding); inside, neighbours are edge-clamped.
 * Use outSize = maskSize to resample a ground-truth mask as a training target over the crop.
 */
export function sampleCropBilinear(
  pixels: Pixels,
  width: number,
  height: number,
  crop: CropTransform,
  outSize: number = crop.inputSize,
): Float32Array {
  checkPlane(pixels.length, width, height, 'pixels');
  checkCrop(crop);
  if (!Number.isInteger(outSize) || outSize <= 0)
    throw new PromptError('outSize', `must be a positive integer, got ${outSize}`);
  const S = outSize;
  const out = new Float32Array(S * S);
  const inv = crop.size / S;
  // Per-column precomputation.
  const xi0 = new Int32Array(S);
  const xi1 = new Int32Array(S);
  const xw = new Float64Array(S);
  // Output columns whose sample lies inside the image form one range [iStart, iEnd).
  let iStart = S;
  let iEnd = 0;
  for (let i = 0; i < S; i++) {
    const x = crop.x0 + (i + 0.5) * inv;
    if (x < 0 || x >= width) continue;
    if (i < iStart) iStart = i;
    iEnd = i + 1;
    const u = x - 0.5;
    const f = Math.floor(u);
    xi0[i] = Math.max(0, f);
    xi1[i] = Math.min(width - 1, f + 1);
    xw[i] = u - f;
  }
  for (let j = 0; j < S; j++) {
    const y = crop.y0 + (j + 0.5) * inv;
    if (y < 0 || y >= height) continue;
    const v = y - 0.5;
    const g = Math.floor(v);
    const r0 = Math.max(0, g) * width;
    const r1 = Math.min(height - 1, g + 1) * width;
    const wy = v - g;
    const row = j * S;
    for (let i = iStart; i < iEnd; i++) {
      const a = xi0[i] as number;
      const b = xi1[i] as number;
      const wx = xw[i] as number;
      const top = (pixels[r0 + a] as number) * (1 - wx) + (pixels[r0 + b] as number) * wx;
      const bot = (pixels[r1 + a] as number) * (1 - wx) + (pixels[r1 + b] as number) * wx;
      out[row + i] = top * (1 - wy) + bot * wy;
    }
  }
  return out;
}

/**
 * Nearest-neighbour crop of a mask to outSize x outSize (default crop.inputSize) over the crop:
 * output pixel (i, j) takes the image pixel containing its centre, 0 outside the image.
 */
export function cropMask(mask: Mask, crop: CropTransform, outSize: number = crop.inputSize): Mask {
  checkPlane(mask.data.length, mask.width, mask.height, 'mask');
  checkCrop(crop);
  if (!Number.isInteger(outSize) || outSize <= 0)
    throw new PromptError('outSize', `must be a positive integer, got ${outSize}`);
  const S = outSize;
  const inv = crop.size / S;
  const out = new Uint8Array(S * S);
  const xs = new Int32Array(S);
  for (let i = 0; i < S; i++) {
    const x = Math.floor(crop.x0 + (i + 0.5) * inv);
    xs[i] = x >= 0 && x < mask.width ? x : -1;
  }
  for (let j = 0; j < S; j++) {
    const y = Math.floor(crop.y0 + (j + 0.5) * inv);
    if (y < 0 || y >= mask.height) continue;
    const row = y * mask.width;
    for (let i = 0; i < S; i++) {
      const x = xs[i] as number;
      if (x >= 0) out[j * S + i] = mask.data[row + x] as number;
    }
  }
  return { width: S, height: S, data: out };
}

/**
 * Logits from which the sigmoid, stored as float32, is exactly 1: 1 / (1 + e^-l) is within
 * 2^-25 (half a float32 step below 1) of 1 once e^-l < 2^-25, i.e. l > 25 ln 2 = 17.33.
 * Pasting probabilities skips the exp there (most of a confident object's pixels).
 */
export const SIGMOID_ONE_FROM = 17.5;
/**
 * Logits up to which the float32 sigmoid is exactly 0: e^l is below half the smallest float32
 * denormal (2^-150) once l < -150 ln 2 = -103.97.
 */
export const SIGMOID_ZERO_UPTO = -104.5;

/**
 * Logits above which the float32 sigmoid is > 0.5 for sure (it is 0.5 + l / 4, and float32 steps
 * by 2^-24 there). Between 0 and this the float32 sigmoid may round to exactly 0.5 (up to about
 * l = 2^-23), so those pixels compute it.
 */
const HALF_EXCEEDED_ABOVE = 1e-6;

/** sigmoid(l) as pasteProbabilities stores it (float32), shortcuts included. */
function sigmoidFloat32(l: number): number {
  if (l >= SIGMOID_ONE_FROM) return 1;
  if (l <= SIGMOID_ZERO_UPTO) return 0;
  return Math.fround(1 / (1 + Math.exp(-l)));
}

/**
 * For every image pixel whose centre lies inside the crop, samples the logit bilinearly
 * (edge-clamped) from the maskSize x maskSize logit map over the crop and writes into `out`:
 * `logit > threshold ? 1 : 0` (mode 'mask') or sigmoid(logit) (mode 'probability').
 */
function pasteInto(
  logits: Float32Array,
  maskSize: number,
  crop: CropTransform,
  imageWidth: number,
  imageHeight: number,
  out: Uint8Array | Float32Array,
  mode: 'mask' | 'probability' | 'aboveHalf' | 'probabilityAboveHalf' | 'uncomputed',
  threshold: number,
  /** Only image rows rowFrom..rowTo - 1 are written (the rest of `out` is left as it is). */
  rowFrom = 0,
  rowTo = imageHeight,
): void {
  checkCrop(crop);
  if (!Number.isInteger(maskSize) || maskSize <= 0)
    throw new PromptError('maskSize', `must be a positive integer, got ${maskSize}`);
  if (logits.length !== maskSize * maskSize)
    throw new PromptError(
      'logits',
      `length ${logits.length} does not match maskSize^2 = ${maskSize * maskSize}`,
    );
  const M = maskSize;
  const k = M / crop.size; // mask pixels per image pixel
  const xStart = Math.max(0, Math.ceil(crop.x0 - 0.5));
  const xEnd = Math.min(imageWidth - 1, Math.ceil(crop.x0 + crop.size - 0.5) - 1);
  const yStart = Math.max(0, rowFrom, Math.ceil(crop.y0 - 0.5));
  const yEnd = Math.min(imageHeight - 1, rowTo - 1, Math.ceil(crop.y0 + crop.size - 0.5) - 1);
  if (xStart > xEnd || yStart > yEnd) return;
  const nx = xEnd - xStart + 1;
  const a0 = new Int32Array(nx);
  const a1 = new Int32Array(nx);
  const aw = new Float32Array(nx);
  for (let t = 0; t < nx; t++) {
    const u = (xStart + t + 0.5 - crop.x0) * k - 0.5;
    const f = Math.floor(u);
    a0[t] = Math.min(M - 1, Math.max(0, f));
    a1[t] = Math.min(M - 1, Math.max(0, f + 1));
    aw[t] = u - f;
  }
  if (
    mode === 'aboveHalf' ||
    mode === 'probabilityAboveHalf' ||
    mode === 'uncomputed' ||
    (mode === 'mask' && threshold === 0)
  ) {
    const exactHalf = mode !== 'mask';
    pasteMaskByCells(
      logits,
      M,
      crop,
      k,
      yStart,
      yEnd,
      xStart,
      nx,
      imageWidth,
      out,
      a0,
      a1,
      aw,
      exactHalf,
      mode === 'probabilityAboveHalf',
      mode === 'uncomputed' ? UNCOMPUTED_ABOVE_HALF : 1,
    );
    return;
  }
  for (let y = yStart; y <= yEnd; y++) {
    const v = (y + 0.5 - crop.y0) * k - 0.5;
    const g = Math.floor(v);
    const r0 = Math.min(M - 1, Math.max(0, g)) * M;
    const r1 = Math.min(M - 1, Math.max(0, g + 1)) * M;
    const wy = v - g;
    const row = y * imageWidth;
    for (let t = 0; t < nx; t++) {
      const a = a0[t] as number;
      const b = a1[t] as number;
      const wx = aw[t] as number;
      const top = (logits[r0 + a] as number) * (1 - wx) + (logits[r0 + b] as number) * wx;
      const bot = (logits[r1 + a] as number) * (1 - wx) + (logits[r1 + b] as number) * wx;
      const l = top * (1 - wy) + bot * wy;
      if (mode === 'mask') {
        if (l > threshold) out[row + xStart + t] = 1;
      } else if (l >= SIGMOID_ONE_FROM) out[row + xStart + t] = 1;
      else if (l > SIGMOID_ZERO_UPTO) out[row + xStart + t] = 1 / (1 + Math.exp(-l));
      // else: the float32 sigmoid is 0, as `out` (fresh) holds.
    }
  }
}

/**
 * pasteInto's mask mode at threshold 0, with the same result pixel for pixel: a pixel samples the
 * 2 x 2 logits of one cell, with weights >= 0 that cannot all vanish (one of w and 1 - w is at
 * least 1/2, and the column weights are float32, so no product underflows). So when all four are
 * <= 0 the sample is <= 0 (pixel 0) and when all four are > 0 it is > 0 (pixel 1), with no
 * arithmetic; only pixels of cells that straddle 0 (the mask's outline) are interpolated. Pixels
 * that sample the same two logit columns form a span, and spans of 1s are filled at once.
 */
function pasteMaskByCells(
  logits: Float32Array,
  M: number,
  crop: CropTransform,
  k: number,
  yStart: number,
  yEnd: number,
  xStart: number,
  nx: number,
  imageWidth: number,
  out: Uint8Array | Float32Array,
  a0: Int32Array,
  a1: Int32Array,
  aw: Float32Array,
  exactHalf: boolean,
  /** Write the probability where the pixel is 1 and NaN where it is 0 (Float32Array `out`). */
  values = false,
  /**
   * What a 1 is written as without `values`: 1, or UNCOMPUTED_ABOVE_HALF (then NaN where it is 0,
   * Float32Array `out`).
   */
  one = 1,
): void {
  // cell[j * M + i]: logits at rows j, j + 1 and columns i, i + 1 (clamped): 0 all <= 0,
  // 2 all > lowest, 1 mixed. Every pixel's 2 x 2 samples lie in the cell of its lower row and column.
  const lowest = exactHalf ? HALF_EXCEEDED_ABOVE : 0;
  const cell = new Uint8Array(M * M);
  for (let j = 0; j < M; j++) {
    const j1 = Math.min(M - 1, j + 1);
    for (let i = 0; i < M; i++) {
      const i1 = Math.min(M - 1, i + 1);
      const p = logits[j * M + i] as number;
      const q = logits[j * M + i1] as number;
      const r = logits[j1 * M + i] as number;
      const s = logits[j1 * M + i1] as number;
      cell[j * M + i] =
        p > lowest && q > lowest && r > lowest && s > lowest
          ? 2
          : p <= 0 && q <= 0 && r <= 0 && s <= 0
            ? 0
            : 1;
    }
  }
  // Spans of consecutive pixels that sample the same two columns.
  const spans: number[] = [];
  for (let t = 0; t < nx; t++)
    if (t === 0 || a0[t] !== a0[t - 1] || a1[t] !== a1[t - 1]) spans.push(t);
  spans.push(nx);
  const nSpans = spans.length - 1;
  if (values || one !== 1) {
    // The crop's pixels start as NaN, written through a 32-bit view: V8 stores NaN into a
    // Float32Array one element at a time (about 20x slower than any other value), and most of a
    // wide crop is background. Below, NaN then means "nothing to write", as 0 does for a mask.
    const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
    for (let y = yStart; y <= yEnd; y++) {
      const row = y * imageWidth + xStart;
      bits.fill(FLOAT32_NAN_BITS, row, row + nx);
    }
  }
  for (let y = yStart; y <= yEnd; y++) {
    const v = (y + 0.5 - crop.y0) * k - 0.5;
    const g = Math.floor(v);
    const r0 = Math.min(M - 1, Math.max(0, g)) * M;
    const r1 = Math.min(M - 1, Math.max(0, g + 1)) * M;
    const wy = v - g;
    const row = y * imageWidth + xStart;
    // Spans of 1s are filled as one run: a fill per span costs more than its pixels on a wide
    // crop's rows.
    let runFrom = -1;
    for (let s = 0; s < nSpans; s++) {
      const ts = spans[s] as number;
      const a = a0[ts] as number;
      const state = cell[r0 + a] as number;
      // The span's one value still to write (1), 0 or NaN for nothing to write, -1 when written.
      let value: number;
      if (state === 2 && !values) value = 1;
      else if (state === 0) value = 0;
      else {
        const te = spans[s + 1] as number;
        const b = a1[ts] as number;
        // The span's four logits, read once (the same values the per-pixel arithmetic reads).
        const p = logits[r0 + a] as number;
        const q = logits[r0 + b] as number;
        const r = logits[r1 + a] as number;
        const z = logits[r1 + b] as number;
        value =
          state === 2
            ? pasteAboveSpan(out, row, ts, te, aw, p, q, r, z, wy)
            : pasteMixedSpan(out, row, ts, te, aw, p, q, r, z, wy, exactHalf, values, one);
      }
      if (runFrom >= 0 && value !== 1) {
        out.fill(one, row + runFrom, row + ts);
        runFrom = -1;
      }
      if (runFrom < 0 && value === 1) runFrom = ts;
    }
    if (runFrom >= 0) out.fill(one, row + runFrom, row + nx);
  }
}

/** The bits Float32Array stores for NaN (V8's canonical quiet NaN). */
const FLOAT32_NAN_BITS = 0x7fc00000;

/** Rounding error bound of a span end's sample, per unit of its four logits' absolute sum. */
const SPAN_END_MARGIN = 2e-12;

/**
 * Probabilities of pixels ts..te-1 of one row in a cell whose logits are all above 0 (state 2,
 * values): returns 1 (not written: the caller fills it) where both ends' samples are beyond
 * SIGMOID_ONE_FROM (see pasteMixedSpan: the pixels between lie between them); otherwise writes
 * the sigmoid per pixel and returns -1.
 */
function pasteAboveSpan(
  out: Uint8Array | Float32Array,
  row: number,
  ts: number,
  te: number,
  aw: Float32Array,
  p: number,
  q: number,
  r: number,
  z: number,
  wy: number,
): number {
  if (te - ts > 2) {
    const above = SIGMOID_ONE_FROM + SPAN_END_MARGIN * (p + q + r + z);
    const wa = aw[ts] as number;
    const wb = aw[te - 1] as number;
    if (
      (p * (1 - wa) + q * wa) * (1 - wy) + (r * (1 - wa) + z * wa) * wy > above &&
      (p * (1 - wb) + q * wb) * (1 - wy) + (r * (1 - wb) + z * wb) * wy > above
    )
      return 1;
  }
  for (let t = ts; t < te; t++) {
    const wx = aw[t] as number;
    const top = p * (1 - wx) + q * wx;
    const bot = r * (1 - wx) + z * wx;
    out[row + t] = sigmoidFloat32(top * (1 - wy) + bot * wy);
  }
  return -1;
}

/**
 * Pixels ts..te-1 of one row in a cell whose logits straddle 0 (pasteMaskByCells' state 1), the
 * same per pixel as the bilinear arithmetic. Along a row the sample is linear in the column
 * weight, which grows with t, so pixels between two lie between their values: when both ends are
 * on one side by more than any rounding error (about 1e-15 of the four logits' absolute sum;
 * SPAN_END_MARGIN is 2e-12 of it), the whole span is on that side. Otherwise the span is halved
 * (one crossing at most), down to a few pixels done one by one. Returns the value of a span found
 * whole (not written: 1 above, NaN below in values mode, 0 below otherwise), or -1 once written.
 * In values mode `out` already holds NaN there (pasteMaskByCells fills the crop with it first).
 */
function pasteMixedSpan(
  out: Uint8Array | Float32Array,
  row: number,
  ts: number,
  te: number,
  aw: Float32Array,
  p: number,
  q: number,
  r: number,
  z: number,
  wy: number,
  exactHalf: boolean,
  values: boolean,
  /** What a 1 is written as without `values` (see pasteMaskByCells). */
  one = 1,
): number {
  if (te - ts > 2) {
    const margin = SPAN_END_MARGIN * (Math.abs(p) + Math.abs(q) + Math.abs(r) + Math.abs(z));
    const wa = aw[ts] as number;
    const wb = aw[te - 1] as number;
    const la = (p * (1 - wa) + q * wa) * (1 - wy) + (r * (1 - wa) + z * wa) * wy;
    const lb = (p * (1 - wb) + q * wb) * (1 - wy) + (r * (1 - wb) + z * wb) * wy;
    if (la < -margin && lb < -margin) return values ? NaN : 0;
    const lowest = (exactHalf ? HALF_EXCEEDED_ABOVE : 0) + margin;
    const above = la > lowest && lb > lowest;
    if (above && !values) return 1;
    if (!above && te - ts > 8) {
      const mid = (ts + te) >> 1;
      const left = pasteMixedSpan(out, row, ts, mid, aw, p, q, r, z, wy, exactHalf, values, one);
      if (left === 1) for (let t = ts; t < mid; t++) out[row + t] = one;
      const right = pasteMixedSpan(out, row, mid, te, aw, p, q, r, z, wy, exactHalf, values, one);
      if (right === 1) for (let t = mid; t < te; t++) out[row + t] = one;
      return -1;
    }
  }
  for (let t = ts; t < te; t++) {
    const wx = aw[t] as number;
    const top = p * (1 - wx) + q * wx;
    const bot = r * (1 - wx) + z * wx;
    const l = top * (1 - wy) + bot * wy;
    if (l > 0 && (!exactHalf || l > HALF_EXCEEDED_ABOVE || sigmoidFloat32(l) > 0.5))
      out[row + t] = values ? sigmoidFloat32(l) : one;
  }
  return -1;
}

/**
 * Pastes maskSize x maskSize logits (covering the crop) back into the image: each image pixel
 * whose centre is inside the crop gets the bilinearly sampled logit, then `logit > threshold`.
 * Pixels outside the crop are 0.
 */
export function pasteMaskLogits(
  logits: Float32Array,
  maskSize: number,
  crop: CropTransform,
  imageWidth: number,
  imageHeight: number,
  threshold = 0,
): Mask {
  checkImage(imageWidth, imageHeight);
  if (!Number.isFinite(threshold))
    throw new PromptError('threshold', `must be finite, got ${threshold}`);
  const data = new Uint8Array(imageWidth * imageHeight);
  pasteInto(logits, maskSize, crop, imageWidth, imageHeight, data, 'mask', threshold);
  return { width: imageWidth, height: imageHeight, data };
}

/**
 * pasteMaskLogits' rows y0..y1 - 1 (or pasteAboveHalf's, threshold 'aboveHalf') written into
 * `data` (a fresh width x height plane, zeros), the same pixels: a caller can paste a wide mask
 * band by band.
 */
export function pasteMaskLogitsRows(
  data: Uint8Array,
  logits: Float32Array,
  maskSize: number,
  crop: CropTransform,
  imageWidth: number,
  imageHeight: number,
  threshold: number | 'aboveHalf',
  y0: number,
  y1: number,
): void {
  checkImage(imageWidth, imageHeight);
  checkPlane(data.length, imageWidth, imageHeight, 'data');
  if (threshold !== 'aboveHalf' && !Number.isFinite(threshold))
    throw new PromptError('threshold', `must be finite, got ${threshold}`);
  const mode = threshold === 'aboveHalf' ? 'aboveHalf' : 'mask';
  const t = threshold === 'aboveHalf' ? 0 : threshold;
  pasteInto(logits, maskSize, crop, imageWidth, imageHeight, data, mode, t, y0, y1);
}

/** Like pasteMaskLogits but returns full-resolution sigmoid probabilities (0 outside the crop). */
export function pasteProbabilities(
  logits: Float32Array,
  maskSize: number,
  crop: CropTransform,
  imageWidth: number,
  imageHeight: number,
): Float32Array {
  checkImage(imageWidth, imageHeight);
  const out = new Float32Array(imageWidth * imageHeight);
  pasteInto(logits, maskSize, crop, imageWidth, imageHeight, out, 'probability', 0);
  return out;
}

/**
 * pasteProbabilities(...) > 0.5, pixel for pixel, without the sigmoid: it is monotone and > 0.5
 * exactly when the logit is above 0, except for logits so small (< ~2^-23) that the float32
 * sigmoid rounds to 0.5; those few compute it. Most pixels are filled by whole cells.
 */
export function pasteAboveHalf(
  logits: Float32Array,
  maskSize: number,
  crop: CropTransform,
  imageWidth: number,
  imageHeight: number,
): Uint8Array {
  checkImage(imageWidth, imageHeight);
  const out = new Uint8Array(imageWidth * imageHeight);
  pasteInto(logits, maskSize, crop, imageWidth, imageHeight, out, 'aboveHalf', 0);
  return out;
}

/**
 * pasteProbabilities(...) where it is > 0.5, NaN at the crop's other pixels (0 outside the crop):
 * the sigmoid is computed for the foreground only (a wide crop's mask shown, whose background a
 * click's merge reads only as "not above 0.5"). probabilitySampler gives a NaN pixel its value.
 */
export function pasteProbabilitiesAboveHalf(
  logits: Float32Array,
  maskSize: number,
  crop: CropTransform,
  imageWidth: number,
  imageHeight: number,
): Float32Array {
  checkImage(imageWidth, imageHeight);
  const out = new Float32Array(imageWidth * imageHeight);
  pasteInto(logits, maskSize, crop, imageWidth, imageHeight, out, 'probabilityAboveHalf', 0);
  return out;
}

/**
 * What pasteUncomputedProbabilities stores at a pixel above 0.5 whose probability it did not
 * compute: above any threshold below 1, as the pixel is, and never a probability.
 */
export const UNCOMPUTED_ABOVE_HALF = Infinity;

/**
 * pasteProbabilities(...) with no sigmoid at all: UNCOMPUTED_ABOVE_HALF where it is > 0.5, NaN
 * at the crop's other pixels (0 outside the crop), the same pixels as pasteAboveHalf. A mask shown
 * that a click's merge reads as > 0.5 but at a few pixels, whose values probabilitySampler gives.
 */
export function pasteUncomputedProbabilities(
  logits: Float32Array,
  maskSize: number,
  crop: CropTransform,
  imageWidth: number,
  imageHeight: number,
): Float32Array {
  checkImage(imageWidth, imageHeight);
  const out = new Float32Array(imageWidth * imageHeight);
  pasteInto(logits, maskSize, crop, imageWidth, imageHeight, out, 'uncomputed', 0);
  return out;
}

/**
 * One pixel of pasteProbabilities(logits, maskSize, crop, ...): (x, y) -> the same float32 value
 * (0 outside the crop), for the few pixels a merge takes, without pasting the whole plane.
 */
export function probabilitySampler(
  logits: Float32Array,
  maskSize: number,
  crop: CropTransform,
): (x: number, y: number) => number {
  checkCrop(crop);
  if (logits.length !== maskSize * maskSize)
    throw new PromptError(
      'logits',
      `length ${logits.length} does not match maskSize^2 = ${maskSize * maskSize}`,
    );
  const M = maskSize;
  const k = M / crop.size;
  const xFirst = Math.ceil(crop.x0 - 0.5);
  const xLast = Math.ceil(crop.x0 + crop.size - 0.5) - 1;
  const yFirst = Math.ceil(crop.y0 - 0.5);
  const yLast = Math.ceil(crop.y0 + crop.size - 0.5) - 1;
  // pasteInto's arithmetic, operation for operation (the column weight is float32 there too).
  return (x, y) => {
    if (x < xFirst || x > xLast || y < yFirst || y > yLast) return 0;
    const u = (x + 0.5 - crop.x0) * k - 0.5;
    const f = Math.floor(u);
    const a = Math.min(M - 1, Math.max(0, f));
    const b = Math.min(M - 1, Math.max(0, f + 1));
    const wx = Math.fround(u - f);
    const v = (y + 0.5 - crop.y0) * k - 0.5;
    const g = Math.floor(v);
    const r0 = Math.min(M - 1, Math.max(0, g)) * M;
    const r1 = Math.min(M - 1, Math.max(0, g + 1)) * M;
    const wy = v - g;
    const top = (logits[r0 + a] as number) * (1 - wx) + (logits[r0 + b] as number) * wx;
    const bot = (logits[r1 + a] as number) * (1 - wx) + (logits[r1 + b] as number) * wx;
    const l = top * (1 - wy) + bot * wy;
    return l > SIGMOID_ZERO_UPTO ? sigmoidFloat32(l) : 0;
  };
}

/** Probabilities -> mask with `p > threshold` (the clicker uses 0.49, as RITM does). */
export function thresholdProbabilities(
  probs: Float32Array,
  width: number,
  height: number,
  threshold = 0.49,
): Mask {
  checkPlane(probs.length, width, height, 'probabilities');
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) if ((probs[i] as number) > threshold) data[i] = 1;
  return { width, height, data };
}
