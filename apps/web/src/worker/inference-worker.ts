/// <reference lib="webworker" />
/**
 * The inference worker (bundled by scripts/build-worker.ts into public/inference-worker.js).
 *
 * - setImage: keeps the image as luminance 0..1 for cropping.
 * - predict: a new box (or a first click) runs encoder + decoder; more clicks on the same object
 *   reuse the crop embedding (decoder only), and the logits of the proposal shown before the click
 *   are the decoder's mask prompt (SAM's) when the prompts add one click to that proposal's (not
 *   after an undo or a new box), and the new mask is merged into it around the click (libs/model
 *   SamPredictor.decodeClick, the click path eval and the trainer's gate measure). Propagation instead gives the previous slice's logits, moved into
 *   this crop. Results carry every output's logits, the model version, whether a mask prompt was
 *   used, and timings.
 * - loadModel: download + sha256 check + session creation + warm-up, then swap. Everything that
 *   runs a session goes through one SerialQueue, and each prediction captures the current model
 *   when it starts, so no prediction ever mixes versions and none fails because of a swap. If the
 *   new model cannot be loaded, the current one stays and the page is told why.
 * - propagate (the volume page): the whole propagation loop runs here, libs/prompts
 *   propagateVolume (the one the bench and the gate run, contrast stop included), asking the page
 *   for slices it does not hold (needSlice/putSlice), with progress messages and cancel; only the
 *   chosen output's mask per slice goes back, cropped to its bounding box.
 * - encodeAhead: while nothing else runs, slices around the annotator's seed are encoded in the
 *   crop propagation will ask for, into an EmbeddingCache (slice image + crop, bounded in bytes),
 *   so Propagate starts warm.
 */
import {
  decodeClickOnWorkGrid,
  disposeEmbedding,
  forceClicksInWindow,
  loadModelFiles,
  outputMaskInBox,
  outputMaskWindow,
  pasteOutputMaskRows,
  SamPredictor,
  shownOnWorkGrid,
  toLuminance,
  upsampleAboveHalf,
  upsampleAboveHalfJob,
  workGridScale,
  type CropEmbedding,
  type DecoderOutput,
  type MaskForeground,
  type PixelWindow,
  type ShownMask,
  type WindowedClickPrediction,
} from '@loupe/model';
import {
  CLICK_FORCE_RADIUS,
  computeCrop,
  forceClicks,
  pasteMaskLogits,
  propagateVolume,
  resampleLogits,
  type Box,
  type ClickPrompt,
  type MaskLogits,
  type SliceMask,
} from '@loupe/prompts';
import { defaultOutput } from '../components/annotate/annotation-state';
import { clickCropBox } from './click-crop-box';
import { EmbeddingCache } from './embedding-cache';
import { aboveHalfRegion, maskToRegion, windowToRegion, type MaskRegion } from './mask-region';
import { createOrtRuntime, type OrtRuntime } from './ort-runtime';
import type {
  ModelRef,
  PredictionResult,
  WorkerPropagationResult,
  WorkerRequest,
  WorkerResponse,
} from './protocol';
import { SerialQueue } from './serial-queue';

declare const self: DedicatedWorkerGlobalScope;

interface LoadedImage {
  imageId: string;
  width: number;
  height: number;
  luminance: Float32Array;
}

/** One loaded model version: libs/model's predictor and the registry's ids for it. */
interface LoadedModel {
  predictor: SamPredictor;
  modelVersionId: string;
  version: number;
}

interface CachedEmbedding {
  modelVersionId: string;
  imageId: string;
  /** JSON of the box (or crop box for click-started objects) the crop was computed from. */
  cropKey: string;
  embedding: CropEmbedding;
  /**
   * Image pixels per work-grid pixel (libs/model work-grid.ts): a click on a wide crop is merged
   * and forced on a grid of at most WORK_GRID_MAX_PIXELS, its mask upsampled; 1: full resolution.
   */
  workScale: number;
  /**
   * The last decode on this crop: its prompts, every output's M x M logits, and output 0 as shown
   * (merged logits + probabilities; null after a propagation decode).
   */
  last: {
    box: Box | null;
    clicks: ClickPrompt[];
    logits: Float32Array[];
    shown: ShownMask | null;
    /** Other outputs as shown masks, by index, once a click or idle time has pasted them. */
    pasted?: (ShownMask | undefined)[];
  } | null;
}

/**
 * The mask the page showed (output `index` of the last decode), for the next click to correct:
 * over the window its pixels can be non-zero in (the crop and the positive clicks' discs).
 */
