/** Inference with the tfjs weights (parity tests, training-time validation). */
import * as tf from '@tensorflow/tfjs';
import { deriveSizes } from './config';
import type { SegmenterModel } from './segmenter-model';

export interface TfjsPrediction {
  /** [B, 4, M, M] */
  masks: Float32Array;
  /** [B, 4] */
  iouPredictions: Float32Array;
  imageEmbedding: Float32Array;
  highResFeatures: Float32Array;
}

/**
 * image [B*S*S] preprocessed; coords [B*N*2]; labels [B*N]; optional mask prompt: maskInput
 * [B*M*M] previous logits, hasMaskInput [B] 0/1.
 */
export function predictWithTfjs(
  model: SegmenterModel,
  image: Float32Array,
  batch: number,
  coords: Float32Array,
  labels: Float32Array,
  mask?: { maskInput: Float32Array; hasMaskInput: Float32Array },
): TfjsPrediction {
  const s = model.config.inputSize;
  const m = deriveSizes(model.config).maskSize;
  const n = labels.length / batch;
  return tf.tidy(() => {
    const enc = model.network.encodeImage(model.ops, tf.tensor4d(image, [batch, 1, s, s]));
    const dec = model.network.decode(
      model.ops,
      enc.imageEmbedding,
      enc.highResFeatures,
      tf.tensor3d(coords, [batch, n, 2]),
      tf.tensor2d(labels, [batch, n]),
      mask && {
        maskInput: tf.tensor4d(mask.maskInput, [batch, 1, m, m]),
        hasMaskInput: tf.tensor1d(mask.hasMaskInput),
      },
    );
    return {
      masks: dec.masks.dataSync() as Float32Array,
      iouPredictions: dec.iouPredictions.dataSync() as Float32Array,
      imageEmbedding: enc.imageEmbedding.dataSync() as Float32Array,
      highResFeatures: enc.highResFeatures.dataSync() as Float32Array,
    };
  });
}
