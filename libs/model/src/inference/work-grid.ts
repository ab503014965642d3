/**
 * Clicks on a wide crop, worked on a coarser grid (#18). A crop side of 1,700 px (an 860 px box on
 * a 3900 x 3072 ultra-widefield image, the crop twice the box) is 3 million pixels that a click's
 * merge, forcing and mask would walk. On the work grid the image's pixels are binned s x s, so a
 * click costs what a crop of at most WORK_GRID_MAX_PIXELS costs, at any image size.
 *
 * Nothing the model sees changes: the crop, box and clicks are scaled together, so the decoder's
 * prompts in model coordinates are the same numbers, and the mask prompt is the same M x M logits.
 * The full-resolution mask is the work grid's probabilities, bilinearly upsampled, above 0.5
 * (upsampleAboveHalf: exact, run by run, so it costs the mask's rows times the grid's columns).
 * The grid stays finer than the model's own logits (M = 64 cells over the crop), so binning loses
 * none of the model's detail; the spec compares it with the full-resolution click path.
 */
import { CLICK_FORCE_RADIUS, type Box, type ClickPrompt, type CropTransform } from '@loupe/prompts';
import {
  forceClicksInWindow,
  shownOutput,
  type ClickOptions,
  type CropEmbedding,
  type DecoderOutput,
  type MaskForeground,
  type PixelWindow,
  type SamPredictor,
  type ShownMask,
  type WindowedClickPrediction,
} from './sam-predictor';

/** Pixels of the largest work grid: a crop of more is binned (256 x 256: a wide-field click in about 12 ms in the page). */
export const WORK_GRID_MAX_PIXELS = 256 * 256;

/** The binning s (image pixels per work-grid pixel, a side) for a crop: 1 for a small one. */
export function workGridScale(crop: CropTransform, maxPixels = WORK_GRID_MAX_PIXELS): number {
  return Math.max(1, Math.ceil(crop.size / Math.sqrt(maxPixels)));
}

export function cropOnWorkGrid(crop: CropTransform, scale: number): CropTransform {
  if (scale === 1) return crop;
  return {
    ...crop,
    x0: crop.x0 / scale,
    y0: crop.y0 / scale,
    size: crop.size / scale,
    scale: crop.scale * scale,
  };
}

/**
 * The embedding as the work grid sees it: the same tensors (not a copy: never dispose this view),
 * the crop and image size binned. No luminance: the click refinement (off by default) reads full
 * resolution pixels.
 */
export function embeddingOnWorkGrid(embedding: CropEmbedding, scale: number): CropEmbedding {
  if (scale === 1) return embedding;
  const { luminance: _luminance, ...rest } = embedding;
  return {
    ...rest,
    crop: cropOnWorkGrid(embedding.crop, scale),
    imageWidth: Math.ceil(embedding.imageWidth / scale),
    imageHeight: Math.ceil(embedding.imageHeight / scale),
  };
}

export function boxOnWorkGrid(box: Box | null, scale: number): Box | null {
  if (!box || scale === 1) return box;
  return { x0: box.x0 / scale, y0: box.y0 / scale, x1: box.x1 / scale, y1: box.y1 / scale };
}

export function clicksOnWorkGrid(clicks: readonly ClickPrompt[], scale: number): ClickPrompt[] {
  if (scale === 1) return clicks.slice();
  return clicks.map((c) => ({ ...c, x: c.x / scale, y: c.y / scale }));
}

/** A full-resolution 0/1 mask over its bounding box (x1, y1 exclusive); null bounds: empty. */
export interface UpsampledMask {
  bounds: Box | null;
  data: Uint8Array;
}

/**
 * The full-resolution mask of work-grid probabilities: each image pixel's bilinear sample of
 * `probabilities` (over `window`, grid pixels; 0 outside it) above 0.5, every click then forced at
 * full resolution (`clicks` in image pixels). `foreground`: the grid pixels above 0.5 (inclusive
 * box), which bounds the pixels read. Values must be computed (no NaN or +Infinity placeholders).
 * Between two grid columns the sample is linear along a row: where both grid rows around an image
 * row agree on a side of 0.5 the whole span is filled (or skipped) unsampled, and where the sample
 * crosses 0.5 the crossing is solved for, then checked against the per-pixel sample.
 */
export function upsampleAboveHalf(...args: UpsampleArgs): UpsampledMask {
  const job = upsampleJob(args, true);
  if (!job) return { bounds: null, data: new Uint8Array(0) };
  job.rows(job.y0, job.y1);
  return job.finish();
}