function shownMask(entry: CachedEmbedding, index: number): ShownMask | null {
  const last = entry.last;
  if (!last) return null;
  if (index === 0 && last.shown) return last.shown;
  const kept = last.pasted?.[index];
  if (kept) return kept;
  if (!last.logits[index]) return null;
  // decodeClickInWindow's unmerged output: over the window it is non-zero in, foreground kept
  // (on the object's work grid: what its clicks merge into).
  const logits = { lowResLogits: last.logits, maskSize: Math.sqrt(last.logits[index].length) };
  // Every value computed, in idle time (the work grid bounds them to WORK_GRID_MAX_PIXELS): the
  // next click's merge reads plain values, and the grid's upsampling needs them.
  const shown = shownOnWorkGrid(logits, entry.embedding, entry.workScale, index, last.clicks);
  (last.pasted ??= [])[index] = shown;
  return shown;
}

/** The new prompts are the previous ones plus one click (so the previous mask is what it corrects). */
function addsOneClick(
  last: { box: Box | null; clicks: readonly ClickPrompt[] },
  box: Box | null,
  clicks: readonly ClickPrompt[],
): boolean {
  return (
    JSON.stringify(last.box) === JSON.stringify(box) &&
    clicks.length === last.clicks.length + 1 &&
    JSON.stringify(clicks.slice(0, -1)) === JSON.stringify(last.clicks)
  );
}

const queue = new SerialQueue();
let runtimePromise: Promise<OrtRuntime> | null = null;
let current: LoadedModel | null = null;
let image: LoadedImage | null = null;
const embeddings = new Map<string, CachedEmbedding>();
/** Newest requested model; an older load finishing later must not swap over it. */
let newestModelRequest = 0;

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function runtime(preferWebGpu = true): Promise<OrtRuntime> {
  runtimePromise ??= createOrtRuntime(preferWebGpu);
  return runtimePromise;
}

function forgetEmbeddings(predicate: (entry: CachedEmbedding) => boolean): void {
  for (const [objectId, entry] of embeddings) {
    if (predicate(entry)) {
      disposeEmbedding(entry.embedding);
      embeddings.delete(objectId);
    }
  }
}

/** The raw image's samples (one plane, 8- or 16-bit) as luminance 0..1: libs/model's scaling. */
function toImageLuminance(
  pixels: ArrayBuffer,
  width: number,
  height: number,
  bitDepth: number,
): Float32Array {
  const samples = bitDepth === 16 ? new Uint16Array(pixels) : new Uint8Array(pixels);
  return toLuminance(samples, width, height, 1);
}

async function loadModel(requestId: number, model: ModelRef): Promise<void> {
  newestModelRequest = Math.max(newestModelRequest, requestId);
  post({ type: 'modelLoading', requestId, model });
  const started = performance.now();
  try {
    const rt = await runtime();
    const files = await loadModelFiles(model);
    const next = await queue.run(async () => {
      const predictor = await SamPredictor.create({
        ort: rt.ort,
        ...files,
        sessionOptions: {
          executionProviders: rt.executionProviders,
          graphOptimizationLevel: 'all',
        },
      });
      await predictor.warmUp();
      const loaded: LoadedModel = {
        predictor,
        modelVersionId: model.modelVersionId,
        version: model.version,
      };
      return loaded;
    });
    if (requestId < newestModelRequest) {
      await queue.run(() => next.predictor.release());
      return;
    }
    // The swap itself runs in the queue: between two predictions, never during one.
    const previousVersion = await queue.run(async () => {
      const previous = current;
      current = next;
      forgetEmbeddings((entry) => entry.modelVersionId !== next.modelVersionId);
      sliceEmbeddings.forget((modelVersionId) => modelVersionId !== next.modelVersionId);
      propagatedLogits.clear();
      if (previous && previous !== next) await previous.predictor.release();
      return previous?.version ?? null;
    });
    post({
      type: 'modelReady',
      requestId,
      model,
      manifestVersion: files.manifest.version,
      loadMs: performance.now() - started,
      previousVersion,
    });
    // Slices waiting to be encoded ahead for the new model (or for the first one).
    void runAhead();
  } catch (error) {
    post({
      type: 'modelFailed',
      requestId,
      model,
      error: (error as Error).message,
      keptVersion: current?.version ?? null,
    });
  }
}

/**
 * Output `index`'s 0/1 mask (logits > threshold, clicks forced) as its bounding-box region, pasted
 * only over the box its 1s can lie in (libs/model outputMaskInBox).
 */
function outputRegion(
  output: DecoderOutput,
  index: number,
  clicks: readonly ClickPrompt[],
  threshold: number,
): MaskRegion {
  const { window, mask } = outputMaskInBox(output, index, clicks, threshold);
  return window ? windowToRegion(mask, window) : { bounds: null, data: new Uint8Array(0) };
}

