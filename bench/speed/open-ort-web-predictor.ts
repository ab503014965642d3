/**
 * In a bench worker in headless Chromium: the model at `modelBase` (manifest, encoder, decoder)
 * opened through the app's own SamPredictor with onnxruntime-web wasm, as the app's inference
 * worker opens it (apps/web/src/worker/inference-worker.ts).
 */
import { parseManifest, SamPredictor, type ModelManifest } from '@loupe/model';
import * as ort from 'onnxruntime-web/wasm';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function openOrtWebPredictor(options: {
  modelBase: string;
  threads: number;
  sessionOptions: ort.InferenceSession.SessionOptions;
  /** Run one warm-up prediction before returning (counted in loadMs). */
  warmUp?: boolean;
}): Promise<{ predictor: SamPredictor; manifest: ModelManifest; loadMs: number }> {
  const { modelBase } = options;
  const manifestResponse = await fetch(`${modelBase}/manifest.json`);
  if (!manifestResponse.ok)
    throw new Error(`GET ${modelBase}/manifest.json: HTTP ${manifestResponse.status}`);
  const manifest = parseManifest(await manifestResponse.json());
  // Must be set before the first session: the wasm module starts its thread pool once.
  ort.env.wasm.wasmPaths = `${self.location.origin}/ort/`;
  ort.env.wasm.numThreads = options.threads;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';

  const loadStart = performance.now();
  const [encoder, decoder] = await Promise.all([
    fetchBytes(`${modelBase}/${manifest.encoder.file}`),
    fetchBytes(`${modelBase}/${manifest.decoder.file}`),
  ]);
  const predictor = await SamPredictor.create({
    ort,
    manifest,
    encoder,
    decoder,
    sessionOptions: options.sessionOptions,
  });
  if (options.warmUp) await predictor.warmUp();
  return { predictor, manifest, loadMs: performance.now() - loadStart };
}

/** The wasm threads onnxruntime-web actually runs (after the first session). */
export const ortWebThreadsUsed = (): number => ort.env.wasm.numThreads ?? 1;
