/**
 * Compact binary mask encoding for the database.
 *
 * Layout: magic 0x4C ('L'), version 0x01, varint width, varint height, varint run count,
 * then the runs as unsigned LEB128 varints. Runs are row-major and start with a background run
 * (possibly 0), alternating 0/1. Decoding checks every field and that runs sum to width*height.
 */
import { PromptError } from './errors';
import type { Mask } from './mask';
import { assertMaskSize } from './mask';

export const MASK_BYTES_MAGIC = 0x4c;
export const MASK_BYTES_VERSION = 1;

export function encodeMaskBytes(mask: Mask): Uint8Array {
  const { width: w, height: h, data } = mask;
  assertMaskSize(mask, w, h);
  const n = w * h;
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

export function decodeMaskBytes(bytes: Uint8Array): Mask {
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
  const data = new Uint8Array(n);
  pos = 0;
  for (let k = 0; k < nRuns; k++) {
    const r = runs[k] as number;
    if (k & 1) data.fill(1, pos, pos + r);
    pos += r;
  }
  if (p !== bytes.length) throw new PromptError('bytes', `${bytes.length - p} trailing bytes`);
  return { width: w, height: h, data };
}
