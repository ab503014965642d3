/**
 * Worker: encoder and decoder latency of an exported model with onnxruntime-web (wasm), through
 * the app's own predictor (libs/model SamPredictor, sessions checked against the contract). Runs
 * in a dedicated worker like the app's inference worker, so the page's main thread is not involved.
 */
import { openOrtWebPredictor, ortWebThreadsUsed } from './open-ort-web-predictor';
import type { LatencyRequest, LatencySamples, WorkerReply } from './protocol';
import { promptPoints, seededNormal } from './synthetic-input';

async function measure(request: LatencyRequest): Promise<LatencySamples> {
  const { predictor, manifest, loadMs } = await openOrtWebPredictor({
    modelBase: request.modelBase,
    threads: request.threads,
    sessionOptions: { executionProviders: ['wasm'] },
  });

  const s = manifest.inputSize;
  const image = seededNormal(s * s, 7);
  const { coords, labels } = promptPoints(s, request.clicks);

  const encoderMs: number[] = [];
  let embedding = await predictor.runEncoder(image);
  for (let i = 0; i < request.warmup + request.iterations; i++) {
    const t0 = performance.now();
    embedding = await predictor.runEncoder(image);
    if (i >= request.warmup) encoderMs.push(performance.now() - t0);
  }
  const decoderMs: number[] = [];
  let maskLogitMaxAbs = 0;
  const plane = manifest.maskSize * manifest.maskSize;
  for (let i = 0; i < request.warmup + request.iterations; i++) {
    const t0 = performance.now();
    const { masks } = await predictor.runDecoder(embedding, coords, labels);
    if (i >= request.warmup) decoderMs.push(performance.now() - t0);
    for (let j = 0; j < plane; j++)
      maskLogitMaxAbs = Math.max(maskLogitMaxAbs, Math.abs(masks[j] as number));
  }
  await predictor.release();
  return {
    engine: 'ort-web',
    threadsRequested: request.threads,
    threadsUsed: ortWebThreadsUsed(),
    crossOriginIsolated: self.crossOriginIsolated,
    loadMs,
    encoderMs,
    decoderMs,
    maskLogitMaxAbs,
    notes: [],
  };
}

self.onmessage = (event: MessageEvent<LatencyRequest>) => {
  measure(event.data).then(
    (samples) => self.postMessage({ ok: true, samples } satisfies WorkerReply),
    (error: unknown) =>
      self.postMessage({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies WorkerReply),
  );
};
