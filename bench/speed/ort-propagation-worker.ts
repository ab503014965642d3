/**
 * Worker: the volume bench's 64-slice propagation (volume-propagation-loop.ts, the page's
 * propagateVolume through SamPredictor) with onnxruntime-web wasm in headless Chromium, after a
 * warm-up, so the figure is the browser's and not Node's.
 */
import type { CpuQuery, PropagationReply, PropagationRequest, PropagationTiming } from './protocol';
import { openOrtWebPredictor, ortWebThreadsUsed } from './open-ort-web-predictor';
import { propagationTime } from './volume-propagation-loop';

const cpuAnswers = new Map<number, (ms: number | null) => void>();
let cpuQueries = 0;
/** The Chromium processes' CPU time, asked of the bench through the page (null where unknown). */
function chromiumCpuMs(): Promise<number | null> {
  const id = ++cpuQueries;
  return new Promise((resolve) => {
    cpuAnswers.set(id, resolve);
    self.postMessage({ cpu: id } satisfies PropagationReply);
  });
}

async function measure(request: PropagationRequest): Promise<PropagationTiming> {
  const { predictor, loadMs } = await openOrtWebPredictor({
    modelBase: request.modelBase,
    threads: request.threads,
    sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
    warmUp: true,
  });
  try {
    const timing = await propagationTime(
      predictor,
      request.size,
      request.depth,
      request.seed,
      chromiumCpuMs,
    );
    return {
      threadsUsed: ortWebThreadsUsed(),
      crossOriginIsolated: self.crossOriginIsolated,
      loadMs,
      slices: timing.slices,
      propagationMs: timing.propagationMs,
      msPerSlice: timing.msPerSlice,
      per64SlicesMs: timing.per64SlicesMs,
      perSliceMs: timing.perSliceMs,
      per64SlicesCpuMs: timing.per64SlicesCpuMs,
      volumeDice: timing.volumeDice,
      repeat: timing.repeat,
      warm: timing.warm,
    };
  } finally {
    await predictor.release();
  }
}

self.onmessage = (event: MessageEvent<PropagationRequest | CpuQuery>) => {
  if ('cpu' in event.data) {
    cpuAnswers.get(event.data.cpu)?.(event.data.ms ?? null);
    cpuAnswers.delete(event.data.cpu);
    return;
  }
  measure(event.data).then(
    (timing) => self.postMessage({ ok: true, timing } satisfies PropagationReply),
    (error: unknown) =>
      self.postMessage({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies PropagationReply),
  );
};
