/** Pixel-wise mask operations. All return new masks; inputs are never modified. */
import { PromptError } from './errors';
import type { Box } from './schemas';
import type { Mask } from './mask';
import { assertMaskSize, assertSameSize, createMask } from './mask';

type BinaryOp = 'union' | 'intersection' | 'difference';

function binaryOp(a: Mask, b: Mask, op: BinaryOp): Mask {
  assertSameSize(a, b);
  const n = a.data.length;
  const out = new Uint8Array(n);
  const ad = a.data;
  const bd = b.data;
  // One loop per op (no per-pixel callback): ~1 ms for 1024x1024.
  if (op === 'union')
    for (let i = 0; i < n; i++) out[i] = (ad[i] as number) | (bd[i] as number) ? 1 : 0;
  else if (op === 'intersection') for (let i = 0; i < n; i++) out[i] = ad[i] && bd[i] ? 1 : 0;
  else for (let i = 0; i < n; i++) out[i] = ad[i] && !bd[i] ? 1 : 0;
  return { width: a.width, height: a.height, data: out };
}

export const maskUnion = (a: Mask, b: Mask): Mask => binaryOp(a, b, 'union');
export const maskIntersection = (a: Mask, b: Mask): Mask => binaryOp(a, b, 'intersection');
/** a AND NOT b. */
export const maskDifference = (a: Mask, b: Mask): Mask => binaryOp(a, b, 'difference');

export function maskArea(mask: Mask): number {
  const d = mask.data;
  let n = 0;
  for (let i = 0; i < d.length; i++) if (d[i]) n++;
  return n;
}

/** Number of pixels set in both masks. */
export function intersectionArea(a: Mask, b: Mask): number {
  assertSameSize(a, b);
  const ad = a.data;
  const bd = b.data;
  let n = 0;
  for (let i = 0; i < ad.length; i++) if (ad[i] && bd[i]) n++;
  return n;
}

/**
 * Bounding box (x1/y1 exclusive) of the mask's non-zero pixels, searching only `region` (integer
 * pixel bounds): the caller knows the mask is 0 outside it (e.g. a crop the mask was pasted in).
 * Only the region's pixels are read (a native scan per row): the cost follows the region, not
 * the image. Masks are 0/1 (Mask).
 */
