/**
 * The out-of-distribution lesion set: leakage drawn by a second lesion model, unlike the training
 * generator's (synthetic-fa.ts, also used by drive-pseudo-fa.ts), on the same real DRIVE pseudo-FA
 * backgrounds (drive-pseudo-fa-background.ts; research use only, skipped with one line when absent).
 * Masks are exact: the image is rendered from the mask, not thresholded from the image.
 *
 * How it differs from the training lesions:
 * - Shape. Training: one star-convex contour per lesion, r(theta) = R (1 + sum_{k=2..5} a_k
 *   cos(k theta + phi_k)), clamped at 0.35 R, lesions kept apart. Here: a metaball union, the
 *   0.5 level set of 2-6 anisotropic Gaussian kernels (lobes, necks, not star-convex) minus 0-2
 *   negative kernels at the rim (bays, sometimes holes), plus 0-3 satellite lesions of 40-150 px
 *   at 1.3-2 R from the main one (separate objects in the same box neighbourhood; one that touches
 *   merges with it). Objects are the 8-connected components of the union, 40 px to ~6000 px.
 * - Edge profile. Training: a logistic falloff over 6-18 % of the radius (several pixels on large
 *   lesions), mask at the half-maximum contour. Here: a hard edge (a 3x3 binomial blur of the mask,
 *   ~1 px), and on about a third of the lesions a bright rim (staining brightest at the border,
 *   decaying inwards over 1.5-3 px) instead of a plateau brightest in the middle.
 * - Texture. Training: a smooth plateau. Here: granular, 1 + g * (fine ~1 px grain + coarse ~3 px
 *   clumps), g = 0.3-0.6, so the interior varies by tens of percent pixel to pixel.
 * - Intensity. Training: always brighter, amplitude 0.35-0.7 on a ~0.12 fundus, max-blended (the
 *   lesion washes out the vessels under it). Here: 65 % hyperfluorescent with a low contrast of
 *   0.12-0.3 added to the background (vessels show through, as bright as the lesion or brighter),
 *   35 % hypofluorescent (darker than the fundus: the background times 1 - (0.45-0.8)).
 * Backgrounds and noise (Gaussian, sigma 0.02) are those of drive-pseudo-fa.ts, randomly mirrored.
 *
 * Splits. 'evaluation' (bench:quality's OOD set, `npm run eval`) uses the last 30 % of the DRIVE
 * images by name (6 of 20) and is never used for training or model selection: every evaluation
 * image is marked evaluation-only (evaluation-only.ts) and fineTune / pretrainMae refuse it, the
 * folder writer (scripts/write-ood-folder.ts) refuses to write it, and a spec checks that no
 * training entry point imports this module. 'domain' (the other 14 backgrounds, a salted seed
 * stream: no seed reproduces an evaluation image) stands for a new clinic's images: MAE
 * pretraining and fine-tuning in bench:mae, and the folder `bench:loop -- --data` runs on.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { distanceTransform, labelComponents, type Mask } from '@loupe/prompts';
import { createRng, type Rng } from '../ops/seeded-random';
import { driveDataDir } from './drive-pseudo-fa';
import {
  loadDrivePseudoFaBackground,
  type DrivePseudoFaBackground,
} from './drive-pseudo-fa-background';
import { markEvaluationOnly } from './evaluation-only';
import type { SyntheticFaSample } from './synthetic-fa';

export type MetaballLeakageSplit = 'evaluation' | 'domain';

/** bright: hyperfluorescent (brighter than the background); dark: hypofluorescent. */
export type LesionPolarity = 'bright' | 'dark';

export interface MetaballLeakageSample extends SyntheticFaSample {
  /** polarity[k] is lesions[k]'s (a component's first pixel decides where two lesions touch). */
  polarity: LesionPolarity[];
}

export const METABALL_LEAKAGE_SOURCE =
  'the out-of-distribution evaluation set (metaball-leakage-fa)';

export interface MetaballLeakageOptions {
  split: MetaballLeakageSplit;
  count: number;
  seed?: number;
  dataDir?: string;
  /** Main lesions per image, inclusive (default [1, 4]); each may bring satellites. With a
   * minimum of 0 some images have no lesion. */
  lesions?: [number, number];
  /** Target area of a main lesion in pixels, log-uniform (default [80, 5000]). */
  area?: [number, number];
  /** Components smaller than this are left out of image and mask (default 40). */
  minObjectArea?: number;
  log?: (line: string) => void;
}

interface Kernel {
  x: number;
  y: number;
  /** Squared radii along the kernel's own axes. */
  ru2: number;
  rv2: number;
  cos: number;
  sin: number;
  weight: number;
}

