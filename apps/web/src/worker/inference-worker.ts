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
 */
import {
  disposeEmbedding,
  loadModelFiles,
  pasteOutputMasks,
  SamPredictor,
  toLuminance,
  type ClickPrediction,
  type CropEmbedding,
  type DecoderOutput,
  type ShownMask,
} from '@loupe/model';
import {
  CLICK_FORCE_RADIUS,
  forceClicks,
  maskBoundsWithin,
  pasteProbabilities,
  resampleLogits,
  type Box,
  type ClickPrompt,
  type CropTransform,
} from '@loupe/prompts';
import { clickCropBox } from './click-crop-box';
import { createOrtRuntime, type OrtRuntime } from './ort-runtime';
import type { ModelRef, PredictionResult, WorkerRequest, WorkerResponse } from './protocol';
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
   * The last decode on this crop: its prompts, every output's M x M logits, and output 0 as shown
   * (merged logits + probabilities; null after a propagation decode).
   */
  last: {
    box: Box | null;
    clicks: ClickPrompt[];
    logits: Float32Array[];
    shown: ShownMask | null;
  } | null;
}

/** The mask the page showed (output `index` of the last decode), for the next click to correct. */
function shownMask(
  entry: CachedEmbedding,
  index: number,
  width: number,
  height: number,
): ShownMask | null {
  const last = entry.last;
  if (!last) return null;
  if (index === 0 && last.shown) return last.shown;
  const logits = last.logits[index];
  if (!logits) return null;
  const probabilities = forceClicks(
    pasteProbabilities(logits, Math.sqrt(logits.length), entry.embedding.crop, width, height),
    width,
    height,
    last.clicks,
  );
  return { logits, probabilities };
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
 * Where a pasted mask can be non-zero: the crop (pasting writes only pixels whose centre is in it)
 * plus a pixel, and the disc each positive click forces.
 */
function pastedRegion(crop: CropTransform, clicks: readonly ClickPrompt[]): Box {
  let x0 = Math.floor(crop.x0) - 1;
  let y0 = Math.floor(crop.y0) - 1;
  let x1 = Math.ceil(crop.x0 + crop.size) + 1;
  let y1 = Math.ceil(crop.y0 + crop.size) + 1;
  const r = CLICK_FORCE_RADIUS + 1;
  for (const c of clicks) {
    if (!c.positive || !Number.isFinite(c.x) || !Number.isFinite(c.y)) continue;
    x0 = Math.min(x0, Math.floor(c.x - r));
    y0 = Math.min(y0, Math.floor(c.y - r));
    x1 = Math.max(x1, Math.ceil(c.x + r));
    y1 = Math.max(y1, Math.ceil(c.y + r));
  }
  return { x0, y0, x1, y1 };
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
  const result = await queue.run(async (): Promise<PredictionResult> => {
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
      cached = { modelVersionId: model.modelVersionId, imageId, cropKey, embedding, last: null };
      embeddings.set(objectId, cached);
    }
    const entry = cached as CachedEmbedding;
    const previousSlice = request.maskPrompt;
    const td = performance.now();
    let decoded: DecoderOutput;
    // A click's result: output 0 is the click's merged mask (its logits are lowResLogits[0]).
    let clicked: ClickPrediction | null = null;
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
      // mask prompt, progressive merge around the click, forced clicks), as eval and the gate run it.
      const previous =
        entry.last && addsOneClick(entry.last, box, clicks)
          ? shownMask(entry, shownOutput, img.width, img.height)
          : null;
      clicked = await model.predictor.decodeClick(entry.embedding, box, clicks, previous);
      decoded = clicked;
      entry.last = {
        box,
        clicks: clicks.slice(),
        logits: clicked.lowResLogits,
        shown: clicked.shown,
      };
    }
    const tp = performance.now();
    measureSpan('loupe.worker.decoder', td, tp);
    // Every click holds at its own pixel (libs/prompts forceClicks, as SamPredictor.decode does).
    const masks = pasteOutputMasks(decoded, manifest.maskThreshold).map((m) =>
      forceClicks(m, img.width, img.height, clicks),
    );
    if (clicked) masks[0] = clicked.mask.data;
    // As before the predictor moved to libs/model: pasting the masks counts as decoder time.
    const region = pastedRegion(decoded.crop, clicks);
    const maskBounds = masks.map((m) => maskBoundsWithin(m, img.width, img.height, region));
    const decoderMs = performance.now() - td;
    const pasteMs = performance.now() - tp;
    measureSpan('loupe.worker.paste', tp);
    const totalMs = performance.now() - t0;
    return {
      requestId,
      imageId,
      objectId,
      modelVersionId: model.modelVersionId,
      version: model.version,
      width: img.width,
      height: img.height,
      masks,
      maskBounds,
      // Copies: the cached entry keeps its own for the next click's mask prompt.
      lowResLogits: decoded.lowResLogits.map((l) => l.slice()),
      maskSize: decoded.maskSize,
      crop: decoded.crop,
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
  });
  result.timings.postedAt = epochNow();
  post(
    { type: 'prediction', result },
    [...result.masks, ...result.lowResLogits].map((m) => m.buffer as ArrayBuffer),
  );
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
      predict(message).catch(fail(message.requestId));
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
