/**
 * SamPredictor on the real starter model with onnxruntime-web (wasm, what the browser worker
 * runs) and onnxruntime-node (what the trainer's gate, eval and benches run): same crop, same
 * masks. Plus the checks create() makes against the contract and the manifest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pasteMaskLogits } from '@loupe/prompts';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../contract';
import { MODEL_FILES } from '../model-files';
import { toLuminance } from '../preprocess';
import { openModelDir } from './open-model-dir';
import {
  disposeEmbedding,
  OnnxInputError,
  pasteOutputMasks,
  pasteOutputProbabilities,
  SamPredictor,
} from './sam-predictor';
import { sha256Hex } from './sha256-hex';

const W = 160;
const H = 120;
const starterDir = fileURLToPath(new URL('../../../../models/starter', import.meta.url));

function syntheticImage(): Float32Array {
  const lum = new Float32Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      lum[y * W + x] = 0.1 + 0.8 * Math.exp(-((x - 90) ** 2 + (y - 60) ** 2) / (2 * 12 ** 2));
  return lum;
}

describe('SamPredictor (onnxruntime-web wasm and onnxruntime-node, starter model)', () => {
  const manifest = parseManifest(
    JSON.parse(readFileSync(path.join(starterDir, MODEL_FILES.manifest), 'utf8')),
  );
  const encoder = new Uint8Array(readFileSync(path.join(starterDir, manifest.encoder.file)));
  const decoder = new Uint8Array(readFileSync(path.join(starterDir, manifest.decoder.file)));
  let web: SamPredictor;

  beforeAll(async () => {
    ortWeb.env.wasm.numThreads = 1;
    web = await SamPredictor.create({
      ort: ortWeb,
      manifest,
      encoder,
      decoder,
      sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
    });
  });
  afterAll(async () => {
    await web?.release();
  });

  it('the files match their manifest sha256 (what the worker checks before loading)', async () => {
    expect(await sha256Hex(encoder)).toBe(manifest.encoder.sha256);
    expect(await sha256Hex(decoder)).toBe(manifest.decoder.sha256);
  });

  it('returns one full-size mask per decoder output, matching onnxruntime-node within a few pixels', async () => {
    const lum = syntheticImage();
    const box = { x0: 70, y0: 40, x1: 112, y1: 82 };
    const clicks = [{ x: 90, y: 60, positive: true }];
    const embedding = await web.embedLuminance(lum, W, H, box);
    const webOutput = await web.decodeLogits(embedding, box, clicks);
    disposeEmbedding(embedding);
    const webMasks = pasteOutputMasks(webOutput, manifest.maskThreshold);
    expect(webMasks).toHaveLength(4);
    for (const m of webMasks) expect(m.length).toBe(W * H);
    expect(webOutput.iouPredictions).toHaveLength(4);

    const reference = await SamPredictor.create({ ort: ortNode, manifest, encoder, decoder });
    const refEmbedding = await reference.embedLuminance(lum, W, H, box);
    const ref = await reference.decode(refEmbedding, box, clicks);
    await reference.release();
    expect(ref.lowResLogits).toHaveLength(4);
    expect(ref.crop).toEqual(webOutput.crop);
    // Same single-mask output: thresholds may flip a handful of boundary pixels at most.
    const refMask = pasteMaskLogits(
      ref.lowResLogits[0]!,
      manifest.maskSize,
      ref.crop,
      W,
      H,
      manifest.maskThreshold,
    ).data;
    let differing = 0;
    for (let i = 0; i < refMask.length; i++) if (refMask[i] !== webMasks[0]![i]) differing++;
    expect(differing).toBeLessThanOrEqual(5);
    webOutput.iouPredictions.forEach((v, i) => expect(v).toBeCloseTo(ref.iouPredictions[i]!, 3));
    // decode() adds the single-mask output's probabilities pasted to image pixels.
    expect(Array.from(ref.probabilities)).toEqual(Array.from(pasteOutputProbabilities(ref, 0)));
  });

  it('scales 16-bit samples like 8-bit ones: the same picture gives the same prediction', async () => {
    const eight = new Uint8Array(W * H);
    const sixteen = new Uint16Array(W * H);
    const lum = syntheticImage();
    for (let i = 0; i < lum.length; i++) {
      eight[i] = Math.round((lum[i] as number) * 255);
      sixteen[i] = (eight[i] as number) * 257; // 255 * 257 = 65535
    }
    expect(Array.from(toLuminance(sixteen, W, H))).toEqual(Array.from(toLuminance(eight, W, H)));
    const box = { x0: 70, y0: 40, x1: 112, y1: 82 };
    const a = await web.predict({ pixels: eight, width: W, height: H }, box);
    const b = await web.predict({ pixels: sixteen, width: W, height: H }, box);
    expect(b.iouPredictions).toEqual(a.iouPredictions);
    expect(Array.from(b.mask.data)).toEqual(Array.from(a.mask.data));
  });

  it('warms up on a blank image without touching a real one', async () => {
    await expect(web.warmUp()).resolves.toBeUndefined();
  });

  it('refuses a manifest whose shapes disagree with the ONNX files, naming both (as the browser loads it)', async () => {
    const wrong = structuredClone(manifest);
    wrong.encoder.outputs = wrong.encoder.outputs.map((spec) =>
      spec.name === 'image_embedding' ? { ...spec, shape: [1, 99, 16, 16] } : spec,
    );
    await expect(
      SamPredictor.create({ ort: ortWeb, manifest: wrong, encoder, decoder }),
    ).rejects.toThrow(
      /encoder\.onnx: output 'image_embedding' has shape \[1, 64, 16, 16\], the manifest says \[1, 99, 16, 16\]/,
    );
  });

  it('refuses files that are swapped or not in the contract', async () => {
    // The decoder's file where the encoder belongs: the encoder has no 'image' input.
    await expect(
      SamPredictor.create({ ort: ortNode, manifest, encoder: decoder, decoder }),
    ).rejects.toThrow(OnnxInputError);
    await expect(
      SamPredictor.create({ ort: ortNode, manifest, encoder: decoder, decoder }),
    ).rejects.toThrow(/encoder\.onnx: the model has inputs \[.*\], missing 'image'/);
    const extra = structuredClone(manifest);
    extra.decoder.inputs.push({ name: 'unknown_prompt', shape: [1], dtype: 'float32' });
    await expect(
      SamPredictor.create({ ort: ortNode, manifest: extra, encoder, decoder }),
    ).rejects.toThrow(/manifest input 'unknown_prompt' is not in the contract/);
  });

  it('opens a model directory with onnxruntime-node by default', async () => {
    const predictor = await openModelDir(starterDir);
    expect(predictor.manifest.version).toBe(manifest.version);
    await predictor.release();
  });
});