/** One main lesion with its satellites; they share how they look. */
interface LesionGroup {
  kernels: Kernel[];
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  bright: boolean;
  contrast: number;
  granularity: number;
  /** 0: no rim; else extra brightness at the border. */
  rim: number;
  rimWidth: number;
}

const LEVEL = 0.5;
/** Seed salts per split: the two streams never coincide for any seed. */
const SPLIT_SALT: Record<MetaballLeakageSplit, number> = {
  evaluation: 0x0e7a_1c3d,
  domain: 0x00d0_3a17,
};

function kernel(
  x: number,
  y: number,
  r: number,
  elongation: number,
  angle: number,
  weight: number,
): Kernel {
  const e = Math.sqrt(elongation);
  return {
    x,
    y,
    ru2: (r * e) ** 2,
    rv2: (r / e) ** 2,
    cos: Math.cos(angle),
    sin: Math.sin(angle),
    weight,
  };
}

function field(kernels: Kernel[], px: number, py: number): number {
  let f = 0;
  for (const k of kernels) {
    const dx = px - k.x;
    const dy = py - k.y;
    const u = dx * k.cos + dy * k.sin;
    const v = -dx * k.sin + dy * k.cos;
    f += k.weight * Math.exp(-0.5 * ((u * u) / k.ru2 + (v * v) / k.rv2));
  }
  return f;
}

function makeGroup(cx: number, cy: number, radius: number, rng: Rng): LesionGroup {
  const kernels: Kernel[] = [
    kernel(cx, cy, radius * rng.range(0.55, 0.8), rng.range(1, 1.8), rng.range(0, Math.PI), 1),
  ];
  const lobes = 1 + rng.int(5);
  for (let i = 0; i < lobes; i++) {
    const a = rng.range(0, 2 * Math.PI);
    const d = radius * rng.range(0.35, 0.95);
    kernels.push(
      kernel(
        cx + d * Math.cos(a),
        cy + d * Math.sin(a),
        radius * rng.range(0.25, 0.55),
        rng.range(1, 2.6),
        rng.range(0, Math.PI),
        1,
      ),
    );
  }
  const bites = rng.int(3);
  for (let i = 0; i < bites; i++) {
    const a = rng.range(0, 2 * Math.PI);
    const d = radius * rng.range(0.65, 1.05);
    kernels.push(
      kernel(
        cx + d * Math.cos(a),
        cy + d * Math.sin(a),
        radius * rng.range(0.22, 0.42),
        1,
        0,
        -rng.range(0.7, 1.3),
      ),
    );
  }
  const satellites = rng.int(4);
  for (let i = 0; i < satellites; i++) {
    const a = rng.range(0, 2 * Math.PI);
    const d = radius * rng.range(1.3, 2) + 4;
    // Level-0.5 radius of one kernel is 1.18 r: 3.6-6.2 px -> ~50-150 px.
    kernels.push(
      kernel(
        cx + d * Math.cos(a),
        cy + d * Math.sin(a),
        rng.range(3.6, 6.2),
        rng.range(1, 1.6),
        rng.range(0, Math.PI),
        1,
      ),
    );
  }
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const k of kernels) {
    if (k.weight <= 0) continue;
    const reach = 2.2 * Math.sqrt(Math.max(k.ru2, k.rv2)) + 2;
    x0 = Math.min(x0, k.x - reach);
    y0 = Math.min(y0, k.y - reach);
    x1 = Math.max(x1, k.x + reach);
    y1 = Math.max(y1, k.y + reach);
  }
  const bright = rng.next() < 0.65;
  return {
    kernels,
    x0,
    y0,
    x1,
    y1,
    bright,
    contrast: bright ? rng.range(0.12, 0.3) : rng.range(0.45, 0.8),
    granularity: rng.range(0.3, 0.6),
    rim: rng.next() < 0.35 ? rng.range(0.6, 1.2) : 0,
    rimWidth: rng.range(1.5, 3),
  };
}

/** Zero-mean, unit-variance noise smoothed by `passes` 3x3 binomial blurs. */
function grain(width: number, height: number, passes: number, rng: Rng): Float32Array {
  let a: Float32Array = new Float32Array(width * height);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  for (let p = 0; p < passes; p++) a = binomialBlur(a, width, height);
  let sum = 0;
  let sq = 0;
  for (const v of a) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / a.length;
  const std = Math.sqrt(Math.max(1e-12, sq / a.length - mean * mean));
  for (let i = 0; i < a.length; i++) a[i] = ((a[i] as number) - mean) / std;
  return a;
}

