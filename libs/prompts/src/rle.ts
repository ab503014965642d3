/**
 * COCO run-length encoding (pycocotools-compatible).
 *
 * COCO RLE runs over the mask in column-major order (x outer, y inner) and always starts with a
 * background run, which may be 0. `size` is [height, width], as in COCO JSON.
 */
import { PromptError } from './errors';
import type { Mask } from './mask';
import { assertMaskSize } from './mask';

export interface CocoRle {
  size: [number, number];
  counts: number[];
}

/**
 * Visits every column-major transition (a pixel whose value differs from the previous pixel in
 * column-major order, the first pixel compared with 0) in row-major order, which is cache-friendly.
 * Rows identical to the row above are skipped 4 bytes at a time when the layout allows it.
 */
function forEachTransition(mask: Mask, visit: (x: number, y: number) => void): void {
  const { width: w, height: h, data } = mask;
  // y = 0: compare with the last pixel of the previous column (0 before the first column).
  for (let x = 0; x < w; x++) {
    const prev = x === 0 ? false : data[(h - 1) * w + x - 1] !== 0;
    if ((data[x] !== 0) !== prev) visit(x, 0);
  }
  const words =
    w % 4 === 0 && data.byteOffset % 4 === 0
      ? new Uint32Array(data.buffer, data.byteOffset, (w * h) / 4)
      : null;
  const ww = w / 4;
  for (let y = 1; y < h; y++) {
    const row = y * w;
    if (words) {
      const wr = y * ww;
      for (let k = 0; k < ww; k++) {
        if (words[wr + k] === words[wr - ww + k]) continue;
        for (let x = 4 * k; x < 4 * k + 4; x++)
          if (data[row + x] !== data[row - w + x]) visit(x, y);
      }
    } else {
      for (let x = 0; x < w; x++)
        if ((data[row + x] !== 0) !== (data[row - w + x] !== 0)) visit(x, y);
    }
  }
}

export function encodeRle(mask: Mask): CocoRle {
  const { width: w, height: h } = mask;
  assertMaskSize(mask, w, h);
  // Pass 1: transitions per column; pass 2: their column-major positions, bucketed by column
  // (row-major visiting order keeps each column's positions sorted).
  const perColumn = new Int32Array(w + 1);
  forEachTransition(mask, (x) => perColumn[x + 1]!++);
  for (let x = 0; x < w; x++) perColumn[x + 1]! += perColumn[x]!;
  const total = perColumn[w] as number;
  const pos = new Float64Array(total);
  const fill = perColumn.slice(0, w);
  forEachTransition(mask, (x, y) => {
    pos[fill[x]!++] = x * h + y;
  });
  const counts: number[] = new Array(total + 1);
  let last = 0;
  for (let k = 0; k < total; k++) {
    const p = pos[k] as number;
    counts[k] = p - last;
    last = p;
  }
  counts[total] = w * h - last;
  return { size: [h, w], counts };
}

function checkRle(rle: CocoRle): [number, number] {
  if (!rle || !Array.isArray(rle.size) || rle.size.length !== 2)
    throw new PromptError('rle.size', 'must be [height, width]');
  const [h, w] = rle.size;
  if (!Number.isInteger(h) || h <= 0 || !Number.isInteger(w) || w <= 0)
    throw new PromptError('rle.size', `must be positive integers, got [${h}, ${w}]`);
  if (!Array.isArray(rle.counts))
    throw new PromptError('rle.counts', 'must be an array of run lengths');
  return [h, w];
}

export function decodeRle(rle: CocoRle): Mask {
  const [h, w] = checkRle(rle);
  const n = w * h;
  const counts = rle.counts;
  // Validate before allocating, so corrupt input never allocates a huge mask.
  let sum = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k] as number;
    if (!Number.isInteger(c) || c < 0)
      throw new PromptError(`rle.counts.${k}`, `must be a non-negative integer, got ${c}`);
    sum += c;
  }
  if (sum !== n)
    throw new PromptError('rle.counts', `runs sum to ${sum}, expected ${n} pixels (${h}x${w})`);
  const data = new Uint8Array(n);
  let p = 0; // column-major position
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k] as number;
    if (k & 1) {
      let x = Math.floor(p / h);
      let y = p - x * h;
      let i = y * w + x;
      for (let r = 0; r < c; r++) {
        data[i] = 1;
        if (++y === h) {
          y = 0;
          x++;
          i = x;
        } else i += w;
      }
    }
    p += c;
  }
  return { width: w, height: h, data };
}

/** COCO compressed RLE string (pycocotools rleToString): delta + LEB128-like 5-bit chunks + 48. */
export function rleToCocoString(rle: CocoRle): string {
  checkRle(rle);
  const cnts = rle.counts;
  const out: number[] = [];
  for (let i = 0; i < cnts.length; i++) {
    let x = cnts[i] as number;
    if (i > 2) x -= cnts[i - 2] as number;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x = Math.floor(x / 32); // arithmetic shift, safe beyond 32 bits
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out.push(c + 48);
    }
  }
  let s = '';
  for (let i = 0; i < out.length; i += 8192) s += String.fromCharCode(...out.slice(i, i + 8192));
  return s;
}

/** Inverse of rleToCocoString (pycocotools rleFrString). `size` is [height, width]. */
export function rleFromCocoString(counts: string, size: [number, number]): CocoRle {
  checkRle({ size, counts: [] });
  const cnts: number[] = [];
  let p = 0;
  while (p < counts.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= counts.length) throw new PromptError('rle.counts', 'truncated COCO RLE string');
      const c = counts.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new PromptError('rle.counts', `invalid character at ${p}`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k);
    }
    if (cnts.length > 2) x += cnts[cnts.length - 2] as number;
    cnts.push(x);
  }
  return { size: [size[0], size[1]], counts: cnts };
}

/** A COCO `segmentation` object in RLE form: compressed (string counts) or uncompressed (number[]). */
export interface CocoRleJson {
  size: [number, number];
  counts: string | number[];
}

/** Decodes either COCO RLE form (as found in annotation JSON). */
export function decodeCocoSegmentation(seg: CocoRleJson): Mask {
  if (!seg || typeof seg !== 'object')
    throw new PromptError('segmentation', 'must be {size, counts}');
  const rle =
    typeof seg.counts === 'string'
      ? rleFromCocoString(seg.counts, seg.size)
      : { size: seg.size, counts: seg.counts };
  return decodeRle(rle);
}

/** Compressed COCO RLE, the form pycocotools.mask.encode returns (counts decoded to a string). */
export function encodeCocoSegmentation(mask: Mask): { size: [number, number]; counts: string } {
  const rle = encodeRle(mask);
  return { size: rle.size, counts: rleToCocoString(rle) };
}