/** Wall-clock ms shared by the page and the worker (their performance.now() origins differ). */
function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A user-timing span (shows in a Chromium trace as blink.user_timing). */
function measureSpan(name: string, start: number, end = performance.now()): void {
  try {
    performance.measure(name, { start, end });
  } catch {
    // performance.measure is informational only.
  }
}

async function predict(request: Extract<WorkerRequest, { type: 'predict' }>): Promise<void> {
  const receivedAt = epochNow();
  const { requestId, imageId, objectId, box, clicks } = request;
  const shownOutput = request.shownOutput ?? 0;
  const result = await queue.run(async () => {
    const model = current;
    if (!model) throw new Error('no model loaded yet');
    const { manifest } = model.predictor;
    const img = image;
    if (!img || img.imageId !== imageId) throw new Error('the image is not loaded in the worker');
    const t0 = performance.now();
    const first: ClickPrompt | undefined = clicks[0];
    const cropBox: Box | null =
      box ??
      (first ? clickCropBox(first, img.width, img.height, manifest.crop.minCropSize * 2) : null);
    if (!cropBox) throw new Error('a prediction needs a box or at least one click');
    const cropKey = JSON.stringify(cropBox);
    let cached = embeddings.get(objectId);
    let encoderMs = 0;
    const reused =
      !!cached &&
      cached.modelVersionId === model.modelVersionId &&
      cached.imageId === imageId &&
      cached.cropKey === cropKey;
    if (!reused) {
      if (cached) disposeEmbedding(cached.embedding);
      const te = performance.now();
      const embedding = await model.predictor.embedLuminance(
        img.luminance,
        img.width,
        img.height,
        cropBox,
      );
      encoderMs = performance.now() - te;
      measureSpan('loupe.worker.encoder', te);
      const workScale = workGridScale(embedding.crop);
      cached = {
        modelVersionId: model.modelVersionId,
        imageId,
        cropKey,
        embedding,
        workScale,
        last: null,
      };
      embeddings.set(objectId, cached);
    }
    const entry = cached as CachedEmbedding;
    const previousSlice = request.maskPrompt;
    const td = performance.now();
    let decoded: DecoderOutput;
    // A click's result: output 0 is the click's merged mask (its logits are lowResLogits[0]).
    let clicked: WindowedClickPrediction | null = null;
    // Its mask as sent, taken at once: the next click merges into its probabilities in place.
    let clickedRegion: MaskRegion | null = null;
    const boxOnly = !previousSlice && !!box && clicks.length === 0;
    if (previousSlice) {
      // Propagation: the previous slice's logits, moved into this crop, as mask prompt.
      const maskInput = resampleLogits(
        previousSlice.values,
        previousSlice.maskSize,
        previousSlice.crop,
        entry.embedding.crop,
      );
      decoded = await model.predictor.decodeLogits(entry.embedding, box, clicks, { maskInput });
      entry.last = { box, clicks: clicks.slice(), logits: decoded.lowResLogits, shown: null };
    } else {
      // A box, or a click on the proposal shown: libs/model's click path (SamPredictor.decodeClick:
      // mask prompt, progressive merge around the click, forced clicks), as eval and the gate run it;
      // on a crop wider than the work grid the same on the grid (decodeClickOnWorkGrid).
      const previous =
        entry.last && addsOneClick(entry.last, box, clicks) ? shownMask(entry, shownOutput) : null;
      if (boxOnly) {
        // decodeClickInWindow's output for a box alone is the model's own: its probabilities (an
        // exp per crop pixel) wait until output 0 is shown or clicked on (shownMask).
        decoded = await model.predictor.decodeLogits(entry.embedding, box, clicks);
        entry.last = { box, clicks: [], logits: decoded.lowResLogits, shown: null };
      } else {
        const s = entry.workScale;
        try {
          // The mask shown is given up: the next click corrects this one, never it again.
          if (s === 1) {
            clicked = await model.predictor.decodeClickInWindow(
              entry.embedding,
              box,
              clicks,
              previous,
              { consumePrevious: true },
            );
            clickedRegion = aboveHalfRegion(
              clicked.probabilities,
              clicked.window,
              clicked.foreground,
            );
          } else {
            const onGrid = await decodeClickOnWorkGrid(
              model.predictor,
              entry.embedding,
              s,
              box,
              clicks,
              previous,
              { consumePrevious: true },
            );
            clicked = onGrid.onGrid;
            clickedRegion = onGrid.region;
          }
        } catch (error) {
          entry.last = null;
          throw error;
        }
        decoded = clicked;
        entry.last = {
          box,
          clicks: clicks.slice(),
          logits: clicked.lowResLogits,
          shown: clicked.shown,
        };
      }
    }
    // This decode's own (a later click replaces entry.last before the other outputs are pasted).
    const decodedEntry: CachedEmbedding = { ...entry, last: entry.last };
    const tp = performance.now();
    measureSpan('loupe.worker.decoder', td, tp);
    // Each output's mask, crop-sized (its bounding box): nothing here walks the whole image. Every
    // click holds at its own pixel (libs/prompts forceClicks, as SamPredictor.decode does). Only
    // the output the page will show (its defaultOutput) is pasted before the result is posted;
    // the others follow in a predictionOutputs message (postOtherOutputs). A click on the work
    // grid was decoded there: `done` is its outputs on the object's own crop and image.
    const done: DecoderOutput =
      decoded.crop === entry.embedding.crop
        ? decoded
        : {
            ...decoded,
            crop: entry.embedding.crop,
            imageWidth: img.width,
            imageHeight: img.height,
          };
    const shownIndex = defaultOutput(done.iouPredictions, clicks.length);
    // On the work grid every output is its mask shown there (what a click would merge into),
    // upsampled: a wide crop's outputs then cost the grid's pixels, not the crop's millions.
    const onGrid = entry.workScale !== 1 && manifest.maskThreshold === 0;
    const regionOf = (i: number): MaskRegion => {
      if (i === 0 && clickedRegion) return clickedRegion;
      if (onGrid) {
        const shown = shownMask(decodedEntry, i) as ShownMask;
        return upsampleAboveHalf(
          shown.probabilities,
          shown.window as PixelWindow,
          shown.foreground as MaskForeground,
          entry.workScale,
          img.width,
          img.height,
          clicks,
          CLICK_FORCE_RADIUS,
        );
      }
      if (i === 0 && boxOnly) {
        // The mask decodeClickInWindow would have given: its probabilities above one half.
        const shown = shownMask(decodedEntry, 0) as ShownMask;
        return aboveHalfRegion(
          shown.probabilities,
          shown.window as PixelWindow,
          shown.foreground as MaskForeground,
        );
      }
      return outputRegion(done, i, clicks, manifest.maskThreshold);
    };
    const masks: (MaskRegion | null)[] = done.lowResLogits.map((_, i) =>
      i === shownIndex ? regionOf(i) : null,
    );
    // As before the predictor moved to libs/model: pasting the masks counts as decoder time.
    const decoderMs = performance.now() - td;
    const pasteMs = performance.now() - tp;
    measureSpan('loupe.worker.paste', tp);
    const totalMs = performance.now() - t0;
    const prediction: PredictionResult = {
      requestId,
      imageId,
      objectId,
      modelVersionId: model.modelVersionId,
      version: model.version,
      width: img.width,
      height: img.height,
      masks,
      // Copies: the cached entry keeps its own for the next click's mask prompt.
      lowResLogits: decoded.lowResLogits.map((l) => l.slice()),
      maskSize: decoded.maskSize,
      crop: done.crop,
      iouPredictions: decoded.iouPredictions,
      encoderReused: reused,
      maskPrompt: decoded.usedMaskPrompt,
      timings: {
        encoderMs,
        decoderMs,
        otherMs: Math.max(0, totalMs - encoderMs - decoderMs),
        totalMs,
        pasteMs,
        receivedAt,
        postedAt: 0,
      },
    };
    // The idle outputs that outputRegion pastes: done band by band (regionInBands).
    // A box's output 0 as shown is its probabilities above 0.5: the same 0/1 pixels, band by band.
    const bandedOf = (i: number): BandedOutput | null =>
      i === 0 && clickedRegion
        ? null
        : onGrid
          ? {
              kind: 'grid',
              shown: () => shownMask(decodedEntry, i) as ShownMask,
              scale: entry.workScale,
              width: img.width,
              height: img.height,
              clicks,
            }
          : {
              kind: 'logits',
              output: done,
              index: i,
              clicks,
              threshold: i === 0 && boxOnly ? 'aboveHalf' : manifest.maskThreshold,
            };
    // Idle work for the next click: the mask shown as its progressive merge will read it.
    const prepareNextClick = () => {
      if (entry.last === decodedEntry.last && embeddings.get(objectId) === entry)
        shownMask(decodedEntry, shownIndex);
    };
    return { prediction, regionOf, bandedOf, prepareNextClick };
  });
  const { prediction, regionOf, bandedOf, prepareNextClick } = result;
  prediction.timings.postedAt = epochNow();
  post(
    { type: 'prediction', result: prediction },
    [...prediction.masks.flatMap((m) => (m ? [m.data] : [])), ...prediction.lowResLogits].map(
      (m) => m.buffer as ArrayBuffer,
    ),
  );
  void postOtherOutputs(
    requestId,
    prediction.masks.flatMap((m, i) => (m ? [] : [i])),
    regionOf,
    bandedOf,
    prepareNextClick,
  );
}