/** upsampleAboveHalf's arguments. */
type UpsampleArgs = [
  probabilities: Float32Array,
  window: PixelWindow,
  foreground: MaskForeground,
  scale: number,
  imageWidth: number,
  imageHeight: number,
  clicks: readonly ClickPrompt[],
  clickRadius: number,
];

/**
 * upsampleAboveHalf a band of rows at a time, for idle work that must leave the thread free
 * between bands: rows(from, to) for each band (any order, each row once), then finish(). Null:
 * the mask is empty.
 */
export interface UpsampleJob {
  /** The image rows that can hold a 1: y0..y1 - 1. */
  y0: number;
  y1: number;
  /** Image pixels per row of the job's plane. */
  width: number;
  rows(from: number, to: number): void;
  finish(): UpsampledMask;
}

export function upsampleAboveHalfJob(...args: UpsampleArgs): UpsampleJob | null {
  return upsampleJob(args, false);
}

function upsampleJob(
  [
    probabilities,
    window,
    foreground,
    scale,
    imageWidth,
    imageHeight,
    clicks,
    clickRadius,
  ]: UpsampleArgs,
  /** The shared scratch plane (a synchronous caller) or a fresh one (banded, interleaved jobs). */
  useScratch: boolean,
): UpsampleJob | null {
  const s = scale;
  if (probabilities.length !== window.width * window.height)
    throw new Error(
      `work grid window ${window.width}x${window.height} does not match its ${probabilities.length} values`,
    );
  const positive = clicks.filter((c) => c.positive);
  if (foreground.area === 0 && positive.length === 0) return null;
  // Grid columns/rows whose samples can reach above 0.5: the foreground and one more each side.
  const gx0 = foreground.area > 0 ? foreground.x0 - 1 : 0;
  const gx1 = foreground.area > 0 ? foreground.x1 + 1 : -1;
  const gy0 = foreground.area > 0 ? foreground.y0 - 1 : 0;
  const gy1 = foreground.area > 0 ? foreground.y1 + 1 : -1;
  // Image pixels whose sample coordinate u = (x + 0.5) / s - 0.5 lies strictly inside them.
  let x0 = Math.max(0, Math.floor((gx0 + 0.5) * s));
  let x1 = Math.min(imageWidth, Math.ceil((gx1 + 0.5) * s));
  let y0 = Math.max(0, Math.floor((gy0 + 0.5) * s));
  let y1 = Math.min(imageHeight, Math.ceil((gy1 + 0.5) * s));
  // The positive clicks' discs are forced on: the plane holds them too.
  for (const c of positive) {
    x0 = Math.max(0, Math.min(x0, Math.floor(c.x - clickRadius)));
    y0 = Math.max(0, Math.min(y0, Math.floor(c.y - clickRadius)));
    x1 = Math.min(imageWidth, Math.max(x1, Math.ceil(c.x + clickRadius) + 1));
    y1 = Math.min(imageHeight, Math.max(y1, Math.ceil(c.y + clickRadius) + 1));
  }
  if (x1 <= x0 || y1 <= y0) return null;
  const w = x1 - x0;
  const plane = useScratch ? scratchPlane(w * (y1 - y0)) : new Uint8Array(w * (y1 - y0));
  const { x0: wx0, y0: wy0, width: ww, height: wh } = window;
  // Grid columns the rows' samples read: those of the image columns x0..x1 - 1. Pair i lies
  // between columns c0 + i and c0 + i + 1; its image pixels are spanStart[i]..spanStart[i + 1].
  const c0 = Math.floor((x0 + 0.5) / s - 0.5);
  const c1 = Math.floor((x1 - 0.5) / s - 0.5) + 1;
  const n = c1 - c0 + 1;
  const spanStart = new Int32Array(n);
  for (let i = 0; i < n; i++)
    spanStart[i] = Math.min(x1, Math.max(x0, Math.ceil((c0 + i + 0.5) * s - 0.5)));
  // Per band of image rows between two grid rows: each column's values on both (0 outside the
  // window), and runs of pairs that are above 0.5 on both rows (FULL: every row of the band is
  // on there), at or below on both (EMPTY), or else (MIXED: sampled row by row).
  const colA = new Float32Array(n);
  const colB = new Float32Array(n);
  const kind = new Uint8Array(n);
  const runKind = new Uint8Array(n);
  const runFrom = new Int32Array(n);
  let runs = 0;
  let band = Number.NaN;
  const rows = (from: number, to: number) => {
    for (let y = Math.max(y0, from); y < Math.min(y1, to); y++) {
      const v = (y + 0.5) / s - 0.5;
      const r0 = Math.floor(v);
      const wy = v - r0;
      if (r0 + 1 < gy0 || r0 > gy1) continue;
      if (r0 !== band) {
        band = r0;
        const ra = r0 - wy0;
        const rb = ra + 1;
        const offA = ra >= 0 && ra < wh ? ra * ww : -1;
        const offB = rb >= 0 && rb < wh ? rb * ww : -1;
        for (let i = 0; i < n; i++) {
          const lx = c0 + i - wx0;
          const inside = lx >= 0 && lx < ww;
          const pa = inside && offA >= 0 ? (probabilities[offA + lx] as number) : 0;
          const pb = inside && offB >= 0 ? (probabilities[offB + lx] as number) : 0;
          colA[i] = pa;
          colB[i] = pb;
          kind[i] = pa > 0.5 && pb > 0.5 ? FULL : pa <= 0.5 && pb <= 0.5 ? EMPTY : MIXED;
        }
        runs = 0;
        for (let i = 0; i < n - 1; i++) {
          const k = kind[i] === kind[i + 1] ? (kind[i] as number) : MIXED;
          if (runs === 0 || runKind[runs - 1] !== k || k === MIXED) {
            runKind[runs] = k;
            runFrom[runs] = i;
            runs++;
          }
        }
      }
      const row = (y - y0) * w - x0;
      // Image x where the current run of pixels above 0.5 began (-1: none). The sample is linear in
      // x within a pair, so each run is found from its two ends and filled once.
      let run = -1;
      for (let r = 0; r < runs; r++) {
        const k = runKind[r] as number;
        const i0 = runFrom[r] as number;
        if (k === FULL) {
          if (run < 0) run = spanStart[i0] as number;
          continue;
        }
        if (k === EMPTY) {
          if (run >= 0) fillRun(plane, row + run, row + (spanStart[i0] as number));
          run = -1;
          continue;
        }
        const i = i0;
        const c = c0 + i;
        const a = (colA[i] as number) + ((colB[i] as number) - (colA[i] as number)) * wy;
        const b =
          (colA[i + 1] as number) + ((colB[i + 1] as number) - (colA[i + 1] as number)) * wy;
        const xs = spanStart[i] as number;
        const xe = spanStart[i + 1] as number;
        if (a > 0.5 && b > 0.5) {
          if (run < 0) run = xs;
          continue;
        }
        if (a > 0.5) {
          // Falling through 0.5: the run goes on to the first pixel at or below it.
          let end = Math.min(xe, Math.max(xs, Math.floor(((0.5 - a) / (b - a) + c + 0.5) * s)));
          while (end > xs && !above(a, b, s, c, end - 1)) end--;
          while (end < xe && above(a, b, s, c, end)) end++;
          fillRun(plane, row + (run >= 0 ? run : xs), row + end);
          run = -1;
          continue;
        }
        if (run >= 0) {
          fillRun(plane, row + run, row + xs);
          run = -1;
        }
        if (b <= 0.5) continue;
        // Rising through 0.5: a run starts at the first pixel above it.
        let start = Math.min(xe, Math.max(xs, Math.floor(((0.5 - a) / (b - a) + c + 0.5) * s)));
        while (start > xs && above(a, b, s, c, start - 1)) start--;
        while (start < xe && !above(a, b, s, c, start)) start++;
        if (start < xe) run = start;
      }
      if (run >= 0) fillRun(plane, row + run, row + (spanStart[n - 1] as number));
    }
  };
  const finish = () => {
    const planeWindow = { x0, y0, width: w, height: y1 - y0 };
    forceClicksInWindow(plane, planeWindow, clicks, clickRadius);
    return tightRegion(plane, planeWindow);
  };
  return { y0, y1, width: w, rows, finish };
}

