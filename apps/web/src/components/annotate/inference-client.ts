/**
 * Page-side handle on the inference worker: promise per request, events for model state.
 * The worker script is built by scripts/build-worker.ts into /inference-worker.js.
 */
import type { ModelRef } from '@loupe/contracts';
import type { Box, ClickPrompt, MaskLogits } from '@loupe/prompts';
import type {
  PredictionResult,
  WorkerPropagationResult,
  WorkerRequest,
  WorkerResponse,
} from '../../worker/protocol';

/** The propagate request, less what the client fills in. */
export type PropagateRequest = Omit<
  Extract<WorkerRequest, { type: 'propagate' }>,
  'type' | 'requestId'
>;

/** Answers the worker's needSlice: the slice's samples (the page's SliceCache). */
export type SliceSource = (
  volumeId: string,
  slice: number,
) => Promise<{
  imageId: string;
  width: number;
  height: number;
  bitDepth: number;
  samples: Uint8Array | Uint16Array;
  /** Its rescale slope (real units per sample; PET slices each have their own). */
  valueSlope?: number;
}>;

export type ModelEvent = Extract<
  WorkerResponse,
  { type: 'ready' | 'modelLoading' | 'modelReady' | 'modelFailed' }
>;

export class InferenceClient {
  private readonly worker: Worker;
  private nextRequestId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly listeners = new Set<(event: ModelEvent) => void>();
  private readonly progress = new Map<
    number,
    (p: { done: number; total: number; slice: number }) => void
  >();
  /** Results whose other outputs are still being pasted in the worker (predictionOutputs). */
  private readonly awaitingOutputs = new Map<
    number,
    { masks: PredictionResult['masks']; done: () => void }
  >();
  private sliceSource: SliceSource | null = null;
  private aheadListener: (() => void) | null = null;

