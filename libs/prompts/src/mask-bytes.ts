/**
 * Compact binary mask encoding for the database.
 *
 * Layout: magic 0x4C ('L'), version 0x01, varint width, varint height, varint run count,
 * then the runs as unsigned LEB128 varints. Runs are row-major and start with a background run
 * (possibly 0), alternating 0/1. Decoding checks every field and that runs sum to width*height.
 */
import { PromptError } from './errors';
import type { Box } from './schemas';
import type { Mask } from './mask';
import { assertMaskSize } from './mask';

export const MASK_BYTES_MAGIC = 0x4c;
export const MASK_BYTES_VERSION = 1;

/**
 * `within`: a rectangle (integer pixel bounds, x1/y1 exclusive) outside which the caller knows the
 * mask is 0, e.g. its bounding box; only pixels inside it are read, so a small object on a large
 * image encodes in time proportional to its box. The bytes are the same as without it.
 */
export function encodeMaskBytes(mask: Mask, within?: Box | null): Uint8Array {
  const { width: w, height: h, data } = mask;
  assertMaskSize(mask, w, h);
  const n = w * h;
  if (within === undefined) {
    const runs: number[] = [];
    let cur = 0;
    let start = 0;
    for (let i = 0; i < n; i++) {
      if ((data[i] ? 1 : 0) !== cur) {
        runs.push(i - start);
        start = i;
        cur ^= 1;
      }
    }
    runs.push(n - start);
    return runsToBytes(w, h, runs);
  }
  if (within === null) return runsToBytes(w, h, [n]);
  const x0 = Math.max(0, Math.floor(within.x0));
  const x1 = Math.min(w, Math.ceil(within.x1));
  const y0 = Math.max(0, Math.floor(within.y0));
  const y1 = Math.min(h, Math.ceil(within.y1));
  return runsToBytes(
    w,
    h,
    runsWithin(w, h, x0, x1, y0, y1, (y) => data.subarray(y * w + x0, y * w + x1)),
  );
}

/**
 * encodeMaskBytes for a crop-sized mask: `data` holds the pixels of `bounds` (integer image
 * pixels, x1/y1 exclusive) row by row, and the mask is 0 outside it (null: empty). The bytes are
 * those of the full-resolution mask; only the crop is read.
 */
export function encodeMaskRegionBytes(
  width: number,
  height: number,
  bounds: Box | null,
  data: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0)
    throw new PromptError('size', `must be positive integers, got ${width}x${height}`);
  if (!bounds) return runsToBytes(width, height, [width * height]);
  const { x0, y0, x1, y1 } = bounds;
  const bw = x1 - x0;
  if (
    ![x0, y0, x1, y1].every(Number.isInteger) ||
    x0 < 0 ||
    y0 < 0 ||
    x1 > width ||
    y1 > height ||
    bw <= 0 ||
    y1 <= y0 ||
    data.length !== bw * (y1 - y0)
  )
    throw new PromptError(
      'bounds',
      `${JSON.stringify(bounds)} with ${data.length} values does not fit a ${width}x${height} mask`,
    );
  return runsToBytes(
    width,
    height,
    runsWithin(width, height, x0, x1, y0, y1, (y) =>
      data.subarray((y - y0) * bw, (y - y0 + 1) * bw),
    ),
  );
}

/** The runs of a width x height mask that is 0 outside [x0, x1) x [y0, y1); row(y) gives its span. */
function runsWithin(
  w: number,
  h: number,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  row: (y: number) => Uint8Array,
): number[] {
  const n = w * h;
  const runs: number[] = [];
  let cur = 0;
  let start = 0;
  // Pixels between the end of one row's span and the start of the next are 0.
  let spanEnd = 0;
  for (let y = y0; y < y1 && x0 < x1; y++) {
    const a = y * w + x0;
    const b = y * w + x1;
    if (cur === 1 && a !== spanEnd) {
      runs.push(spanEnd - start);
      start = spanEnd;
      cur = 0;
    }
    const span = row(y);
    for (let t = 0; t < span.length; t++) {
      if ((span[t] ? 1 : 0) !== cur) {
        runs.push(a + t - start);
        start = a + t;
        cur ^= 1;
      }
    }
    spanEnd = b;
  }
  if (cur === 1 && spanEnd < n) {
    runs.push(spanEnd - start);
    start = spanEnd;
  }
  runs.push(n - start);
  return runs;
}

