/**
 * Worker: the volume bench's 64-slice propagation (volume-propagation-loop.ts, the page's
 * propagateVolume through SamPredictor) with onnxruntime-web wasm in headless Chromium, after a
 * warm-up, so the figure is the browser's and not Node's.
 */
import { parseManifest, SamPredictor } from '@loupe/model';
import * as ort from 'onnxruntime-web/wasm';
import type { PropagationReply, PropagationRequest, PropagationTiming } from './protocol';
import { propagationTime } from './volume-propagation-loop';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function measure(request: PropagationRequest): Promise<PropagationTiming> {
  const manifestResponse = await fetch(`${request.modelBase}/manifest.json`);
  if (!manifestResponse.ok)
    throw new Error(`GET ${request.modelBase}/manifest.json: HTTP ${manifestResponse.status}`);
  const manifest = parseManifest(await manifestResponse.json());
  ort.env.wasm.wasmPaths = `${self.location.origin}/ort/`;
  ort.env.wasm.numThreads = request.threads;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  const loadStart = performance.now();
  const [encoder, decoder] = await Promise.all([
    fetchBytes(`${request.modelBase}/${manifest.encoder.file}`),
    fetchBytes(`${request.modelBase}/${manifest.decoder.file}`),
  ]);
  // As the app's worker opens it (apps/web/src/worker/inference-worker.ts).
  const predictor = await SamPredictor.create({
    ort,
    manifest,
    encoder,
    decoder,
    sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
  });
  await predictor.warmUp();
  const loadMs = performance.now() - loadStart;
  try {
    const timing = await propagationTime(predictor, request.size, request.depth, request.seed);
    return {
      threadsUsed: ort.env.wasm.numThreads ?? 1,
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
