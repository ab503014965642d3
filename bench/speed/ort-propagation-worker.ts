/**
 * Worker: the volume bench's 64-slice propagation (volume-propagation-loop.ts, the page's
 * propagateVolume through SamPredictor) with onnxruntime-web wasm in headless Chromium, after a
 * warm-up, so the figure is the browser's and not Node's.
 */
import type { PropagationReply, PropagationRequest, PropagationTiming } from './protocol';
import { openOrtWebPredictor, ortWebThreadsUsed } from './open-ort-web-predictor';
import { propagationTime } from './volume-propagation-loop';

async function measure(request: PropagationRequest): Promise<PropagationTiming> {
  const { predictor, loadMs } = await openOrtWebPredictor({
    modelBase: request.modelBase,
    threads: request.threads,
    sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
    warmUp: true,
  });
  try {
    const timing = await propagationTime(predictor, request.size, request.depth, request.seed);
    return {
      threadsUsed: ortWebThreadsUsed(),
      crossOriginIsolated: self.crossOriginIsolated,
      loadMs,
      slices: timing.slices,
      propagationMs: timing.propagationMs,
      msPerSlice: timing.msPerSlice,
      per64SlicesMs: timing.per64SlicesMs,
      perSliceMs: timing.perSliceMs,
    };
  } finally {
    await predictor.release();
  }
}

self.onmessage = (event: MessageEvent<PropagationRequest>) => {
  measure(event.data).then(
    (timing) => self.postMessage({ ok: true, timing } satisfies PropagationReply),
    (error: unknown) =>
      self.postMessage({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies PropagationReply),
  );
};
