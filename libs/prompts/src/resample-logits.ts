/**
 * Moves a decoder's M x M mask logits from one crop to another: SAM's mask prompt must be in the
 * frame of the crop it is fed with, and propagation crops each slice around the previous slice's
 * mask, so the crop moves and resizes from slice to slice.
 */
import type { CropTransform } from './crop';
import { PromptError } from './errors';

/**
 * Bilinear (edge-clamped) resampling of `logits` (maskSize x maskSize over `from`) onto the same
 * grid over `to`. Cells of `to` whose centre lies outside `from` get `outside` (default: the
 * lowest source logit, i.e. the most certain background). The same crop gives the logits back.
 */
export function resampleLogits(
  logits: Float32Array,
  maskSize: number,
  from: CropTransform,
  to: CropTransform,
  outside?: number,
): Float32Array {
  const m = maskSize;
  if (!Number.isInteger(m) || m <= 0)
    throw new PromptError('maskSize', `must be a positive integer, got ${maskSize}`);
  if (logits.length !== m * m)
    throw new PromptError('logits', `length ${logits.length} does not match maskSize^2 = ${m * m}`);
  for (const [name, crop] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!Number.isFinite(crop.x0) || !Number.isFinite(crop.y0) || !(crop.size > 0))
      throw new PromptError(`${name}`, 'crop needs finite x0/y0 and size > 0');
  let fill = outside;
  if (fill === undefined) {
    fill = Infinity;
    for (let i = 0; i < logits.length; i++) fill = Math.min(fill, logits[i] as number);
  }
  const out = new Float32Array(m * m);
  // Cell centre j of `to` in image px, then in `from`'s cell units.
  const scale = to.size / from.size;
  const coord = (j: number, toOrigin: number, fromOrigin: number) =>
    ((toOrigin - fromOrigin) * m) / from.size + (j + 0.5) * scale - 0.5;
  const xs = Array.from({ length: m }, (_, j) => coord(j, to.x0, from.x0));
  for (let j = 0; j < m; j++) {
    const v = coord(j, to.y0, from.y0);
    const rowOut = j * m;
    if (v < -0.5 || v > m - 0.5) {
      out.fill(fill, rowOut, rowOut + m);
      continue;
    }
    const g = Math.floor(v);
    const r0 = Math.min(m - 1, Math.max(0, g)) * m;
    const r1 = Math.min(m - 1, Math.max(0, g + 1)) * m;
    const wy = v - g;
    for (let i = 0; i < m; i++) {
      const u = xs[i] as number;
      if (u < -0.5 || u > m - 0.5) {
        out[rowOut + i] = fill;
        continue;
      }
      const f = Math.floor(u);
      const a = Math.min(m - 1, Math.max(0, f));
      const b = Math.min(m - 1, Math.max(0, f + 1));
      const wx = u - f;
      const top = (logits[r0 + a] as number) * (1 - wx) + (logits[r0 + b] as number) * wx;
      const bottom = (logits[r1 + a] as number) * (1 - wx) + (logits[r1 + b] as number) * wx;
      out[rowOut + i] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}