function runsToBytes(w: number, h: number, runs: readonly number[]): Uint8Array {
  const out = new Uint8Array(2 + 5 * (3 + runs.length));
  out[0] = MASK_BYTES_MAGIC;
  out[1] = MASK_BYTES_VERSION;
  let p = 2;
  const put = (v: number) => {
    while (v >= 0x80) {
      out[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    out[p++] = v;
  };
  put(w);
  put(h);
  put(runs.length);
  for (const r of runs) put(r);
  return out.slice(0, p);
}

/** A mask as its runs (row-major, alternating 0/1, starting with a background run), no pixels. */
export interface MaskRuns {
  width: number;
  height: number;
  runs: Float64Array;
}

/**
 * The runs of mask bytes, checked exactly as decodeMaskBytes checks them (same errors), without
 * materialising the width x height pixels: what the server needs for area, box and overlap.
 */
export function decodeMaskRuns(bytes: Uint8Array): MaskRuns {
  if (!(bytes instanceof Uint8Array)) throw new PromptError('bytes', 'must be a Uint8Array');
  if (bytes.length < 2 || bytes[0] !== MASK_BYTES_MAGIC)
    throw new PromptError('bytes', 'not a Loupe mask (bad magic byte)');
  if (bytes[1] !== MASK_BYTES_VERSION)
    throw new PromptError('bytes', `unsupported mask format version ${bytes[1]}`);
  let p = 2;
  const get = (what: string): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (p >= bytes.length) throw new PromptError('bytes', `truncated while reading ${what}`);
      const b = bytes[p++] as number;
      v += (b & 0x7f) * mul;
      if (!(b & 0x80)) return v;
      mul *= 128;
      if (mul > 2 ** 49) throw new PromptError('bytes', `varint too long while reading ${what}`);
    }
  };
  const w = get('width');
  const h = get('height');
  if (w <= 0 || h <= 0 || w * h > 2 ** 31)
    throw new PromptError('bytes', `invalid mask size ${w}x${h}`);
  const nRuns = get('run count');
  // Every run takes at least one byte: a count larger than what is left is corrupt, and is
  // caught before allocating anything.
  if (nRuns < 1 || nRuns > bytes.length - p)
    throw new PromptError('bytes', `invalid run count ${nRuns}`);
  const n = w * h;
  const runs = new Float64Array(nRuns);
  let pos = 0;
  for (let k = 0; k < nRuns; k++) {
    const r = get(`run ${k}`);
    if (pos + r > n) throw new PromptError('bytes', `runs exceed ${w}x${h} pixels`);
    runs[k] = r;
    pos += r;
  }
  if (pos !== n) throw new PromptError('bytes', `runs cover ${pos} of ${n} pixels`);
  if (p !== bytes.length) throw new PromptError('bytes', `${bytes.length - p} trailing bytes`);
  return { width: w, height: h, runs };
}

export function decodeMaskBytes(bytes: Uint8Array): Mask {
  const { width: w, height: h, runs } = decodeMaskRuns(bytes);
  const data = new Uint8Array(w * h);
  let pos = 0;
  for (let k = 0; k < runs.length; k++) {
    const r = runs[k] as number;
    if (k & 1) data.fill(1, pos, pos + r);
    pos += r;
  }
  return { width: w, height: h, data };
}

/** Foreground pixels of a run-length mask. */
export function runsArea(mask: MaskRuns): number {
  let area = 0;
  for (let k = 1; k < mask.runs.length; k += 2) area += mask.runs[k] as number;
  return area;
}

/** Bounding box (x1/y1 exclusive) of a run-length mask's foreground, or null when empty. */
export function runsBoundingBox(mask: MaskRuns): Box | null {
  const { width: w, runs } = mask;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = -1;
  let y1 = -1;
  let pos = 0;
  for (let k = 0; k < runs.length; k++) {
    const r = runs[k] as number;
    if (k & 1 && r > 0) {
      const first = pos;
      const last = pos + r - 1;
      const fy = Math.floor(first / w);
      const ly = Math.floor(last / w);
      const fx = first - fy * w;
      const lx = last - ly * w;
      if (fy < y0) y0 = fy;
      if (ly > y1) y1 = ly;
      if (ly > fy) {
        // A run over a row break reaches both ends of a row.
        x0 = 0;
        x1 = w - 1;
      } else {
        if (fx < x0) x0 = fx;
        if (lx > x1) x1 = lx;
      }
    }
    pos += r;
  }
  if (x1 < 0) return null;
  return { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** Pixels in the foreground of both run-length masks (same size). */
export function runsIntersectionArea(a: MaskRuns, b: MaskRuns): number {
  if (a.width !== b.width || a.height !== b.height)
    throw new PromptError('mask', `sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  let i = 0;
  let j = 0;
  let aStart = 0;
  let bStart = 0;
  let overlap = 0;
  const ra = a.runs;
  const rb = b.runs;
  // Walk both run lists; each step ends at the nearer run end.
  while (i < ra.length && j < rb.length) {
    const aEnd = aStart + (ra[i] as number);
    const bEnd = bStart + (rb[j] as number);
    const end = Math.min(aEnd, bEnd);
    if (i & 1 && j & 1) overlap += Math.max(0, end - Math.max(aStart, bStart));
    if (aEnd === end) {
      aStart = aEnd;
      i++;
    }
    if (bEnd === end) {
      bStart = bEnd;
      j++;
    }
  }
  return overlap;
}
