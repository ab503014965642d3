/**
 * Procedural fluorescein-angiography-like images with leakage lesions and exact masks: a dark
 * fundus with vignetting and a circular field of view, bright branching vessel trees from an
 * optic disc, diffuse irregular bright blobs of varied size (leakage; the mask is the blob's
 * half-maximum contour), smooth background texture and noise. Deterministic from a seed.
 */
import type { Mask } from '@loupe/prompts';
import { createRng, type Rng } from '../ops/seeded-random';

export interface SyntheticFaSample {
  /** 8-bit grayscale, row-major. */
  image: Uint8Array;
  width: number;
  height: number;
  /** Union of the lesions. */
  mask: Mask;
  /** One mask per lesion (connected objects the annotator would box). */
  lesions: Mask[];
}

export interface SyntheticFaOptions {
  count: number;
  /** Side of the square image (default 256). */
  size?: number;
  seed?: number;
  /** Lesions per image, inclusive range (default [1, 4]). */
  lesions?: [number, number];
  /** Lesion radius range in pixels (default [4, size/6]). */
  radius?: [number, number];
  /**
   * Share of lesions drawn hypofluorescent (default 0): a dark region where dye is missing or
   * blocked (capillary non-perfusion, haemorrhage), darkening background and vessels alike. FA
   * teams outline these as well as leakage. With 0 no random number is drawn for it, so every
   * seeded dataset made before this option is unchanged.
   */
  darkLesionShare?: number;
}

/** Adds amp * exp(-d^2 / (2 sigma^2)) around (cx, cy). */
function addGaussian(
  img: Float32Array,
  size: number,
  cx: number,
  cy: number,
  sigma: number,
  amp: number,
): void {
  const r = Math.ceil(3 * sigma);
  const inv = 1 / (2 * sigma * sigma);
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(size - 1, Math.ceil(cy + r)); y++)
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(size - 1, Math.ceil(cx + r)); x++) {
      const d2 = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2;
      img[y * size + x] = (img[y * size + x] as number) + amp * Math.exp(-d2 * inv);
    }
}

/** Max-blends a bright tube of half-width w along a segment (vessels do not add up where they cross). */
function drawSegment(
  layer: Float32Array,
  size: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  w: number,
  amp: number,
): void {
  const pad = Math.ceil(w * 2 + 1);
  const minX = Math.max(0, Math.floor(Math.min(x0, x1) - pad));
  const maxX = Math.min(size - 1, Math.ceil(Math.max(x0, x1) + pad));
  const minY = Math.max(0, Math.floor(Math.min(y0, y1) - pad));
  const maxY = Math.min(size - 1, Math.ceil(Math.max(y0, y1) + pad));
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy || 1;
  for (let y = minY; y <= maxY; y++)
    for (let x = minX; x <= maxX; x++) {
      const px = x + 0.5 - x0;
      const py = y + 0.5 - y0;
      const t = Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
      const d2 = (px - t * dx) ** 2 + (py - t * dy) ** 2;
      const v = amp * Math.exp(-d2 / (2 * w * w));
      const i = y * size + x;
      if (v > (layer[i] as number)) layer[i] = v;
    }
}

function drawVesselTree(
  layer: Float32Array,
  size: number,
  rng: Rng,
  x: number,
  y: number,
  angle: number,
  width: number,
  amp: number,
  depth: number,
): void {
  let cx = x;
  let cy = y;
  let a = angle;
  let w = width;
  const steps = 8 + rng.int(10);
  const stepLen = size / 40;
  for (let s = 0; s < steps; s++) {
    a += rng.normal() * 0.25;
    const nx = cx + Math.cos(a) * stepLen;
    const ny = cy + Math.sin(a) * stepLen;
    drawSegment(layer, size, cx, cy, nx, ny, w, amp);
    cx = nx;
    cy = ny;
    w = Math.max(0.6, w * 0.97);
    if (cx < -10 || cy < -10 || cx > size + 10 || cy > size + 10) return;
    if (depth > 0 && rng.next() < 0.18) {
      drawVesselTree(
        layer,
        size,
        rng,
        cx,
        cy,
        a + (rng.next() < 0.5 ? -1 : 1) * rng.range(0.4, 1.0),
        w * 0.75,
        amp * 0.9,
        depth - 1,
      );
    }
  }
}

export interface Lesion {
  cx: number;
  cy: number;
  radius: number;
  harmonics: { k: number; a: number; phase: number }[];
  softness: number;
  amp: number;
  /** Hypofluorescent: darkens by up to `amp` instead of brightening. */
  dark?: boolean;
}

function lesionRadiusAt(l: Lesion, theta: number): number {
  let f = 1;
  for (const h of l.harmonics) f += h.a * Math.cos(h.k * theta + h.phase);
  return l.radius * Math.max(0.35, f);
}

/** Draws a diffuse leakage blob into img (0..1 floats) and its half-maximum contour into mask. */
export function drawLesion(
  img: Float32Array,
  mask: Uint8Array,
  width: number,
  height: number,
  l: Lesion,
): void {
  const reach = l.radius * 1.8 + 4 * l.softness + 2;
  for (
    let y = Math.max(0, Math.floor(l.cy - reach));
    y <= Math.min(height - 1, Math.ceil(l.cy + reach));
    y++
  )
    for (
      let x = Math.max(0, Math.floor(l.cx - reach));
      x <= Math.min(width - 1, Math.ceil(l.cx + reach));
      x++
    ) {
      const dx = x + 0.5 - l.cx;
      const dy = y + 0.5 - l.cy;
      const d = Math.hypot(dx, dy);
      const edge = lesionRadiusAt(l, Math.atan2(dy, dx));
      // Diffuse leakage: a soft plateau that fades over `softness` pixels around the contour.
      const v = l.amp / (1 + Math.exp((d - edge) / l.softness));
      const i = y * width + x;
      img[i] = l.dark
        ? (img[i] as number) * (1 - v)
        : Math.max(img[i] as number, (img[i] as number) * 0.4 + v);
      if (d < edge) mask[i] = 1;
    }
}