/**
 * Idle work waits this long after a result is posted: on 2 busy cores it would otherwise take the
 * CPU from the page drawing that result, and a click right after it would wait behind it.
 */
const IDLE_AFTER_POST_MS = 150;

/**
 * Idle work after a prediction was posted, one small job at a time so that a click or box arriving
 * meanwhile waits for one job at most (it is queued before the rest): first, at once, the mask
 * shown as the next click will read it, then after IDLE_AFTER_POST_MS each output the result left
 * out (a predictionOutputs message each).
 */
async function postOtherOutputs(
  requestId: number,
  indices: number[],
  regionOf: (i: number) => MaskRegion,
  bandedOf: (i: number) => BandedOutput | null,
  prepareNextClick: () => void,
): Promise<void> {
  try {
    // The mask shown as the next click reads it first, at once: a click comes soon after a box
    // (the page draws the box's result on its own thread meanwhile); the rest waits.
    await yieldToMessages();
    await queue.run(async () => {
      const t0 = performance.now();
      prepareNextClick();
      measureSpan('loupe.worker.prepareNextClick', t0);
    });
    await new Promise((resolve) => setTimeout(resolve, IDLE_AFTER_POST_MS));
    for (const index of indices) {
      await yieldToMessages();
      const banded = bandedOf(index);
      const region = banded
        ? await regionInBands(banded)
        : await queue.run(async () => {
            const t0 = performance.now();
            const pasted = regionOf(index);
            measureSpan('loupe.worker.otherOutput', t0);
            return pasted;
          });
      post({ type: 'predictionOutputs', requestId, outputs: [{ index, region }] }, [
        region.data.buffer as ArrayBuffer,
      ]);
    }
  } catch (error) {
    post({
      type: 'error',
      requestId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * An output left for idle work: as outputRegion pastes it from its logits, or (kind 'grid') as
 * regionOf upsamples its mask shown on the work grid.
 */
type BandedOutput =
  | {
      kind: 'logits';
      output: DecoderOutput;
      index: number;
      clicks: readonly ClickPrompt[];
      /** outputRegion's threshold, or 'aboveHalf' for a box's output 0 (regionOf's aboveHalfRegion). */
      threshold: number | 'aboveHalf';
    }
  | {
      kind: 'grid';
      shown: () => ShownMask;
      scale: number;
      width: number;
      height: number;
      clicks: readonly ClickPrompt[];
    };

/**
 * Pixels per band of idle pasting: a box or click arriving meanwhile waits for one band (about a millisecond),
 * not for a whole output (a wide-field crop's noisy output is millions of pixels).
 */
const BAND_PIXELS = 1 << 16;

/** outputRegion's region, pasted band by band with the queue free between bands. */
async function regionInBands(banded: BandedOutput): Promise<MaskRegion> {
  if (banded.kind === 'grid') return gridRegionInBands(banded);
  const { output, index, clicks, threshold } = banded;
  const window = outputMaskWindow(output, index, clicks, threshold);
  if (!window) return { bounds: null, data: new Uint8Array(0) };
  const mask = new Uint8Array(window.width * window.height);
  const rows = Math.max(16, Math.floor(BAND_PIXELS / window.width));
  for (let y = 0; y < window.height; y += rows) {
    if (y > 0) await yieldToMessages();
    await queue.run(async () => {
      const t0 = performance.now();
      pasteOutputMaskRows(
        output,
        index,
        threshold,
        window,
        mask,
        y,
        Math.min(window.height, y + rows),
      );
      measureSpan('loupe.worker.otherOutputBand', t0);
    });
  }
  await yieldToMessages();
  return queue.run(async () => {
    const t0 = performance.now();
    const region = windowToRegion(forceClicksInWindow(mask, window, clicks), window);
    measureSpan('loupe.worker.otherOutputBand', t0);
    return region;
  });
}

/** regionOf's upsampled work-grid mask, band by band with the queue free between bands. */
async function gridRegionInBands(
  banded: Extract<BandedOutput, { kind: 'grid' }>,
): Promise<MaskRegion> {
  const job = await queue.run(async () => {
    const t0 = performance.now();
    const shown = banded.shown();
    const made = upsampleAboveHalfJob(
      shown.probabilities,
      shown.window as PixelWindow,
      shown.foreground as MaskForeground,
      banded.scale,
      banded.width,
      banded.height,
      banded.clicks,
      CLICK_FORCE_RADIUS,
    );
    measureSpan('loupe.worker.otherOutputBand', t0);
    return made;
  });
  if (!job) return { bounds: null, data: new Uint8Array(0) };
  const rows = Math.max(16, Math.floor(BAND_PIXELS / job.width));
  for (let y = job.y0; y < job.y1; y += rows) {
    await yieldToMessages();
    await queue.run(async () => {
      const t0 = performance.now();
      job.rows(y, y + rows);
      measureSpan('loupe.worker.otherOutputBand', t0);
    });
  }
  await yieldToMessages();
  return queue.run(async () => {
    const t0 = performance.now();
    const region = job.finish();
    measureSpan('loupe.worker.otherOutputBand', t0);
    return region;
  });
}

// ---- Volumes: slices, encode-ahead, propagation ----------------------------------------------

interface WorkerSlice {
  imageId: string;
  width: number;
  height: number;
  /** The raw samples (the contrast stop reads them, as the page's loop did). */
  samples: Uint8Array | Uint16Array;
  luminance: Float32Array | null;
  /** Real units per sample (PET: each slice its own); the contrast stop reads contrasts in them. */
  valueSlope: number;
}

/** Slices held at most (the page's SliceCache keeps 96 too); the oldest go first. */
const SLICE_BUDGET = 96;
/** Crop embeddings of volume slices held at most, in bytes (about 250 of the starter model). */
const EMBEDDING_BUDGET_BYTES = 32 * 1024 * 1024;
/** Slices encoded ahead each way from the seed at most. */
const AHEAD_SLICES = 48;
/** Logits of propagated slices kept (the next Propagate from such a slice uses them). */
const LOGITS_BUDGET = 512;

let volumeId: string | null = null;
const slices = new Map<number, WorkerSlice>();
const sliceWaiters = new Map<
  number,
  { resolve: (s: WorkerSlice) => void; reject: (e: Error) => void }[]
>();
const tensorBytes = (t: { dims: readonly number[] }) => 4 * t.dims.reduce((n, d) => n * d, 1);
const sliceEmbeddings = new EmbeddingCache<CropEmbedding>(
  EMBEDDING_BUDGET_BYTES,
  disposeEmbedding,
  (e) => tensorBytes(e.imageEmbedding) + tensorBytes(e.highResFeatures),
);
/** By `${objectId}:${slice}`: the chosen output's logits of the worker's last propagation there. */
const propagatedLogits = new Map<string, MaskLogits>();
const propagations = new Map<number, AbortController>();
/** Predictions and propagations queued or running: encode-ahead waits for none. */
let foreground = 0;
let aheadPlan: { volumeId: string; box: Box; order: number[] } | null = null;
let aheadRunning = false;

/** Lets messages in (a cancel) between two slices: a macrotask, unlike an awaited promise. */
const yieldChannel = new MessageChannel();
const yieldWaiters: (() => void)[] = [];
yieldChannel.port1.onmessage = () => yieldWaiters.shift()?.();
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    yieldWaiters.push(resolve);
    yieldChannel.port2.postMessage(0);
  });
}

function useVolume(id: string): void {
  if (volumeId === id) return;
  volumeId = id;
  slices.clear();
  for (const waiters of sliceWaiters.values())
    for (const w of waiters) w.reject(new Error('another volume was opened'));
  sliceWaiters.clear();
  aheadPlan = null;
  propagatedLogits.clear();
}

function putSlice(message: Extract<WorkerRequest, { type: 'putSlice' }>): void {
  if (message.volumeId !== volumeId) return;
  const slice: WorkerSlice = {
    imageId: message.imageId,
    width: message.width,
    height: message.height,
    samples:
      message.bitDepth === 16 ? new Uint16Array(message.pixels) : new Uint8Array(message.pixels),
    luminance: null,
    valueSlope: message.valueSlope ?? 1,
  };
  slices.delete(message.slice);
  slices.set(message.slice, slice);
  for (const k of slices.keys()) {
    if (slices.size <= SLICE_BUDGET) break;
    slices.delete(k);
  }
  const waiters = sliceWaiters.get(message.slice) ?? [];
  sliceWaiters.delete(message.slice);
  for (const w of waiters) w.resolve(slice);
}

function sliceFailed(message: Extract<WorkerRequest, { type: 'sliceFailed' }>): void {
  if (message.volumeId !== volumeId) return;
  const waiters = sliceWaiters.get(message.slice) ?? [];
  sliceWaiters.delete(message.slice);
  for (const w of waiters) w.reject(new Error(`slice ${message.slice}: ${message.error}`));
}

/** Slice k of the open volume, asked of the page when the worker does not hold it. */
function sliceOf(k: number): Promise<WorkerSlice> {
  const held = slices.get(k);
  if (held) return Promise.resolve(held);
  if (!volumeId) return Promise.reject(new Error('no volume is open in the worker'));
  return new Promise((resolve, reject) => {
    const waiters = sliceWaiters.get(k);
    if (waiters) waiters.push({ resolve, reject });
    else {
      sliceWaiters.set(k, [{ resolve, reject }]);
      post({ type: 'needSlice', volumeId: volumeId as string, slice: k });
    }
  });
}

function luminanceOf(slice: WorkerSlice): Float32Array {
  slice.luminance ??= toLuminance(slice.samples, slice.width, slice.height, 1);
  return slice.luminance;
}

function cropGeometry(model: LoadedModel) {
  const { manifest } = model.predictor;
  return { inputSize: manifest.inputSize, ...manifest.crop, eps: manifest.preprocessing.eps };
}

/** Forward from the seed first, then backward (propagateVolume's order), AHEAD_SLICES each way. */
function aheadOrder(from: number, depth: number): number[] {
  const order: number[] = [];
  for (let k = from + 1; k < depth && k <= from + AHEAD_SLICES; k++) order.push(k);
  for (let k = from - 1; k >= 0 && k >= from - AHEAD_SLICES; k--) order.push(k);
  return order;
}

/** Encodes the plan's slices one by one while no prediction or propagation waits. */
async function runAhead(): Promise<void> {
  if (aheadRunning) return;
  aheadRunning = true;
  try {
    while (aheadPlan && foreground === 0 && current) {
      const plan = aheadPlan;
      const k = plan.order.shift();
      if (k === undefined) {
        aheadPlan = null;
        break;
      }
      let slice: WorkerSlice;
      try {
        slice = await sliceOf(k);
      } catch {
        continue;
      }
      if (aheadPlan !== plan || foreground > 0) {
        if (aheadPlan === plan) plan.order.unshift(k);
        continue;
      }
      await queue.run(async () => {
        const model = current;
        if (!model || aheadPlan !== plan || plan.volumeId !== volumeId) return;
        const wanted = computeCrop(plan.box, slice, cropGeometry(model));
        if (sliceEmbeddings.find(model.modelVersionId, slice.imageId, wanted)) return;
        const t0 = performance.now();
        const embedding = await model.predictor.embedLuminance(
          luminanceOf(slice),
          slice.width,
          slice.height,
          plan.box,
        );
        sliceEmbeddings.put(model.modelVersionId, slice.imageId, embedding);
        const ms = performance.now() - t0;
        measureSpan('loupe.worker.encodeAhead', t0);
        post({
          type: 'encodedAhead',
          volumeId: plan.volumeId,
          slice: k,
          cached: sliceEmbeddings.size,
          ms,
        });
      });
      await yieldToMessages();
    }
  } finally {
    aheadRunning = false;
  }
}

/** Counts a prediction or propagation as foreground work; encode-ahead resumes after the last. */
async function inForeground<T>(job: () => Promise<T>): Promise<T> {
  foreground += 1;
  try {
    return await job();
  } finally {
    foreground -= 1;
    if (foreground === 0) void runAhead();
  }
}

async function propagate(request: Extract<WorkerRequest, { type: 'propagate' }>): Promise<void> {
  const { requestId, objectId, width, height, depth, from } = request;
  const controller = new AbortController();
  propagations.set(requestId, controller);
  try {
    useVolume(request.volumeId);
    const result = await queue.run(async (): Promise<WorkerPropagationResult> => {
      const model = current;
      if (!model) throw new Error('no model loaded yet');
      const { manifest } = model.predictor;
      const geometry = cropGeometry(model);
      const t0 = performance.now();
      let encoderMs = 0;
      let decoderMs = 0;
      let waitSliceMs = 0;
      let reused = 0;
      let encoded = 0;
      const slice = async (k: number) => {
        const tw = performance.now();
        const s = await sliceOf(k);
        waitSliceMs += performance.now() - tw;
        if (s.width !== width || s.height !== height)
          throw new Error(`slice ${k} is ${s.width}x${s.height}, the volume ${width}x${height}`);
        return s;
      };
      const masks = new Map<number, SliceMask>(
        request.slices.map((s) => [s.slice, { mask: s.mask, origin: s.origin }]),
      );
      const seedLogits =
        request.seedLogits ??
        (request.seedFromWorker ? (propagatedLogits.get(`${objectId}:${from}`) ?? null) : null);
      const found = await propagateVolume({
        width,
        height,
        depth,
        from,
        masks,
        seedLogits,
        signal: controller.signal,
        onProgress: (p) => post({ type: 'propagationProgress', requestId, ...p }),
        // The contrast stop (DEFAULT_PROPAGATION.minContrastRatio) reads each slice's samples.
        image: async (k) => {
          const s = await slice(k);
          return { pixels: s.samples, width, height, channels: 1, valueSlope: s.valueSlope };
        },
        predict: async (k, prompt) => {
          // A cancel posted by the page gets in here, between two slices.
          await yieldToMessages();
          const s = await slice(k);
          const te = performance.now();
          const wanted = computeCrop(prompt.box, s, geometry);
          let embedding = sliceEmbeddings.find(model.modelVersionId, s.imageId, wanted);
          if (embedding) reused += 1;
          else {
            embedding = await model.predictor.embedLuminance(
              luminanceOf(s),
              width,
              height,
              prompt.box,
            );
            // Kept: a re-propagation after a correction runs over these slices again.
            sliceEmbeddings.put(model.modelVersionId, s.imageId, embedding);
            encoded += 1;
            measureSpan('loupe.worker.encoder', te);
          }
          const td = performance.now();
          encoderMs += td - te;
          const maskInput = prompt.maskInput
            ? resampleLogits(
                prompt.maskInput.values,
                prompt.maskInput.maskSize,
                prompt.maskInput.crop,
                embedding.crop,
              )
            : null;
          const decoded = await model.predictor.decodeLogits(embedding, prompt.box, prompt.clicks, {
            maskInput,
          });
          // The page's output choice (a box alone: the multimask output with the best IoU).
          const chosen = defaultOutput(decoded.iouPredictions, prompt.clicks.length);
          const values = decoded.lowResLogits[chosen] as Float32Array;
          const mask = forceClicks(
            pasteMaskLogits(
              values,
              decoded.maskSize,
              decoded.crop,
              width,
              height,
              manifest.maskThreshold,
            ).data,
            width,
            height,
            prompt.clicks,
          );
          const logits: MaskLogits = { values, maskSize: decoded.maskSize, crop: decoded.crop };
          const key = `${objectId}:${k}`;
          propagatedLogits.delete(key);
          propagatedLogits.set(key, logits);
          for (const old of propagatedLogits.keys()) {
            if (propagatedLogits.size <= LOGITS_BUDGET) break;
            propagatedLogits.delete(old);
          }
          decoderMs += performance.now() - td;
          measureSpan('loupe.worker.decoder', td);
          return { mask, iou: decoded.iouPredictions[chosen] ?? 0, logits };
        },
      });
      measureSpan('loupe.worker.propagate', t0);
      return {
        requestId,
        objectId,
        modelVersionId: model.modelVersionId,
        version: model.version,
        width,
        height,
        masks: [...found.masks].map(([k, mask]) => ({
          slice: k,
          region: maskToRegion(mask, width, height),
        })),
        cleared: found.cleared,
        stops: found.stops,
        predictions: found.predictions,
        seedContrast: found.seedContrast,
        embeddingsReused: reused,
        embeddingsEncoded: encoded,
        timings: { totalMs: performance.now() - t0, encoderMs, decoderMs, waitSliceMs },
      };
    });
    post(
      { type: 'propagated', result },
      result.masks.map((m) => m.region.data.buffer as ArrayBuffer),
    );
  } finally {
    propagations.delete(requestId);
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const message = event.data;
  const fail = (requestId: number) => (error: unknown) =>
    post({
      type: 'error',
      requestId,
      error: error instanceof Error ? error.message : String(error),
    });
  switch (message.type) {
    case 'init':
      runtime(message.preferWebGpu)
        .then((rt) =>
          post({
            type: 'ready',
            backend: rt.backend,
            threads: rt.threads,
            crossOriginIsolated: self.crossOriginIsolated,
          }),
        )
        .catch(fail(0));
      break;
    case 'loadModel':
      void loadModel(message.requestId, message.model);
      break;
    case 'setImage':
      // Through the queue so a prediction in flight finishes on the image it started with.
      queue
        .run(async () => {
          forgetEmbeddings(() => true);
          image = {
            imageId: message.imageId,
            width: message.width,
            height: message.height,
            luminance: toImageLuminance(
              message.pixels,
              message.width,
              message.height,
              message.bitDepth,
            ),
          };
        })
        .then(() =>
          post({ type: 'imageReady', requestId: message.requestId, imageId: message.imageId }),
        )
        .catch(fail(message.requestId));
      break;
    case 'predict':
      inForeground(() => predict(message)).catch(fail(message.requestId));
      break;
    case 'putSlice':
      putSlice(message);
      break;
    case 'sliceFailed':
      sliceFailed(message);
      break;
    case 'encodeAhead':
      useVolume(message.volumeId);
      aheadPlan = {
        volumeId: message.volumeId,
        box: message.box,
        order: aheadOrder(message.from, message.depth),
      };
      void runAhead();
      break;
    case 'propagate':
      aheadPlan = null;
      inForeground(() => propagate(message)).catch(fail(message.requestId));
      break;
    case 'cancelPropagation':
      propagations.get(message.requestId)?.abort();
      break;
    case 'forgetObject':
      void queue.run(async () => {
        const entry = embeddings.get(message.objectId);
        if (entry) disposeEmbedding(entry.embedding);
        embeddings.delete(message.objectId);
      });
      break;
  }
};