/** Pair kinds of a band (upsampleAboveHalf). */
const EMPTY = 0;
const MIXED = 1;
const FULL = 2;

let scratch = new Uint8Array(0);

/**
 * A zeroed plane of `length` values, reused from call to call: a wide mask's plane is megabytes,
 * and a fresh one per click (then its copy) kept the garbage collector busy in the middle of
 * clicks. Only the tight region copied out of it leaves upsampleAboveHalf.
 */
function scratchPlane(length: number): Uint8Array {
  if (scratch.length < length) scratch = new Uint8Array(Math.ceil(length * 1.25));
  const plane = scratch.subarray(0, length);
  plane.fill(0);
  return plane;
}

/** Image pixel x's sample (between grid columns c, value a, and c + 1, value b) is above 0.5. */
function above(a: number, b: number, s: number, c: number, x: number): boolean {
  return a + (b - a) * ((x + 0.5) / s - 0.5 - c) > 0.5;
}

/** Sets plane[from..to) to 1: a loop for short runs, where fill's call costs more. */
function fillRun(plane: Uint8Array, from: number, to: number): void {
  if (to - from > 32) plane.fill(1, from, to);
  else for (let i = from; i < to; i++) plane[i] = 1;
}

/** A 0/1 plane over `window` as its bounding box's region (a copy of those rows). */
function tightRegion(plane: Uint8Array, window: PixelWindow): UpsampledMask {
  const { width: w, height: h } = window;
  let bx0 = w;
  let bx1 = -1;
  let by0 = h;
  let by1 = -1;
  for (let y = 0; y < h; y++) {
    const row = plane.subarray(y * w, (y + 1) * w);
    const first = row.indexOf(1);
    if (first < 0) continue;
    const last = row.lastIndexOf(1);
    if (first < bx0) bx0 = first;
    if (last > bx1) bx1 = last;
    if (by0 > y) by0 = y;
    by1 = y;
  }
  if (bx1 < 0) return { bounds: null, data: new Uint8Array(0) };
  const bw = bx1 - bx0 + 1;
  const data = new Uint8Array(bw * (by1 - by0 + 1));
  for (let y = by0; y <= by1; y++)
    data.set(plane.subarray(y * w + bx0, y * w + bx1 + 1), (y - by0) * bw);
  return {
    bounds: {
      x0: window.x0 + bx0,
      y0: window.y0 + by0,
      x1: window.x0 + bx1 + 1,
      y1: window.y0 + by1 + 1,
    },
    data,
  };
}

