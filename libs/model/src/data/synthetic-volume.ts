/**
 * Procedural 3-D volumes (a stack of slices) with lesions that appear, grow, drift, split and
 * vanish across slices, and the exact mask of each lesion on every slice: the ground truth for the
 * volume benchmark (propagation from one box vs a box on every slice). The background is one
 * synthetic-FA fundus texture (synthetic-fa.ts) that changes slowly from slice to slice, with fresh
 * noise on each; each lesion is synthetic-fa's diffuse blob whose radius follows a bell over its
 * slices, whose centre drifts, and which may split into two parts that move apart (still one
 * object). Deterministic from a seed.
 */
import { createRng, type Rng } from '../ops/seeded-random';
import { drawLesion, generateSyntheticFaDataset, type Lesion } from './synthetic-fa';

export interface VolumeLesion {
  /** First and last slice the lesion is on (inclusive). */
  first: number;
  last: number;
  /** Its mask on each slice (all zeros off its slices), row-major width x height. */
  masks: Uint8Array[];
  /** Slice where it splits in two, or null. */
  splitAt: number | null;
}

export interface SyntheticVolume {
  width: number;
  height: number;
  depth: number;
  /** 8-bit grey slices, row-major. */
  slices: Uint8Array[];
  lesions: VolumeLesion[];
}

export interface SyntheticVolumeOptions {
  /** Side of each square slice (default 128). */
  size?: number;
  /** Slices (default 64). */
  depth?: number;
  /** Lesions per volume, inclusive (default [1, 3]). */
  lesions?: [number, number];
  /** Largest radius of a lesion in pixels (default [size/16, size/7]). */
  radius?: [number, number];
  /** Slices a lesion spans (default [depth/4, depth/2]). */
  span?: [number, number];
  /** Chance that a lesion splits (default 0.35). */
  splitChance?: number;
  seed?: number;
}

interface Track {
  first: number;
  last: number;
  cx: number;
  cy: number;
  vx: number;
  vy: number;
  maxRadius: number;
  shape: Lesion;
  splitAt: number | null;
  splitAngle: number;
}

function planTrack(
  rng: Rng,
  size: number,
  depth: number,
  radius: [number, number],
  span: [number, number],
  splitChance: number,
): Track {
  const length = Math.round(rng.range(span[0], span[1]));
  const first = rng.int(Math.max(1, depth - length));
  const last = Math.min(depth - 1, first + length - 1);
  const maxRadius = rng.range(radius[0], radius[1]);
  const margin = maxRadius * 2 + 6;
  // A lesion drifts up to ~0.6 px a slice, and stays inside the slice over its whole span.
  const vx = rng.range(-0.6, 0.6);
  const vy = rng.range(-0.6, 0.6);
  const clampStart = (v: number) => {
    const travel = Math.abs(v) * length;
    const lo = margin + (v < 0 ? travel : 0);
    const hi = size - margin - (v > 0 ? travel : 0);
    return hi > lo ? rng.range(lo, hi) : size / 2;
  };
  const cx = clampStart(vx);
  const cy = clampStart(vy);
  const harmonics = [2, 3, 4].map((k) => ({
    k,
    a: rng.range(0, 0.25 / Math.sqrt(k - 1)),
    phase: rng.range(0, 2 * Math.PI),
  }));
  const shape: Lesion = {
    cx,
    cy,
    radius: maxRadius,
    harmonics,
    softness: Math.max(0.6, maxRadius * rng.range(0.06, 0.14)),
    amp: rng.range(0.4, 0.7),
  };
  const splits = rng.next() < splitChance && length >= 8;
  return {
    first,
    last,
    cx,
    cy,
    vx,
    vy,
    maxRadius,
    shape,
    splitAt: splits ? Math.round(first + length * rng.range(0.55, 0.7)) : null,
    splitAngle: rng.range(0, Math.PI),
  };
}

