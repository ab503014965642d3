/**
 * Prompts bench: COCO RLE and the compact database encoding on a 1024x1024 mask of realistic
 * blobs (several hundred runs). Target (issue): encode and decode each <= 5 ms.
 *
 *   npx tsx bench/parts/prompts.ts     # prints the JSON
 *   npm run bench:prompts              # via bench/run.ts
 */
import { fileURLToPath } from 'node:url';
import type { Mask } from '@loupe/prompts';
import {
  computeCrop,
  createMask,
  maskBoundingBox,
  nextClick,
  pasteMaskLogits,
  pasteProbabilities,
  sampleCropBilinear,
  createRng,
  decodeMaskBytes,
  decodeRle,
  encodeMaskBytes,
  encodeRle,
  rleFromCocoString,
  rleToCocoString,
} from '@loupe/prompts';
import { percentile } from '../lib/percentiles';

/** Union of a few rotated ellipses with wobbly borders, like organs or lesions. */
export function blobMask(size: number, seed: number, blobs = 5): Mask {
  const rng = createRng(seed);
  const m = createMask(size, size);
  for (let b = 0; b < blobs; b++) {
    const cx = rng.uniform(0.2, 0.8) * size;
    const cy = rng.uniform(0.2, 0.8) * size;
    const rx = rng.uniform(0.04, 0.15) * size;
    const ry = rng.uniform(0.04, 0.15) * size;
    const th = rng.uniform(0, Math.PI);
    const k = rng.int(3, 7);
    const ph = rng.uniform(0, 2 * Math.PI);
    const c = Math.cos(th);
    const s = Math.sin(th);
    const r = Math.max(rx, ry) * 1.2;
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(size, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(size, Math.ceil(cx + r)); x++) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        const u = (dx * c + dy * s) / rx;
        const v = (-dx * s + dy * c) / ry;
        const wobble = 1 + 0.1 * Math.sin(k * Math.atan2(v, u) + ph);
        if (u * u + v * v <= wobble * wobble) m.data[y * size + x] = 1;
      }
    }
  }
  return m;
}

interface Timing {
  p50: number;
  p95: number;
}

function time(fn: () => unknown, iterations: number, warmup: number): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)) };
}

export async function runPromptsBench(
  /** smoke: the same measurements on the same 1024x1024 mask, a few iterations (npm test). */
  options: { quick?: boolean; smoke?: boolean } = {},
): Promise<Record<string, unknown>> {
  const iterations = options.smoke ? 5 : options.quick ? 15 : 50;
  const warmup = options.smoke ? 1 : options.quick ? 3 : 10;
  const mask = blobMask(1024, 1);
  const rle = encodeRle(mask);
  const bytes = encodeMaskBytes(mask);
  const str = rleToCocoString(rle);
  // Sanity: the timed functions round-trip.
  if (decodeRle(rle).data.some((v, i) => v !== mask.data[i]))
    throw new Error('RLE round trip failed');
  if (decodeMaskBytes(bytes).data.some((v, i) => v !== mask.data[i]))
    throw new Error('mask bytes round trip failed');

  const enc = time(() => encodeRle(mask), iterations, warmup);
  const dec = time(() => decodeRle(rle), iterations, warmup);
  const encB = time(() => encodeMaskBytes(mask), iterations, warmup);
  const decB = time(() => decodeMaskBytes(bytes), iterations, warmup);
  const encS = time(() => rleToCocoString(rle), iterations, warmup);
  const decS = time(() => rleFromCocoString(str, rle.size), iterations, warmup);

  // The per-interaction geometry a browser pays on a 1024x1024 image: crop the pixels for the
  // encoder, paste 256x256 logits back, and (for simulated sessions) pick the next click.
  const box = maskBoundingBox(mask)!;
  const crop = computeCrop(
    box,
    { width: 1024, height: 1024 },
    { inputSize: 1024, contextMargin: 0.1, minCropSize: 64 },
  );
  const pixels = new Uint16Array(1024 * 1024).map((_, i) => (i * 2654435761) % 4096);
  const logits = new Float32Array(256 * 256).map((_, i) => Math.sin(i / 300));
  const sample = time(() => sampleCropBilinear(pixels, 1024, 1024, crop), iterations, warmup);
  const pasteM = time(() => pasteMaskLogits(logits, 256, crop, 1024, 1024), iterations, warmup);
  const pasteP = time(() => pasteProbabilities(logits, 256, crop, 1024, 1024), iterations, warmup);
  const pred = blobMask(1024, 2);
  const clicked = createMask(1024, 1024);
  const click = time(() => nextClick(mask, pred, clicked), Math.ceil(iterations / 5), 2);
  return {
    geometry1024: {
      cropSize: Math.round(crop.size),
      sampleCropBilinearP50Ms: sample.p50,
      pasteMaskLogitsP50Ms: pasteM.p50,
      pasteProbabilitiesP50Ms: pasteP.p50,
      nextClickP50Ms: click.p50,
    },
    mask: {
      width: 1024,
      height: 1024,
      foregroundPixels: mask.data.reduce((a, v) => a + v, 0),
      rleRuns: rle.counts.length,
    },
    iterations,
    rle1024: {
      encodeP50Ms: enc.p50,
      encodeP95Ms: enc.p95,
      decodeP50Ms: dec.p50,
      decodeP95Ms: dec.p95,
    },
    maskBytes1024: {
      encodeP50Ms: encB.p50,
      encodeP95Ms: encB.p95,
      decodeP50Ms: decB.p50,
      decodeP95Ms: decB.p95,
      bytes: bytes.length,
    },
    cocoString1024: {
      encodeP50Ms: encS.p50,
      encodeP95Ms: encS.p95,
      decodeP50Ms: decS.p50,
      decodeP95Ms: decS.p95,
      chars: str.length,
    },
    target: '<= 5 ms',
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runPromptsBench({ quick: process.argv.includes('--quick') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