/**
 * Output `index` of a decode on `embedding`'s crop as the mask shown on its work grid (what the
 * next click there merges into): shownOutput over the binned crop, `clicks` in image pixels.
 */
export function shownOnWorkGrid(
  logits: Pick<DecoderOutput, 'lowResLogits' | 'maskSize'>,
  embedding: CropEmbedding,
  scale: number,
  index: number,
  clicks: readonly ClickPrompt[],
  options: Parameters<typeof shownOutput>[4] = {},
): ShownMask {
  const grid = embeddingOnWorkGrid(embedding, scale);
  return shownOutput(
    {
      crop: grid.crop,
      lowResLogits: logits.lowResLogits,
      maskSize: logits.maskSize,
      imageWidth: grid.imageWidth,
      imageHeight: grid.imageHeight,
    },
    index,
    clicksOnWorkGrid(clicks, scale),
    undefined,
    options,
  );
}

/** decodeClickOnWorkGrid's result. */
export interface WorkGridClick {
  /** decodeClickInWindow's result on the grid (its `shown` is the next click's `previous`). */
  onGrid: WindowedClickPrediction;
  /** Its mask at full resolution (upsampleAboveHalf, every click forced). */
  region: UpsampledMask;
  /** Its outputs on `embedding`'s own crop and image: the same logits, full-resolution geometry. */
  output: DecoderOutput;
}

/**
 * SamPredictor.decodeClickInWindow on `embedding`'s work grid (binned by `scale`): box and clicks
 * in image pixels, `previous` the mask shown on the grid (shownOnWorkGrid, or the last click's
 * onGrid.shown, with its values computed). What the browser worker runs for a click on a wide crop.
 */
export async function decodeClickOnWorkGrid(
  predictor: SamPredictor,
  embedding: CropEmbedding,
  scale: number,
  box: Box | null,
  clicks: readonly ClickPrompt[],
  previous: ShownMask | null,
  options: ClickOptions = {},
): Promise<WorkGridClick> {
  const onGrid = await predictor.decodeClickInWindow(
    embeddingOnWorkGrid(embedding, scale),
    boxOnWorkGrid(box, scale),
    clicksOnWorkGrid(clicks, scale),
    previous,
    options,
  );
  const region = upsampleAboveHalf(
    onGrid.probabilities,
    onGrid.window,
    onGrid.foreground,
    scale,
    embedding.imageWidth,
    embedding.imageHeight,
    clicks,
    CLICK_FORCE_RADIUS,
  );
  const output: DecoderOutput = {
    ...onGrid,
    crop: embedding.crop,
    imageWidth: embedding.imageWidth,
    imageHeight: embedding.imageHeight,
  };
  return { onGrid, region, output };
}