/** The lesion's blobs on slice k (none off its span; two after a split). */
function blobsAt(track: Track, k: number): Lesion[] {
  if (k < track.first || k > track.last) return [];
  const t = (k - track.first + 0.5) / (track.last - track.first + 1);
  // Grows from a speck, peaks, then shrinks away.
  const radius = Math.max(1.2, track.maxRadius * Math.pow(Math.sin(Math.PI * t), 0.7));
  const cx = track.cx + track.vx * (k - track.first);
  const cy = track.cy + track.vy * (k - track.first);
  const phaseDrift = 0.04 * (k - track.first);
  const shape = (x: number, y: number, r: number): Lesion => ({
    ...track.shape,
    cx: x,
    cy: y,
    radius: r,
    harmonics: track.shape.harmonics.map((h) => ({ ...h, phase: h.phase + phaseDrift })),
  });
  if (track.splitAt === null || k < track.splitAt) return [shape(cx, cy, radius)];
  // After the split: two parts moving apart along splitAngle, each a bit smaller.
  const apart = Math.min(1.6, 0.35 + 0.25 * (k - track.splitAt)) * radius;
  const dx = Math.cos(track.splitAngle) * apart;
  const dy = Math.sin(track.splitAngle) * apart;
  const r = radius * 0.72;
  return [shape(cx - dx, cy - dy, r), shape(cx + dx, cy + dy, r)];
}

function generateOne(
  rng: Rng,
  size: number,
  depth: number,
  options: Required<Omit<SyntheticVolumeOptions, 'seed'>>,
): SyntheticVolume {
  const n = size * size;
  const [base] = generateSyntheticFaDataset({
    count: 1,
    size,
    seed: rng.int(1_000_000) + 1,
    lesions: [0, 0],
  });
  const background = Float32Array.from(base!.image, (v) => v / 255);
  const count = options.lesions[0] + rng.int(options.lesions[1] - options.lesions[0] + 1);
  const tracks = Array.from({ length: count }, () =>
    planTrack(rng, size, depth, options.radius, options.span, options.splitChance),
  );
  const slices: Uint8Array[] = [];
  const lesions: VolumeLesion[] = tracks.map((t) => ({
    first: t.first,
    last: t.last,
    masks: [],
    splitAt: t.splitAt,
  }));
  // Slow change along the volume: a brightness ramp that turns with the slice.
  const tilt = rng.range(0.05, 0.15);
  const noise = rng.range(0.015, 0.04);
  for (let k = 0; k < depth; k++) {
    const img = new Float32Array(n);
    const angle = (2 * Math.PI * k) / depth;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const ramp =
          (Math.cos(angle) * (x / size - 0.5) + Math.sin(angle) * (y / size - 0.5)) * tilt;
        img[y * size + x] = (background[y * size + x] as number) * (1 + ramp);
      }
    tracks.forEach((track, i) => {
      const mask = new Uint8Array(n);
      for (const blob of blobsAt(track, k)) drawLesion(img, mask, size, size, blob);
      lesions[i]!.masks.push(mask);
    });
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++)
      out[i] = Math.max(
        0,
        Math.min(255, Math.round(((img[i] as number) + rng.normal() * noise) * 255)),
      );
    slices.push(out);
  }
  // A lesion too small to draw on its end slices does not cover them.
  for (const lesion of lesions) {
    const covered = lesion.masks.map((m) => m.some((v) => v === 1));
    lesion.first = covered.indexOf(true);
    lesion.last = covered.lastIndexOf(true);
  }
  return { width: size, height: size, depth, slices, lesions: lesions.filter((l) => l.first >= 0) };
}

/** `count` volumes; the same options give the same volumes. */
export function generateSyntheticVolumes(
  count: number,
  options: SyntheticVolumeOptions = {},
): SyntheticVolume[] {
  const size = options.size ?? 128;
  const depth = options.depth ?? 64;
  const rng = createRng(options.seed ?? 1);
  const full = {
    size,
    depth,
    lesions: options.lesions ?? [1, 3],
    radius: options.radius ?? [size / 16, size / 7],
    span: options.span ?? [depth / 4, depth / 2],
    splitChance: options.splitChance ?? 0.35,
  };
  return Array.from({ length: count }, () => generateOne(rng, size, depth, full));
}
