/**
 * Pseudo fluorescein-angiography images from real DRIVE fundus photographs (research use only;
 * read from ../shared/data/drive-train, never copied into the repo): green channel, background
 * (large blur) subtracted and inverted so vessels are bright as in FA, field of view applied,
 * then synthetic leakage lesions with exact masks drawn on top (same lesion model as
 * synthetic-fa.ts). Returns [] with one log line when the data folder is absent.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../ops/seeded-random';
import { readPngRgba } from './png';
import { drawLesions, placeLesions, type SyntheticFaSample } from './synthetic-fa';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The DRIVE folder: LOUPE_DRIVE_DIR if set, else ../shared/data/drive-train beside the repo. */
export function driveDataDir(): string {
  return process.env.LOUPE_DRIVE_DIR ?? path.resolve(repoRoot, '../shared/data/drive-train');
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

export interface DrivePseudoFaOptions {
  /** How many images (cycling over the 20 DRIVE images with different lesions); default 20. */
  count?: number;
  seed?: number;
  dataDir?: string;
  lesions?: [number, number];
  radius?: [number, number];
  log?: (line: string) => void;
}

export async function loadDrivePseudoFa(
  options: DrivePseudoFaOptions = {},
): Promise<SyntheticFaSample[]> {
  const dir = options.dataDir ?? driveDataDir();
  const log = options.log ?? ((line: string) => console.log(line));
  if (!existsSync(path.join(dir, 'images'))) {
    log(`[model] DRIVE data not found at ${dir}: skipping pseudo-FA images`);
    return [];
  }
  const files = (await readdir(path.join(dir, 'images'))).filter((f) => f.endsWith('.png')).sort();
  const count = options.count ?? files.length;
  const rng = createRng(options.seed ?? 11);
  const out: SyntheticFaSample[] = [];
  const backgrounds = new Map<
    string,
    { base: Float32Array; fov: Uint8Array; width: number; height: number }
  >();
  for (let i = 0; i < count; i++) {
    const file = files[i % files.length] as string;
    let bg = backgrounds.get(file);
    if (!bg) {
      const rgb = await readPngRgba(path.join(dir, 'images', file));
      const { width, height } = rgb;
      const fovFile = path.join(dir, 'fov', file);
      const fov = new Uint8Array(width * height);
      if (existsSync(fovFile)) {
        const f = await readPngRgba(fovFile);
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
      bg = { base, fov, width, height };
      backgrounds.set(file, bg);
    }
    const { width, height, fov } = bg;
    const img = bg.base.slice();
    const count =
      (options.lesions ?? [1, 4])[0] +
      rng.int((options.lesions ?? [1, 4])[1] - (options.lesions ?? [1, 4])[0] + 1);
    const lesions = placeLesions(
      width,
      height,
      count,
      options.radius ?? [5, 45],
      rng,
      (cx, cy, r) =>
        fov[Math.round(cy) * width + Math.round(cx)] === 1 &&
        fov[Math.round(cy) * width + Math.min(width - 1, Math.round(cx + r))] === 1 &&
        fov[Math.round(cy) * width + Math.max(0, Math.round(cx - r))] === 1,
    );
    const { lesionMasks, union } = drawLesions(img, width, height, lesions);
    const image = new Uint8Array(width * height);
    for (let p = 0; p < image.length; p++)
      image[p] = fov[p]
        ? Math.max(0, Math.min(255, Math.round(((img[p] as number) + rng.normal() * 0.02) * 255)))
        : 0;
    out.push({ image, width, height, mask: union, lesions: lesionMasks });
  }
  return out;
}
