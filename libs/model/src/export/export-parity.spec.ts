import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_CONFIG, deriveSizes } from '../config';
import * as tf from '@tensorflow/tfjs';
import { parseManifest, DECODER_INPUT, DECODER_MASK_INPUT } from '../contract';
import { createRng } from '../ops/seeded-random';
import { createSegmenter, type SegmenterModel } from '../segmenter-model';
import { useTrainingBackend } from '../test-setup';
import { predictWithTfjs } from '../tfjs-predict';
import { exportModel, type ExportResult } from './export-model';

type Ort = typeof ortNode;
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

describe('ONNX export (tiny config)', () => {
  let dir: string;
  let model: SegmenterModel;
  let exported: ExportResult;
  const s = TINY_CONFIG.inputSize;
  const { maskSize } = deriveSizes(TINY_CONFIG);

  beforeAll(async () => {
    await useTrainingBackend();
    dir = await mkdtemp(path.join(tmpdir(), 'loupe-export-'));
    model = createSegmenter(TINY_CONFIG, { seed: 7 });
    // The mask-downscaling stack starts as a no-op (zero last conv); give it random weights so
    // the parity checks below exercise the mask path.
    const rng = createRng(11);
    for (const spec of model.specs.filter((p) => p.name.includes('mask_downscaling'))) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const values = tf.tensor(
        Float32Array.from({ length: size }, () => rng.normal() * 0.5),
        spec.shape,
      );
      model.variables.get(spec.name)?.assign(values);
      values.dispose();
    }
    exported = await exportModel(model, dir, { version: 'test-1', training: { note: 'spec' } });
    ortWeb.env.wasm.numThreads = 1;
  });
  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a manifest that follows the contract, with hashes and a dynamic num_points axis', async () => {
    const manifest = parseManifest(JSON.parse(await readFile(exported.files.manifest, 'utf8')));
    expect(manifest.version).toBe('test-1');
    expect(manifest.inputSize).toBe(s);
    expect(manifest.maskSize).toBe(maskSize);
    expect(manifest.encoder.sha256).toMatch(/^[0-9a-f]{64}$/);
    const coords = manifest.decoder.inputs.find((i) => i.name === DECODER_INPUT.pointCoords);
    expect(coords?.shape).toEqual([1, 'num_points', 2]);
    const byName = new Map(manifest.decoder.inputs.map((i) => [i.name, i.shape]));
    expect(byName.get(DECODER_MASK_INPUT.maskInput)).toEqual([1, 1, maskSize, maskSize]);
    expect(byName.get(DECODER_MASK_INPUT.hasMaskInput)).toEqual([1]);
    expect(manifest.decoder.outputs.map((o) => o.shape)).toEqual([
      [1, 4, maskSize, maskSize],
      [1, 4],
    ]);
  });

  for (const [runtime, ort] of [
    ['onnxruntime-node', ortNode],
    ['onnxruntime-web (wasm)', ortWeb as unknown as Ort],
  ] as const) {
    it(`${runtime} matches tfjs within 1e-4 for 2 and 5 points, with and without a mask prompt`, async () => {
      const rng = createRng(3);
      const image = Float32Array.from({ length: s * s }, () => rng.normal());
      const encoder = await ort.InferenceSession.create(await readFile(exported.files.encoder));
      const decoder = await ort.InferenceSession.create(await readFile(exported.files.decoder));
      const enc = await encoder.run({ image: new ort.Tensor('float32', image, [1, 1, s, s]) });
      const previousLogits = Float32Array.from(
        { length: maskSize * maskSize },
        () => rng.normal() * 4,
      );
      const noMask = predictWithTfjs(
        model,
        image,
        1,
        Float32Array.of(4, 5, 20, 22),
        Float32Array.of(2, 3),
      );
      const masksSeen: Float32Array[] = [];
      for (const [coords, labels] of [
        [
          [4, 5, 20, 22],
          [2, 3],
        ],
        [
          [4, 5, 20, 22, 10, 12, 15, 3, 0, 0],
          [2, 3, 1, 0, -1],
        ],
      ] as const) {
        for (const has of [0, 1]) {
          const n = labels.length;
          const maskInput = has ? previousLogits : new Float32Array(maskSize * maskSize);
          const ref = predictWithTfjs(
            model,
            image,
            1,
            Float32Array.from(coords),
            Float32Array.from(labels),
            { maskInput, hasMaskInput: Float32Array.of(has) },
          );
          const out = await decoder.run({
            image_embedding: enc.image_embedding as ortNode.Tensor,
            high_res_features: enc.high_res_features as ortNode.Tensor,
            point_coords: new ort.Tensor('float32', Float32Array.from(coords), [1, n, 2]),
            point_labels: new ort.Tensor('float32', Float32Array.from(labels), [1, n]),
            mask_input: new ort.Tensor('float32', maskInput, [1, 1, maskSize, maskSize]),
            has_mask_input: new ort.Tensor('float32', Float32Array.of(has), [1]),
          });
          expect(out.masks?.dims).toEqual([1, 4, maskSize, maskSize]);
          expect(maxAbsDiff(out.masks?.data as Float32Array, ref.masks)).toBeLessThanOrEqual(1e-4);
          expect(
            maxAbsDiff(out.iou_predictions?.data as Float32Array, ref.iouPredictions),
          ).toBeLessThanOrEqual(1e-4);
          masksSeen.push(out.masks?.data as Float32Array);
        }
      }
      // has_mask_input = 0 is the no-mask path exactly; 1 changes the masks (the stack is live).
      expect(maxAbsDiff(masksSeen[0] as Float32Array, noMask.masks)).toBeLessThanOrEqual(1e-4);
      expect(
        maxAbsDiff(masksSeen[0] as Float32Array, masksSeen[1] as Float32Array),
      ).toBeGreaterThan(1e-3);
      expect(
        maxAbsDiff(
          enc.image_embedding?.data as Float32Array,
          predictWithTfjs(model, image, 1, Float32Array.of(1, 1, 9, 9), Float32Array.of(2, 3))
            .imageEmbedding,
        ),
      ).toBeLessThanOrEqual(1e-4);
      await encoder.release();
      await decoder.release();
    });
  }
});
