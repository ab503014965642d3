/**
 * Fast in-training check with the tfjs weights: box-only Dice on the crop's mask grid (no
 * pasting, no clicks). The real evaluation runs the exported ONNX files (eval/).
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSizes } from '../config';
import type { SegmenterModel } from '../segmenter-model';
import { prepareExample, type FineTuneSample } from './training-sample';

export function quickValidate(
  model: SegmenterModel,
  samples: FineTuneSample[],
  batchSize = 8,
): { dice: number; iou: number } {
  const s = model.config.inputSize;
  const { maskSize } = deriveSizes(model.config);
  const plane = maskSize * maskSize;
  let diceSum = 0;
  let iouSum = 0;
  for (let start = 0; start < samples.length; start += batchSize) {
    const batch = samples
      .slice(start, start + batchSize)
      .map((x) => prepareExample(x, model.config, null));
    const b = batch.length;
    const input = new Float32Array(b * s * s);
    const coords = new Float32Array(b * 4);
    const labels = new Float32Array(b * 2);
    batch.forEach((e, i) => {
      input.set(e.input, i * s * s);
      coords.set(e.coords, i * 4);
      labels.set(e.labels, i * 2);
    });
    const masks = tf.tidy(() => {
      const enc = model.network.encodeImage(model.ops, tf.tensor4d(input, [b, 1, s, s]));
      return model.network
        .decode(
          model.ops,
          enc.imageEmbedding,
          enc.highResFeatures,
          tf.tensor3d(coords, [b, 2, 2]),
          tf.tensor2d(labels, [b, 2]),
        )
        .masks.dataSync() as Float32Array;
    });
    const k = masks.length / (b * plane);
    batch.forEach((e, i) => {
      let inter = 0;
      let p = 0;
      let t = 0;
      for (let j = 0; j < plane; j++) {
        const pred = (masks[i * k * plane + j] as number) > 0 ? 1 : 0;
        const tv = e.target[j] as number;
        inter += pred * tv;
        p += pred;
        t += tv;
      }
      diceSum += p + t === 0 ? 1 : (2 * inter) / (p + t);
      iouSum += p + t - inter === 0 ? 1 : inter / (p + t - inter);
    });
  }
  return { dice: diceSum / samples.length, iou: iouSum / samples.length };
}