/** Separable [1 2 1] / 4 blur, edges clamped. */
function binomialBlur(src: Float32Array, w: number, h: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      tmp[i] =
        ((src[y * w + Math.max(0, x - 1)] as number) +
          2 * (src[i] as number) +
          (src[y * w + Math.min(w - 1, x + 1)] as number)) /
        4;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      out[i] =
        ((tmp[Math.max(0, y - 1) * w + x] as number) +
          2 * (tmp[i] as number) +
          (tmp[Math.min(h - 1, y + 1) * w + x] as number)) /
        4;
    }
  return out;
}

function mirrored(bg: DrivePseudoFaBackground): DrivePseudoFaBackground {
  const { width, height } = bg;
  const base = new Float32Array(bg.base.length);
  const fov = new Uint8Array(bg.fov.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      base[y * width + x] = bg.base[y * width + (width - 1 - x)] as number;
      fov[y * width + x] = bg.fov[y * width + (width - 1 - x)] as number;
    }
  return { base, fov, width, height };
}

/** The DRIVE file names a split draws backgrounds from (sorted; evaluation = the last 30 %). */
export function metaballLeakageBackgrounds(
  files: readonly string[],
  split: MetaballLeakageSplit,
): string[] {
  const sorted = files.filter((f) => f.endsWith('.png')).sort();
  if (sorted.length < 2)
    throw new Error(
      `metaball-leakage-fa needs at least 2 DRIVE images (one per split), found ${sorted.length}`,
    );
  const evaluation = Math.max(1, Math.ceil(sorted.length * 0.3));
  return split === 'evaluation'
    ? sorted.slice(sorted.length - evaluation)
    : sorted.slice(0, sorted.length - evaluation);
}

function drawImage(
  bg: DrivePseudoFaBackground,
  rng: Rng,
  lesionRange: [number, number],
  areaRange: [number, number],
  minObjectArea: number,
): MetaballLeakageSample {
  const { width, height, fov } = bg;
  const n = width * height;
  const inFov = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height && fov[Math.floor(y) * width + Math.floor(x)] === 1;

  const count = lesionRange[0] + rng.int(lesionRange[1] - lesionRange[0] + 1);
  const groups: Array<LesionGroup & { cx: number; cy: number; radius: number }> = [];
  for (let tries = 0; groups.length < count && tries < 120; tries++) {
    const area = Math.exp(rng.range(Math.log(areaRange[0]), Math.log(areaRange[1])));
    const radius = Math.sqrt(area / Math.PI);
    const cx = rng.range(0, width);
    const cy = rng.range(0, height);
    const reach = radius * 2.1 + 8;
    const around = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => (k * Math.PI) / 4);
    if (
      !inFov(cx, cy) ||
      around.some((a) => !inFov(cx + reach * Math.cos(a), cy + reach * Math.sin(a)))
    )
      continue;
    if (groups.some((g) => Math.hypot(g.cx - cx, g.cy - cy) < (g.radius + radius) * 2.2 + 12))
      continue;
    groups.push({ ...makeGroup(cx, cy, radius, rng), cx, cy, radius });
  }

  // Which group owns each pixel (level set of its field), then components >= minObjectArea.
  const owner = new Int16Array(n);
  groups.forEach((g, index) => {
    for (let y = Math.max(0, Math.floor(g.y0)); y <= Math.min(height - 1, Math.ceil(g.y1)); y++)
      for (let x = Math.max(0, Math.floor(g.x0)); x <= Math.min(width - 1, Math.ceil(g.x1)); x++) {
        const i = y * width + x;
        if (owner[i] || !fov[i]) continue;
        if (field(g.kernels, x + 0.5, y + 0.5) >= LEVEL) owner[i] = index + 1;
      }
  });
  const union: Mask = { width, height, data: new Uint8Array(n) };
  for (let i = 0; i < n; i++) if (owner[i]) union.data[i] = 1;
  const { labels, count: components, areas } = labelComponents(union, 8);
  const keep = areas.map((a) => a >= minObjectArea);
  for (let i = 0; i < n; i++) {
    const l = labels[i] as number;
    if (l && !keep[l - 1]) {
      union.data[i] = 0;
      owner[i] = 0;
    }
  }

  const fine = grain(width, height, 1, rng);
  const coarse = grain(width, height, 5, rng);
  const img = bg.base.slice();
  groups.forEach((g, index) => {
    // The group's own mask, its ~1 px edge (alpha) and, for rims, the distance inside the edge.
    const gx0 = Math.max(0, Math.floor(g.x0) - 2);
    const gy0 = Math.max(0, Math.floor(g.y0) - 2);
    const gx1 = Math.min(width - 1, Math.ceil(g.x1) + 2);
    const gy1 = Math.min(height - 1, Math.ceil(g.y1) + 2);
    const w = gx1 - gx0 + 1;
    const h = gy1 - gy0 + 1;
    const own = new Float32Array(w * h);
    let any = false;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        if (owner[(y + gy0) * width + x + gx0] === index + 1) {
          own[y * w + x] = 1;
          any = true;
        }
    if (!any) return;
    const alpha = binomialBlur(own, w, h);
    const inside = g.rim > 0 ? distanceTransform(own, w, h, { zeroBorder: true }) : null;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const a = alpha[y * w + x] as number;
        if (a <= 0) continue;
        const i = (y + gy0) * width + x + gx0;
        if (!fov[i]) continue;
        const texture = Math.max(
          0.1,
          1 + g.granularity * (0.75 * (fine[i] as number) + 0.55 * (coarse[i] as number)),
        );
        const d = inside ? Math.max(0, (inside[y * w + x] as number) - 1) : 0;
        const rim = inside ? 1 + g.rim * Math.exp(-d / g.rimWidth) : 1;
        const v = img[i] as number;
        img[i] = g.bright
          ? v + a * g.contrast * texture * rim
          : v * Math.max(0, 1 - a * Math.min(0.95, g.contrast * texture));
      }
  });

  const image = new Uint8Array(n);
  for (let p = 0; p < n; p++)
    image[p] = fov[p]
      ? Math.max(0, Math.min(255, Math.round(((img[p] as number) + rng.normal() * 0.02) * 255)))
      : 0;
  const lesions: Mask[] = [];
  const polarity: LesionPolarity[] = [];
  for (let k = 0; k < components; k++) {
    if (!keep[k]) continue;
    const data = new Uint8Array(n);
    let first = -1;
    for (let i = 0; i < n; i++)
      if (labels[i] === k + 1) {
        data[i] = 1;
        if (first < 0) first = i;
      }
    lesions.push({ width, height, data });
    polarity.push(groups[(owner[first] as number) - 1]?.bright === false ? 'dark' : 'bright');
  }
  return { image, width, height, mask: union, lesions, polarity };
}