export function maskBoundsWithin(
  data: Uint8Array,
  width: number,
  height: number,
  region: Box,
): Box | null {
  if (data.length !== width * height)
    throw new PromptError('data', `length ${data.length} does not match ${width}x${height}`);
  const rx0 = Math.max(0, Math.floor(region.x0));
  const rx1 = Math.min(width, Math.ceil(region.x1));
  const ry0 = Math.max(0, Math.floor(region.y0));
  const ry1 = Math.min(height, Math.ceil(region.y1));
  let x0 = width;
  let y0 = -1;
  let x1 = -1;
  let y1 = -1;
  for (let y = ry0; y < ry1 && rx0 < rx1; y++) {
    // Masks are 0/1 (Mask): indexOf is a native scan.
    const row = data.subarray(y * width + rx0, y * width + rx1);
    const first = row.indexOf(1);
    if (first < 0) continue;
    const last = row.lastIndexOf(1);
    if (y0 < 0) y0 = y;
    y1 = y;
    if (rx0 + first < x0) x0 = rx0 + first;
    if (rx0 + last > x1) x1 = rx0 + last;
  }
  if (y0 < 0) return null;
  return { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** The box's pixels set (a pixel is in when its cell overlaps the box; clipped to the image). */
export function maskFromBox(box: Box, width: number, height: number): Mask {
  const data = new Uint8Array(width * height);
  const x0 = Math.max(0, Math.floor(box.x0));
  const y0 = Math.max(0, Math.floor(box.y0));
  const x1 = Math.min(width, Math.ceil(box.x1));
  const y1 = Math.min(height, Math.ceil(box.y1));
  for (let y = y0; y < y1; y++) if (x1 > x0) data.fill(1, y * width + x0, y * width + x1);
  return { width, height, data };
}

/** Tight box in continuous image coordinates: {x0: minCol, y0: minRow, x1: maxCol+1, y1: maxRow+1}; null if empty. */
export function maskBoundingBox(mask: Mask): Box | null {
  const { width: w, height: h, data } = mask;
  assertMaskSize(mask, w, h);
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let first = -1;
    let last = -1;
    for (let x = 0; x < w; x++) {
      if (data[row + x]) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0) {
      if (y0 === h) y0 = y;
      y1 = y;
      if (first < x0) x0 = first;
      if (last > x1) x1 = last;
    }
  }
  if (x1 < 0) return null;
  return { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

export interface ComponentLabels {
  /** Row-major, 0 = background, 1..count = component id (in order of first pixel, row-major). */
  labels: Int32Array;
  count: number;
  /** areas[k-1] = pixel count of component k. */
  areas: number[];
}

/** Labels connected components with a stack flood fill (4- or 8-connectivity). */
export function labelComponents(mask: Mask, connectivity: 4 | 8 = 8): ComponentLabels {
  const { width: w, height: h, data } = mask;
  assertMaskSize(mask, w, h);
  if (connectivity !== 4 && connectivity !== 8)
    throw new PromptError('connectivity', `must be 4 or 8, got ${connectivity}`);
  const labels = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  const areas: number[] = [];
  let count = 0;
  for (let s = 0; s < data.length; s++) {
    if (!data[s] || labels[s]) continue;
    count++;
    let area = 0;
    let top = 0;
    stack[top++] = s;
    labels[s] = count;
    while (top > 0) {
      const i = stack[--top] as number;
      area++;
      const y = (i / w) | 0;
      const x = i - y * w;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (connectivity === 4 && dx !== 0 && dy !== 0)) continue;
          const nx = x + dx;
          if (nx < 0 || nx >= w) continue;
          const j = ny * w + nx;
          if (data[j] && !labels[j]) {
            labels[j] = count;
            stack[top++] = j;
          }
        }
      }
    }
    areas.push(area);
  }
  return { labels, count, areas };
}

/** One mask per connected component, in order of first pixel (row-major). */
export function connectedComponents(mask: Mask, connectivity: 4 | 8 = 8): Mask[] {
  const { labels, count } = labelComponents(mask, connectivity);
  const out: Mask[] = [];
  for (let k = 0; k < count; k++) out.push(createMask(mask.width, mask.height));
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] as number;
    if (l) (out[l - 1] as Mask).data[i] = 1;
  }
  return out;
}

/** Keeps only the largest connected component (empty mask stays empty). */
export function largestComponent(mask: Mask, connectivity: 4 | 8 = 8): Mask {
  const { labels, count, areas } = labelComponents(mask, connectivity);
  const out = createMask(mask.width, mask.height);
  if (count === 0) return out;
  let best = 0;
  for (let k = 1; k < count; k++) if ((areas[k] as number) > (areas[best] as number)) best = k;
  for (let i = 0; i < labels.length; i++) if (labels[i] === best + 1) out.data[i] = 1;
  return out;
}

/** Nearest-neighbour resize; destination pixel centres map onto source pixels (same convention as the crop). */
export function resizeMaskNearest(mask: Mask, width: number, height: number): Mask {
  assertMaskSize(mask, mask.width, mask.height);
  const out = createMask(width, height);
  const sw = mask.width;
  const sh = mask.height;
  const xs = new Int32Array(width);
  for (let x = 0; x < width; x++) xs[x] = Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / width));
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / height));
    const srow = sy * sw;
    const drow = y * width;
    for (let x = 0; x < width; x++)
      out.data[drow + x] = mask.data[srow + (xs[x] as number)] as number;
  }
  return out;
}
