import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_CONFIG } from '../config';
import { generateSyntheticFaDataset } from '../data/synthetic-fa';
import { exportModel } from '../export/export-model';
import { openModelDir } from '../inference/open-model-dir';
import { OnnxInputError, pasteOutputProbabilities } from '../inference/sam-predictor';
import { createSegmenter } from '../segmenter-model';
import { useTrainingBackend } from '../test-setup';
import { evaluateOnnxModel } from './evaluate-onnx-model';

describe('SamPredictor on a model directory and evaluateOnnxModel (tiny, untrained)', () => {
  let dir: string;
  beforeAll(async () => {
    await useTrainingBackend();
    dir = await mkdtemp(path.join(tmpdir(), 'loupe-eval-'));
    const model = createSegmenter(TINY_CONFIG, { seed: 2 });
    await exportModel(model, dir, { version: 'eval-test' });
    model.dispose();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('predicts full-resolution outputs for a box, and reuses the embedding for clicks', async () => {
    const predictor = await openModelDir(dir);
    const [sample] = generateSyntheticFaDataset({ count: 1, size: 80, seed: 1 });
    if (!sample) throw new Error('no sample');
    const image = { pixels: sample.image, width: 80, height: 80 };
    const box = { x0: 10, y0: 12, x1: 30, y1: 28 };
    const embedding = await predictor.embed(image, box);
    const boxOnly = await predictor.decode(embedding, box);
    expect(boxOnly.probabilities.length).toBe(80 * 80);
    expect(boxOnly.iouPredictions).toHaveLength(4);
    expect(boxOnly.lowResLogits).toHaveLength(4);
    expect(Array.from(pasteOutputProbabilities(boxOnly, 0))).toEqual(
      Array.from(boxOnly.probabilities),
    );
    expect(pasteOutputProbabilities(boxOnly, 3)).toHaveLength(80 * 80);
    expect(() => pasteOutputProbabilities(boxOnly, 4)).toThrow(/output 4 does not exist/);
    const clicked = await predictor.decode(embedding, box, [{ x: 20, y: 20, positive: true }]);
    expect(Array.from(clicked.probabilities)).not.toEqual(Array.from(boxOnly.probabilities));
    const again = await predictor.predict(image, box);
    expect(Array.from(again.probabilities)).toEqual(Array.from(boxOnly.probabilities));
    await predictor.release();
  });

  it('names the expected shape when an input has the wrong size', async () => {
    const predictor = await openModelDir(dir);
    await expect(predictor.runEncoder(new Float32Array(10))).rejects.toThrow(
      /encoder input 'image': 10 values, expected 1x1x32x32/,
    );
    const enc = await predictor.runEncoder(new Float32Array(32 * 32));
    await expect(
      predictor.runDecoder(enc, new Float32Array(3), new Float32Array(2)),
    ).rejects.toThrow(OnnxInputError);
    await predictor.release();
  });

  it('refuses files whose sha256 does not match the manifest', async () => {
    const copy = await mkdtemp(path.join(tmpdir(), 'loupe-eval-bad-'));
    const { readFile } = await import('node:fs/promises');
    for (const f of ['manifest.json', 'encoder.onnx'])
      await writeFile(path.join(copy, f), await readFile(path.join(dir, f)));
    await writeFile(
      path.join(copy, 'decoder.onnx'),
      Buffer.concat([await readFile(path.join(dir, 'decoder.onnx')), Buffer.from([0])]),
    );
    await expect(openModelDir(copy)).rejects.toThrow(/sha256/);
    await rm(copy, { recursive: true, force: true });
  });

  it('evaluates every connected component with the simulated annotator', async () => {
    const data = generateSyntheticFaDataset({ count: 2, size: 64, seed: 4, radius: [3, 8] });
    const result = await evaluateOnnxModel({
      modelDir: dir,
      samples: data.map((d) => ({
        image: { pixels: d.image, width: d.width, height: d.height },
        gtMask: d.mask,
      })),
      maxClicks: 3,
    });
    const objects = data.reduce((n, d) => n + d.lesions.length, 0);
    expect(result.summary.objects).toBe(objects);
    expect(result.perObject).toHaveLength(objects);
    expect(result.summary.images).toBe(2);
    for (const key of ['dice', 'iou', 'noc85', 'noc90'] as const)
      expect(Number.isFinite(result.summary[key])).toBe(true);
    expect(result.summary.noc90).toBeLessThanOrEqual(3);
    for (const o of result.perObject) {
      expect(o.iouPerClick[0]).toBeCloseTo(o.iou, 1);
      expect(o.iouPerClick.length).toBeLessThanOrEqual(4);
    }
  });
});
