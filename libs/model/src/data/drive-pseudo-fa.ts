/**
 * Pseudo fluorescein-angiography images from real DRIVE fundus photographs (research use only;
 * read from ../shared/data/drive-train, never copied into the repo): the pseudo-FA background of
 * drive-pseudo-fa-background.ts, then synthetic leakage lesions with exact masks drawn on top
 * (same lesion model as synthetic-fa.ts). Returns [] with one log line when the data folder is
 * absent.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../ops/seeded-random';
import { loadDrivePseudoFaBackground } from './drive-pseudo-fa-background';
import { drawLesions, placeLesions, type SyntheticFaSample } from './synthetic-fa';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The DRIVE folder: LOUPE_DRIVE_DIR if set, else ../shared/data/drive-train beside the repo. */
export function driveDataDir(): string {
  return process.env.LOUPE_DRIVE_DIR ?? path.resolve(repoRoot, '../shared/data/drive-train');
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
  for (let i = 0; i < count; i++) {
    const file = files[i % files.length] as string;
    const bg = await loadDrivePseudoFaBackground(dir, file);
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
