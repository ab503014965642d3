/**
 * The worker's Segmenter (onnxruntime-web, wasm, as in the browser) on the real starter model,
 * checked against libs/model's OnnxPredictor (onnxruntime-node): same crop, same masks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '@loupe/model';
import { OnnxPredictor } from '@loupe/model/node';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../env';
import { sha256Hex } from './sha256-hex';
import { disposeEmbedding, Segmenter } from './segmenter';

const W = 160;
const H = 120;

function syntheticImage(): Float32Array {
  const lum = new Float32Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      lum[y * W + x] = 0.1 + 0.8 * Math.exp(-((x - 90) ** 2 + (y - 60) ** 2) / (2 * 12 ** 2));
  return lum;
}

describe('Segmenter (onnxruntime-web wasm)', () => {
  const dir = env.starterModelDir;
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  const encoder = new Uint8Array(readFileSync(join(dir, manifest.encoder.file)));
  const decoder = new Uint8Array(readFileSync(join(dir, manifest.decoder.file)));
  let segmenter: Segmenter;

  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    segmenter = await Segmenter.create(
      { ort, backend: 'wasm', threads: 1, executionProviders: ['wasm'] },
      { manifest, encoder, decoder },
      'mv1',
      1,
    );
  });
  afterAll(async () => {
    await segmenter?.release();
  });

  it('the files match their manifest sha256 (what the worker checks before loading)', async () => {
    expect(await sha256Hex(encoder)).toBe(manifest.encoder.sha256);
    expect(await sha256Hex(decoder)).toBe(manifest.decoder.sha256);
  });

  it('returns one full-size mask per decoder output, matching onnxruntime-node within a few pixels', async () => {
    const lum = syntheticImage();
    const box = { x0: 70, y0: 40, x1: 112, y1: 82 };
    const embedding = await segmenter.encode(lum, W, H, box);
    const web = await segmenter.decode(embedding, box, [{ x: 90, y: 60, positive: true }], W, H);
    disposeEmbedding(embedding);
    expect(web.masks).toHaveLength(4);
    for (const m of web.masks) expect(m.length).toBe(W * H);
    expect(web.iouPredictions).toHaveLength(4);

    const reference = await OnnxPredictor.create({ manifest, encoder, decoder });
    const refEmbedding = await reference.embedLuminance(lum, W, H, box);
    const ref = await reference.decode(refEmbedding, box, [{ x: 90, y: 60, positive: true }]);
    const refLogits = ref.lowResLogits;
    expect(refLogits).toHaveLength(4);
    // Same single-mask output: thresholds may flip a handful of boundary pixels at most.
    const { pasteMaskLogits } = await import('@loupe/prompts');
    const refMask = pasteMaskLogits(
      refLogits[0]!,
      manifest.maskSize,
      ref.crop,
      W,
      H,
      manifest.maskThreshold,
    ).data;
    let differing = 0;
    for (let i = 0; i < refMask.length; i++) if (refMask[i] !== web.masks[0]![i]) differing++;
    expect(differing).toBeLessThanOrEqual(5);
    web.iouPredictions.forEach((v, i) => expect(v).toBeCloseTo(ref.iouPredictions[i]!, 3));
  });
});
