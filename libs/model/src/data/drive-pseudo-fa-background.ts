/**
 * A real DRIVE fundus photograph turned into a pseudo fluorescein-angiography background (research
 * use only; read from ../shared/data/drive-train, never copied into the repo): green channel,
 * background (large blur) subtracted and inverted so vessels are bright as in FA, field of view
 * applied, scaled to a dark fundus (~0.12) with bright vessels (up to ~0.6). No lesions: the lesion
 * generators (drive-pseudo-fa.ts, metaball-leakage-fa.ts) draw on top of it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readPngRgba } from './png';

export interface DrivePseudoFaBackground {
  /** 0..1 floats, row-major; 0 outside the field of view. */
  base: Float32Array;
  /** 1 inside the field of view. */
  fov: Uint8Array;
  width: number;
  height: number;
}

/** Separable box blur with edge clamping, `passes` times (~Gaussian). */
function boxBlur(src: Float32Array, w: number, h: number, r: number, passes = 3): Float32Array {
  let a = src.slice();
  let b = new Float32Array(a.length);
  for (let p = 0; p < passes; p++) {
    for (let y = 0; y < h; y++) {
      let acc = 0;
      for (let x = -r; x <= r; x++) acc += a[y * w + Math.min(w - 1, Math.max(0, x))] as number;
      for (let x = 0; x < w; x++) {
        b[y * w + x] = acc / (2 * r + 1);
        acc +=
          (a[y * w + Math.min(w - 1, x + r + 1)] as number) -
          (a[y * w + Math.max(0, x - r)] as number);
      }
    }
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let y = -r; y <= r; y++) acc += b[Math.min(h - 1, Math.max(0, y)) * w + x] as number;
      for (let y = 0; y < h; y++) {
        a[y * w + x] = acc / (2 * r + 1);
        acc +=
          (b[Math.min(h - 1, y + r + 1) * w + x] as number) -
          (b[Math.max(0, y - r) * w + x] as number);
      }
    }
    [a, b] = [a, b];
  }
  return a;
}

/** Loaded backgrounds by path (20 DRIVE images are ~30 MB): callers copy before drawing. */
const cache = new Map<string, Promise<DrivePseudoFaBackground>>();

/**
 * The pseudo-FA background of `images/<file>` in the DRIVE folder `dir` (with `fov/<file>` when
 * present), loaded once per process. Read-only: copy `base` before drawing on it.
 */
export function loadDrivePseudoFaBackground(
  dir: string,
  file: string,
): Promise<DrivePseudoFaBackground> {
  const key = path.resolve(dir, 'images', file);
  let loading = cache.get(key);
  if (!loading) {
    loading = readBackground(dir, file);
    cache.set(key, loading);
    loading.catch(() => cache.delete(key));
  }
  return loading;
}

async function readBackground(dir: string, file: string): Promise<DrivePseudoFaBackground> {
  const rgb = await readPngRgba(path.join(dir, 'images', file));
  const { width, height } = rgb;
  const fovFile = path.join(dir, 'fov', file);
  const fov = new Uint8Array(width * height);
  if (existsSync(fovFile)) {
    const f = await readPngRgba(fovFile);
    if (f.width !== width || f.height !== height)
      throw new Error(
        `${fovFile}: field of view ${f.width}x${f.height} does not match the image ${width}x${height}`,
      );
    for (let p = 0; p < fov.length; p++) fov[p] = (f.data[4 * p] as number) > 127 ? 1 : 0;
  } else fov.fill(1);
  const green = new Float32Array(width * height);
  for (let p = 0; p < green.length; p++) green[p] = (rgb.data[4 * p + 1] as number) / 255;
  const background = boxBlur(green, width, height, 12);
  // Inverted background-subtracted green: vessels (dark in green) become bright, as in FA.
  const base = new Float32Array(width * height);
  const inside: number[] = [];
  for (let p = 0; p < base.length; p++) {
    if (!fov[p]) continue;
    base[p] = (background[p] as number) - (green[p] as number);
    if (p % 7 === 0) inside.push(base[p] as number);
  }
  inside.sort((x, y) => x - y);
  const median = inside[Math.floor(inside.length * 0.5)] ?? 0;
  const top = inside[Math.floor(inside.length * 0.995)] ?? median + 1e-3;
  const span = Math.max(1e-6, top - median);
  // Dark fundus (~0.12) with bright vessels (up to ~0.6), as in an FA frame.
  for (let p = 0; p < base.length; p++)
    base[p] = fov[p]
      ? 0.12 + 0.45 * Math.min(1.1, Math.max(0, ((base[p] as number) - median) / span))
      : 0;
  return { base, fov, width, height };
}
