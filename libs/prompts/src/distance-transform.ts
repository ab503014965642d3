/**
 * Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012, "Distance Transforms of
 * Sampled Functions"): two passes of the 1-D lower-envelope-of-parabolas transform.
 */
import { PromptError } from './errors';

export interface DistanceTransformOptions {
  /** Treat everything outside the image as background (a 1-px zero border), as the RITM clicker does. */
  zeroBorder?: boolean;
}

/** 1-D squared-distance transform of f (length n) into d, using scratch v (n) and z (n+1). */
function dt1d(f: Float64Array, d: Float64Array, v: Int32Array, z: Float64Array, n: number): void {
  let k = 0;
  // Skip leading +Inf samples: parabolas at infinite height never form the envelope.
  let q0 = 0;
  while (q0 < n && f[q0] === Infinity) q0++;
  if (q0 === n) {
    d.fill(Infinity, 0, n);
    return;
  }
  v[0] = q0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = q0 + 1; q < n; q++) {
    const fq = f[q] as number;
    if (fq === Infinity) continue;
    for (;;) {
      const p = v[k] as number;
      const s = (fq + q * q - ((f[p] as number) + p * p)) / (2 * q - 2 * p);
      if (s <= (z[k] as number)) {
        k--;
        continue;
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
      break;
    }
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while ((z[k + 1] as number) < q) k++;
    const p = v[k] as number;
    d[q] = (q - p) * (q - p) + (f[p] as number);
  }
}

/**
 * Squared Euclidean distance from each pixel to the nearest pixel where `binary` is 0
 * (0 at background pixels). Infinity everywhere if there is no background and no zeroBorder.
 */
export function squaredDistanceTransform(
  binary: ArrayLike<number>,
  width: number,
  height: number,
  options: DistanceTransformOptions = {},
): Float64Array {
  if (!Number.isInteger(width) || width <= 0)
    throw new PromptError('width', `must be a positive integer, got ${width}`);
  if (!Number.isInteger(height) || height <= 0)
    throw new PromptError('height', `must be a positive integer, got ${height}`);
  if (binary.length !== width * height)
    throw new PromptError('binary', `length ${binary.length} does not match ${width}x${height}`);
  const pad = options.zeroBorder ? 1 : 0;
  const W = width + 2 * pad;
  const H = height + 2 * pad;
  const g = new Float64Array(W * H); // padded border stays 0
  for (let y = 0; y < height; y++) {
    const src = y * width;
    const dst = (y + pad) * W + pad;
    for (let x = 0; x < width; x++) g[dst + x] = binary[src + x] ? Infinity : 0;
  }
  const n = Math.max(W, H);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  // Columns.
  for (let x = 0; x < W; x++) {
    for (let y = 0; y < H; y++) f[y] = g[y * W + x] as number;
    dt1d(f, d, v, z, H);
    for (let y = 0; y < H; y++) g[y * W + x] = d[y] as number;
  }
  // Rows.
  const out = new Float64Array(width * height);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) f[x] = g[row + x] as number;
    dt1d(f, d, v, z, W);
    if (y < pad || y >= height + pad) continue;
    const orow = (y - pad) * width;
    for (let x = 0; x < width; x++) out[orow + x] = d[x + pad] as number;
  }
  return out;
}

/** Euclidean distance from each pixel to the nearest 0 pixel (cv2.distanceTransform DIST_L2, exact). */
export function distanceTransform(
  binary: ArrayLike<number>,
  width: number,
  height: number,
  options: DistanceTransformOptions = {},
): Float32Array {
  const sq = squaredDistanceTransform(binary, width, height, options);
  const out = new Float32Array(sq.length);
  for (let i = 0; i < sq.length; i++) out[i] = Math.sqrt(sq[i] as number);
  return out;
}
