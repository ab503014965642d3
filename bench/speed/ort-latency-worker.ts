/**
 * Worker: encoder and decoder latency of an exported model with onnxruntime-web (wasm), through
 * the app's own predictor (libs/model SamPredictor, sessions checked against the contract). Runs
 * in a dedicated worker like the app's inference worker, so the page's main thread is not involved.
 */
import { parseManifest, SamPredictor } from '@loupe/model';
import * as ort from 'onnxruntime-web/wasm';
import type { LatencyRequest, LatencySamples, WorkerReply } from './protocol';
import { promptPoints, seededNormal } from './synthetic-input';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function measure(request: LatencyRequest): Promise<LatencySamples> {
  const manifestResponse = await fetch(`${request.modelBase}/manifest.json`);
  if (!manifestResponse.ok)
    throw new Error(`GET ${request.modelBase}/manifest.json: HTTP ${manifestResponse.status}`);
  const manifest = parseManifest(await manifestResponse.json());
  // Must be set before the first session: the wasm module starts its thread pool once.
  ort.env.wasm.wasmPaths = `${self.location.origin}/ort/`;
  ort.env.wasm.numThreads = request.threads;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';

  const loadStart = performance.now();
  const [encoder, decoder] = await Promise.all([
    fetchBytes(`${request.modelBase}/${manifest.encoder.file}`),
    fetchBytes(`${request.modelBase}/${manifest.decoder.file}`),
  ]);
  const predictor = await SamPredictor.create({
    ort,
    manifest,
    encoder,
    decoder,
    sessionOptions: { executionProviders: ['wasm'] },
  });
  const loadMs = performance.now() - loadStart;

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
    threadsUsed: ort.env.wasm.numThreads ?? 1,
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