/**
 * `count` images of the split, cycling over its DRIVE backgrounds (randomly mirrored) with new
 * lesions each time; the same (split, count, seed) gives the same images. Lesions are in the order
 * evaluateOnnxModel finds them (8-connected components, row-major by first pixel). [] with one log line
 * when the DRIVE folder is absent.
 */
export async function loadMetaballLeakageFa(
  options: MetaballLeakageOptions,
): Promise<MetaballLeakageSample[]> {
  const dir = options.dataDir ?? driveDataDir();
  const log = options.log ?? ((line: string) => console.log(line));
  if (!existsSync(path.join(dir, 'images'))) {
    log(`[model] DRIVE data not found at ${dir}: skipping the out-of-distribution lesion set`);
    return [];
  }
  const salt = SPLIT_SALT[options.split];
  if (salt === undefined)
    throw new Error(
      `metaball-leakage-fa: split must be 'evaluation' or 'domain', got ${String(options.split)}`,
    );
  const files = metaballLeakageBackgrounds(await readdir(path.join(dir, 'images')), options.split);
  const rng = createRng((Math.imul(options.seed ?? 1, 0x9e37_79b1) ^ salt) >>> 0);
  const out: MetaballLeakageSample[] = [];
  for (let i = 0; i < options.count; i++) {
    const file = files[i % files.length] as string;
    const bg = await loadDrivePseudoFaBackground(dir, file);
    const background = rng.next() < 0.5 ? mirrored(bg) : bg;
    const draw = () =>
      drawImage(
        background,
        rng,
        options.lesions ?? [1, 4],
        options.area ?? [80, 5000],
        options.minObjectArea ?? 40,
      );
    // Every image has an object (a folder of them is a valid labeled folder), unless the caller
    // asks for images without lesions (lesions [0, n]: a pool with 'absent' images to tag).
    const wantsLesion = (options.lesions?.[0] ?? 1) > 0;
    let sample = draw();
    for (let attempt = 0; wantsLesion && sample.lesions.length === 0 && attempt < 20; attempt++)
      sample = draw();
    if (!wantsLesion) {
      if (options.split === 'evaluation') markEvaluationOnly(sample.image, METABALL_LEAKAGE_SOURCE);
      out.push(sample);
      continue;
    }
    if (sample.lesions.length === 0)
      throw new Error(`metaball-leakage-fa: could not place a lesion on ${file}`);
    if (options.split === 'evaluation') markEvaluationOnly(sample.image, METABALL_LEAKAGE_SOURCE);
    out.push(sample);
  }
  return out;
}