/** Random non-touching lesions whose centres satisfy `inside` (e.g. the field of view). */
export function placeLesions(
  width: number,
  height: number,
  count: number,
  radiusRange: [number, number],
  rng: Rng,
  inside: (x: number, y: number, r: number) => boolean,
): Lesion[] {
  const lesions: Lesion[] = [];
  for (let tries = 0; lesions.length < count && tries < 80; tries++) {
    const radius = Math.exp(rng.range(Math.log(radiusRange[0]), Math.log(radiusRange[1])));
    const cx = rng.range(radius + 4, width - radius - 4);
    const cy = rng.range(radius + 4, height - radius - 4);
    if (!inside(cx, cy, radius)) continue;
    if (lesions.some((o) => Math.hypot(o.cx - cx, o.cy - cy) < (o.radius + radius) * 1.7 + 6))
      continue;
    const harmonics = [2, 3, 4, 5].map((k) => ({
      k,
      a: rng.range(0, 0.35 / Math.sqrt(k - 1)),
      phase: rng.range(0, 2 * Math.PI),
    }));
    lesions.push({
      cx,
      cy,
      radius,
      harmonics,
      softness: Math.max(0.6, radius * rng.range(0.06, 0.18)),
      amp: rng.range(0.35, 0.7),
    });
  }
  return lesions;
}

/** Draws the lesions; returns their masks and the union. */
export function drawLesions(
  img: Float32Array,
  width: number,
  height: number,
  lesions: Lesion[],
): { lesionMasks: Mask[]; union: Mask } {
  const n = width * height;
  const union = new Uint8Array(n);
  const lesionMasks: Mask[] = [];
  for (const l of lesions) {
    const data = new Uint8Array(n);
    drawLesion(img, data, width, height, l);
    for (let i = 0; i < n; i++) if (data[i]) union[i] = 1;
    lesionMasks.push({ width, height, data });
  }
  return { lesionMasks, union: { width, height, data: union } };
}

function generateOne(
  size: number,
  rng: Rng,
  lesionRange: [number, number],
  radiusRange: [number, number],
  darkLesionShare: number,
): SyntheticFaSample {
  const n = size * size;
  const img = new Float32Array(n);
  // Background: choroidal glow as a few broad Gaussians.
  const base = rng.range(0.1, 0.25);
  img.fill(base);
  for (let i = 0; i < 6; i++)
    addGaussian(
      img,
      size,
      rng.range(0, size),
      rng.range(0, size),
      rng.range(size / 8, size / 3),
      rng.range(-0.05, 0.08),
    );
  // Vessels from an optic disc near one side.
  const vessels = new Float32Array(n);
  const discX = rng.range(0.2, 0.8) * size;
  const discY = rng.range(0.3, 0.7) * size;
  const trees = 3 + rng.int(4);
  for (let t = 0; t < trees; t++)
    drawVesselTree(
      vessels,
      size,
      rng,
      discX,
      discY,
      (t / trees) * 2 * Math.PI + rng.normal() * 0.3,
      rng.range(1.4, 2.6),
      rng.range(0.25, 0.45),
      3,
    );
  for (let i = 0; i < n; i++) img[i] = (img[i] as number) + (vessels[i] as number);
  addGaussian(img, size, discX, discY, size / 30, rng.range(0.2, 0.4));
  // Leakage lesions, kept apart so each is one object, inside the field of view.
  const count = lesionRange[0] + rng.int(lesionRange[1] - lesionRange[0] + 1);
  const lesions = placeLesions(
    size,
    size,
    count,
    radiusRange,
    rng,
    (cx, cy, r) => Math.hypot(cx - size / 2, cy - size / 2) <= size * 0.44 - r * 0.5,
  );
  if (darkLesionShare > 0) for (const l of lesions) l.dark = rng.next() < darkLesionShare;
  const { lesionMasks, union } = drawLesions(img, size, size, lesions);
  // Vignetting + circular field of view, then noise.
  const fovR = size * rng.range(0.5, 0.62);
  const vig = rng.range(0.3, 0.6);
  const noise = rng.range(0.015, 0.05);
  const out = new Uint8Array(n);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) / fovR;
      const fov = 1 / (1 + Math.exp((r - 1) * 25));
      const i = y * size + x;
      const v = ((img[i] as number) * (1 - vig * r * r) + rng.normal() * noise) * fov;
      out[i] = Math.max(0, Math.min(255, Math.round(v * 255)));
    }
  return { image: out, width: size, height: size, mask: union, lesions: lesionMasks };
}

/** `count` images; the same (count, size, seed) gives the same images. */
export function generateSyntheticFaDataset(options: SyntheticFaOptions): SyntheticFaSample[] {
  const size = options.size ?? 256;
  const rng = createRng(options.seed ?? 1);
  const lesions = options.lesions ?? [1, 4];
  const radius = options.radius ?? [4, size / 6];
  const darkShare = options.darkLesionShare ?? 0;
  return Array.from({ length: options.count }, () =>
    generateOne(size, rng, lesions, radius, darkShare),
  );
}
