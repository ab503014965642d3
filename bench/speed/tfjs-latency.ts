/**
 * The same network as encoder.onnx/decoder.onnx, run by TensorFlow.js on its wasm backend with the
 * model's tfjs implementation (libs/model SegmenterModel) and the checkpoint's weights, for
 * comparison with onnxruntime-web. Runs in a worker (tfjs-latency-worker.ts) or on the page.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { modelConfigSchema } from '@loupe/model';
// Not '@loupe/model/node': it also pulls node:fs and onnxruntime-node, which do not bundle for the
// browser.
import { SegmenterModel } from '@loupe/model/tfjs';
import type { LatencyRequest, LatencySamples, TfjsWeightsHeader } from './protocol';
import { promptPoints, seededNormal } from './synthetic-input';

async function loadWeights(
  base: string,
): Promise<{ header: TfjsWeightsHeader; data: Float32Array }> {
  const [headerResponse, dataResponse] = await Promise.all([
    fetch(`${base}.json`),
    fetch(`${base}.bin`),
  ]);
  if (!headerResponse.ok || !dataResponse.ok)
    throw new Error(`GET ${base}.json/.bin: HTTP ${headerResponse.status}/${dataResponse.status}`);
  return {
    header: (await headerResponse.json()) as TfjsWeightsHeader,
    data: new Float32Array(await dataResponse.arrayBuffer()),
  };
}

export async function measureTfjsLatency(request: LatencyRequest): Promise<LatencySamples> {
  if (!request.tfjsWeightsBase) throw new Error('tfjs-wasm needs tfjsWeightsBase');
  setWasmPaths(`${globalThis.location.origin}/tfjs-wasm/`);
  setThreadsCount(request.threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
  await tf.ready();
  const notes = [
    `WASM_HAS_SIMD_SUPPORT=${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}`,
    `WASM_HAS_MULTITHREAD_SUPPORT=${String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))}`,
    `wasm loaded: ${performance
      .getEntriesByType('resource')
      .map((entry) => entry.name.split('/').pop() ?? '')
      .filter((name) => name.endsWith('.wasm'))
      .join(', ')}`,
  ];

  const loadStart = performance.now();
  const { header, data } = await loadWeights(request.tfjsWeightsBase);
  const config = modelConfigSchema.parse(header.config);
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const model = new SegmenterModel(config, (spec) => {
    const entry = byName.get(spec.name);
    // The MAE pre-training head never runs at inference; checkpoints may leave it out, and
    // older ones lack the (optional) mask-prompt weights, which a timing run may leave at zero.
    if (!entry && (spec.group === 'mae' || spec.optional))
      return new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (!entry) throw new Error(`tfjs weights: missing parameter ${spec.name}`);
    return data.subarray(entry.offset, entry.offset + entry.length);
  });
  const loadMs = performance.now() - loadStart;

  const s = config.inputSize;
  const image = tf.tensor4d(seededNormal(s * s, 7), [1, 1, s, s]);
  const { coords, labels } = promptPoints(s, request.clicks);
  const n = labels.length;
  const pointCoords = tf.tensor3d(coords, [1, n, 2]);
  const pointLabels = tf.tensor2d(labels, [1, n]);

  // Like ort's session.run, a timed call ends when the outputs are readable on the CPU side.
  const runEncoder = async () => {
    const out = tf.tidy(() => {
      const { imageEmbedding, highResFeatures } = model.network.encodeImage(model.ops, image);
      return { imageEmbedding, highResFeatures };
    });
    await Promise.all([out.imageEmbedding.data(), out.highResFeatures.data()]);
    return out;
  };
  const encoderMs: number[] = [];
  let embedding = await runEncoder();
  for (let i = 0; i < request.warmup + request.iterations; i++) {
    tf.dispose([embedding.imageEmbedding, embedding.highResFeatures]);
    const t0 = performance.now();
    embedding = await runEncoder();
    if (i >= request.warmup) encoderMs.push(performance.now() - t0);
  }
  const decoderMs: number[] = [];
  let maskLogitMaxAbs = 0;
  for (let i = 0; i < request.warmup + request.iterations; i++) {
    const t0 = performance.now();
    const out = tf.tidy(() => {
      const { masks, iouPredictions } = model.network.decode(
        model.ops,
        embedding.imageEmbedding,
        embedding.highResFeatures,
        pointCoords,
        pointLabels,
      );
      return { masks, iouPredictions };
    });
    const [masks] = await Promise.all([out.masks.data(), out.iouPredictions.data()]);
    if (i >= request.warmup) decoderMs.push(performance.now() - t0);
    tf.dispose([out.masks, out.iouPredictions]);
    const plane = (masks.length / 4) | 0;
    for (let j = 0; j < plane; j++)
      maskLogitMaxAbs = Math.max(maskLogitMaxAbs, Math.abs(masks[j] as number));
  }
  tf.dispose([
    embedding.imageEmbedding,
    embedding.highResFeatures,
    image,
    pointCoords,
    pointLabels,
  ]);
  model.dispose();
  return {
    engine: 'tfjs-wasm',
    threadsRequested: request.threads,
    threadsUsed: getThreadsCount(),
    crossOriginIsolated: globalThis.crossOriginIsolated,
    loadMs,
    encoderMs,
    decoderMs,
    maskLogitMaxAbs,
    notes,
  };
}