  constructor(url = '/inference-worker.js') {
    this.worker = new Worker(url, { type: 'module', name: 'loupe-inference' });
    this.worker.onmessage = (event: MessageEvent<WorkerResponse>) => this.handle(event.data);
    this.worker.onerror = (event) => {
      const error = new Error(`inference worker failed: ${event.message || 'could not start'}`);
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
  }

  onModelEvent(listener: (event: ModelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  init(preferWebGpu = true): void {
    this.post({ type: 'init', preferWebGpu });
  }

  loadModel(model: ModelRef): void {
    this.post({ type: 'loadModel', requestId: this.nextRequestId++, model });
  }

  setImage(
    imageId: string,
    width: number,
    height: number,
    bitDepth: number,
    pixels: ArrayBuffer,
  ): Promise<void> {
    const requestId = this.nextRequestId++;
    const done = this.expect<void>(requestId);
    this.post({ type: 'setImage', requestId, imageId, width, height, bitDepth, pixels }, [pixels]);
    return done;
  }

  predict(
    imageId: string,
    objectId: string,
    box: Box | null,
    clicks: ClickPrompt[],
    shownOutput: number | null = null,
    maskPrompt: MaskLogits | null = null,
  ): Promise<PredictionResult> {
    const requestId = this.nextRequestId++;
    const done = this.expect<PredictionResult>(requestId);
    this.post({
      type: 'predict',
      requestId,
      imageId,
      objectId,
      box,
      clicks,
      shownOutput,
      maskPrompt,
    });
    return done;
  }

  /** Where the worker's needSlice is answered from (the volume page's slices); null: nowhere. */
  setSliceSource(source: SliceSource | null): void {
    this.sliceSource = source;
  }

  /** Called for each slice the worker encoded ahead. */
  setAheadListener(listener: (() => void) | null): void {
    this.aheadListener = listener;
  }

  /** Asks the worker to encode slices ahead around `from` in `box`'s crop (see protocol.ts). */
  encodeAhead(volumeId: string, depth: number, from: number, box: Box): void {
    this.post({ type: 'encodeAhead', volumeId, depth, from, box });
  }

  /**
   * Propagation in the worker: resolves with its result (also when cancelled: what was done so
   * far); `cancel()` stops it between two slices.
   */
  propagate(
    request: PropagateRequest,
    onProgress: (p: { done: number; total: number; slice: number }) => void,
  ): { result: Promise<WorkerPropagationResult>; cancel: () => void } {
    const requestId = this.nextRequestId++;
    const result = this.expect<WorkerPropagationResult>(requestId).finally(() =>
      this.progress.delete(requestId),
    );
    this.progress.set(requestId, onProgress);
    // Copies: the page keeps its masks (the transfer would empty them).
    const slices = request.slices.map((s) => ({ ...s, mask: s.mask.slice() }));
    this.post(
      { type: 'propagate', requestId, ...request, slices },
      slices.map((s) => s.mask.buffer as ArrayBuffer),
    );
    return { result, cancel: () => this.post({ type: 'cancelPropagation', requestId }) };
  }

  forgetObject(objectId: string): void {
    this.post({ type: 'forgetObject', objectId });
  }

  terminate(): void {
    this.worker.terminate();
    for (const { reject } of this.pending.values()) reject(new Error('inference worker stopped'));
    this.pending.clear();
    for (const { done } of this.awaitingOutputs.values()) done();
    this.awaitingOutputs.clear();
  }

  private answerSlice(volumeId: string, slice: number): void {
    const source = this.sliceSource;
    if (!source) {
      this.post({ type: 'sliceFailed', volumeId, slice, error: 'no volume is open on the page' });
      return;
    }
    source(volumeId, slice).then(
      (s) => {
        // The worker's own copy (the transfer empties the buffer sent).
        const pixels = s.samples.slice().buffer as ArrayBuffer;
        this.post(
          {
            type: 'putSlice',
            volumeId,
            slice,
            imageId: s.imageId,
            width: s.width,
            height: s.height,
            bitDepth: s.bitDepth,
            pixels,
            ...(s.valueSlope !== undefined ? { valueSlope: s.valueSlope } : {}),
          },
          [pixels],
        );
      },
      (error: unknown) =>
        this.post({
          type: 'sliceFailed',
          volumeId,
          slice,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  }

  private expect<T>(requestId: number): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject }),
    );
  }

  private post(message: WorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private settle(requestId: number, value: unknown, error?: string): void {
    const waiter = this.pending.get(requestId);
    if (!waiter) return;
    this.pending.delete(requestId);
    if (error !== undefined) waiter.reject(new Error(error));
    else waiter.resolve(value);
  }

  private handle(message: WorkerResponse): void {
    switch (message.type) {
      case 'prediction': {
        const { result } = message;
        result.receivedAt = performance.now();
        if (result.masks.some((m) => m === null))
          result.outputsReady = new Promise<void>((done) =>
            this.awaitingOutputs.set(result.requestId, { masks: result.masks, done }),
          );
        else result.outputsReady = Promise.resolve();
        this.settle(result.requestId, result);
        break;
      }
      case 'predictionOutputs': {
        const waiting = this.awaitingOutputs.get(message.requestId);
        if (!waiting) break;
        // The same array the page's proposal holds: every state that shows it sees them.
        for (const { index, region } of message.outputs) waiting.masks[index] = region;
        if (waiting.masks.some((m) => m === null)) break;
        this.awaitingOutputs.delete(message.requestId);
        waiting.done();
        break;
      }
      case 'imageReady':
        this.settle(message.requestId, undefined);
        break;
      case 'propagated':
        this.settle(message.result.requestId, message.result);
        break;
      case 'propagationProgress':
        this.progress.get(message.requestId)?.(message);
        break;
      case 'needSlice':
        this.answerSlice(message.volumeId, message.slice);
        break;
      case 'encodedAhead':
        this.aheadListener?.();
        break;
      case 'error':
        if (message.requestId === 0) {
          for (const l of this.listeners)
            l({
              type: 'modelFailed',
              requestId: 0,
              model: { modelVersionId: '', version: 0, manifestSha256: null, baseUrl: '' },
              error: message.error,
              keptVersion: null,
            });
        }
        this.settle(message.requestId, undefined, message.error);
        // Pasting the other outputs failed: they stay null (the page cannot choose them).
        this.awaitingOutputs.get(message.requestId)?.done();
        this.awaitingOutputs.delete(message.requestId);
        break;
      default:
        for (const l of this.listeners) l(message);
    }
  }
}
