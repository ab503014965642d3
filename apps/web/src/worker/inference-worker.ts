/// <reference lib="webworker" />
/**
 * The inference worker (bundled by scripts/build-worker.ts into public/inference-worker.js).
 *
 * - setImage: keeps the image as luminance 0..1 for cropping.
 * - predict: a new box (or a first click) runs encoder + decoder; more clicks on the same object
 *   reuse the crop embedding (decoder only). Results carry the model version and timings.
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
  type CropEmbedding,
} from '@loupe/model';
import type { Box, ClickPrompt } from '@loupe/prompts';
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

async function predict(request: Extract<WorkerRequest, { type: 'predict' }>): Promise<void> {
  const { requestId, imageId, objectId, box, clicks } = request;
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
      cached = { modelVersionId: model.modelVersionId, imageId, cropKey, embedding };
      embeddings.set(objectId, cached);
    }
    const td = performance.now();
    const decoded = await model.predictor.decodeLogits(
      (cached as CachedEmbedding).embedding,
      box,
      clicks,
    );
    const masks = pasteOutputMasks(decoded, manifest.maskThreshold);
    // As before the predictor moved to libs/model: pasting the masks counts as decoder time.
    const decoderMs = performance.now() - td;
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
      iouPredictions: decoded.iouPredictions,
      encoderReused: reused,
      timings: {
        encoderMs,
        decoderMs,
        otherMs: Math.max(0, totalMs - encoderMs - decoderMs),
        totalMs,
      },
    };
  });
  post(
    { type: 'prediction', result },
    result.masks.map((m) => m.buffer as ArrayBuffer),
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
