/**
 * MAE reconstruction pictures: for each crop, three panels side by side - input, input with the
 * masked units blanked, reconstruction (visible units as input, masked units predicted, with
 * each unit's own mean/std restored as MAE's visualisations do).
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSizes } from '../config';
import { encodeGrayPng } from '../data/png';
import { maeUnitSize } from '../modeling/mae-decoder';
import type { SegmenterModel } from '../segmenter-model';
import { maeForward, type MaeBatch } from './mae';

export function renderMaeReconstruction(model: SegmenterModel, batch: MaeBatch): Buffer {
  const s = model.config.inputSize;
  const { grid2 } = deriveSizes(model.config);
  const u = maeUnitSize(model.config);
  const b = batch.batch;
  const { pred, mean, std } = tf.tidy(() => {
    const x = tf.tensor4d(batch.input, [b, 1, s, s]);
    const { prediction } = maeForward(model, x, tf.tensor2d(batch.unitMask, [b, grid2 * grid2]));
    const pixels = x
      .reshape([b, grid2, u, grid2, u])
      .transpose([0, 1, 3, 2, 4])
      .reshape([b, grid2 * grid2, u * u]);
    const m = tf.moments(pixels, -1, true);
    return {
      pred: prediction.dataSync() as Float32Array,
      mean: m.mean.dataSync() as Float32Array,
      std: tf.sqrt(tf.add(m.variance, 1e-6)).dataSync() as Float32Array,
    };
  });
  const width = 3 * s;
  const height = b * s;
  const out = new Uint8Array(width * height);
  const toByte = (z: number) => Math.max(0, Math.min(255, Math.round(128 + 48 * z)));
  for (let i = 0; i < b; i++)
    for (let y = 0; y < s; y++)
      for (let x = 0; x < s; x++) {
        const unit = Math.floor(y / u) * grid2 + Math.floor(x / u);
        const inUnit = (y % u) * u + (x % u);
        const masked = (batch.unitMask[i * grid2 * grid2 + unit] as number) > 0;
        const v = batch.input[i * s * s + y * s + x] as number;
        const ui = i * grid2 * grid2 + unit;
        const rec = masked
          ? (pred[ui * u * u + inUnit] as number) * (std[ui] as number) + (mean[ui] as number)
          : v;
        const row = (i * s + y) * width;
        out[row + x] = toByte(v);
        out[row + s + x] = masked ? 0 : toByte(v);
        out[row + 2 * s + x] = toByte(rec);
      }
  return encodeGrayPng(out, width, height);
}
