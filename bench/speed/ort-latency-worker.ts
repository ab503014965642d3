/**
 * Worker: encoder and decoder latency of an exported model with onnxruntime-web (wasm). Runs in a
 * dedicated worker like the app's inference worker, so the page's main thread is not involved.
 */
import {
  DECODER_INPUT,
  DECODER_OUTPUT,
  ENCODER_INPUT,
  ENCODER_OUTPUT,
  parseManifest,
} from '@loupe/model';
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
  const [encoderBytes, decoderBytes] = await Promise.all([
    fetchBytes(`${request.modelBase}/${manifest.encoder.file}`),
    fetchBytes(`${request.modelBase}/${manifest.decoder.file}`),
  ]);
  const options: ort.InferenceSession.SessionOptions = { executionProviders: ['wasm'] };
  const encoder = await ort.InferenceSession.create(encoderBytes, options);
  const decoder = await ort.InferenceSession.create(decoderBytes, options);
  const loadMs = performance.now() - loadStart;

  const s = manifest.inputSize;
  const image = new ort.Tensor('float32', seededNormal(s * s, 7), [1, 1, s, s]);
  const runEncoder = async () => {
    const out = await encoder.run({ [ENCODER_INPUT.image]: image });
    const imageEmbedding = out[ENCODER_OUTPUT.imageEmbedding];
    const highResFeatures = out[ENCODER_OUTPUT.highResFeatures];
    if (!imageEmbedding || !highResFeatures) throw new Error('encoder.onnx returned no embeddings');
    return { imageEmbedding, highResFeatures };
  };
  const { coords, labels } = promptPoints(s, request.clicks);
  const n = labels.length;
  const pointCoords = new ort.Tensor('float32', coords, [1, n, 2]);
  const pointLabels = new ort.Tensor('float32', labels, [1, n]);

  const encoderMs: number[] = [];
  let embedding = await runEncoder();
  for (let i = 0; i < request.warmup + request.iterations; i++) {
    const t0 = performance.now();
    embedding = await runEncoder();
    if (i >= request.warmup) encoderMs.push(performance.now() - t0);
  }
  const decoderMs: number[] = [];
  let maskLogitMaxAbs = 0;
  for (let i = 0; i < request.warmup + request.iterations; i++) {
    const t0 = performance.now();
    const out = await decoder.run({
      [DECODER_INPUT.imageEmbedding]: embedding.imageEmbedding,
      [DECODER_INPUT.highResFeatures]: embedding.highResFeatures,
      [DECODER_INPUT.pointCoords]: pointCoords,
      [DECODER_INPUT.pointLabels]: pointLabels,
    });
    if (i >= request.warmup) decoderMs.push(performance.now() - t0);
    const masks = out[DECODER_OUTPUT.masks];
    if (!masks) throw new Error('decoder.onnx returned no masks');
    const plane = manifest.maskSize * manifest.maskSize;
    const data = masks.data as Float32Array;
    for (let j = 0; j < plane; j++)
      maskLogitMaxAbs = Math.max(maskLogitMaxAbs, Math.abs(data[j] as number));
  }
  await encoder.release();
  await decoder.release();
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
