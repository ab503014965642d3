/**
 * Fine-tuning losses (SAM/SAM2 style, training/loss_fns.py): Dice + BCE on mask logits, the
 * single-mask output always supervised and the best of the multimask outputs (min loss, as
 * SAM2 does for ambiguous prompts), plus MSE between the IoU head and the true IoU of each mask.
 * Every term is per sample, so a per-sample weight (pseudo-label confidence) scales it.
 */
import * as tf from '@tensorflow/tfjs';

export interface LossWeights {
  dice: number;
  bce: number;
  iou: number;
}

export const DEFAULT_LOSS_WEIGHTS: LossWeights = { dice: 1, bce: 1, iou: 1 };

/** logits, targets [B, K, P] (P pixels) -> Dice loss [B, K]. */
export function diceLoss(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.sigmoid(logits);
    const inter = tf.sum(tf.mul(p, targets), -1);
    const denom = tf.add(tf.sum(p, -1), tf.sum(targets, -1));
    return tf.sub(1, tf.div(tf.add(tf.mul(inter, 2), 1), tf.add(denom, 1)));
  });
}

/** Numerically stable binary cross-entropy with logits, mean over pixels: [B, K]. */
export function bceLoss(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const perPixel = tf.add(
      tf.sub(tf.relu(logits), tf.mul(logits, targets)),
      tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
    );
    return tf.mean(perPixel, -1);
  });
}

/**
 * Click loss: BCE of the single-mask output (index 0, the one shown after a click) over each
 * sample's click discs only, so that a click's own neighbourhood is not 1 pixel in M*M of the
 * mean (the whole-mask BCE barely notices a click the mask ignores).
 * masks [B, K, M, M] logits, targets [B, M*M] (0..1), discs [B, M*M] (0/1), sampleWeights [B].
 * Samples without a disc pixel contribute 0. Returns the weighted batch mean (scalar).
 */
export function clickLoss(
  masks: tf.Tensor,
  targets: tf.Tensor,
  discs: tf.Tensor,
  sampleWeights: tf.Tensor1D,
  norm?: number,
): tf.Scalar {
  return tf.tidy(() => {
    const [b] = masks.shape as [number];
    const pixels = (masks.shape[2] as number) * (masks.shape[3] as number);
    const single = tf.reshape(tf.slice(masks, [0, 0, 0, 0], [b, 1, -1, -1]), [b, pixels]);
    const perPixel = tf.add(
      tf.sub(tf.relu(single), tf.mul(single, targets)),
      tf.log1p(tf.exp(tf.neg(tf.abs(single)))),
    );
    const perSample = tf.div(tf.sum(tf.mul(perPixel, discs), -1), tf.maximum(tf.sum(discs, -1), 1)); // [B]
    return tf.div(tf.sum(tf.mul(perSample, sampleWeights)), weightNorm(sampleWeights, norm));
  });
}

/** True IoU of each thresholded mask (logit > 0) with the target: [B, K], no gradient. */
export function trueIou(
  logits: Float32Array,
  targets: Float32Array,
  batch: number,
  k: number,
  pixels: number,
): Float32Array {
  const out = new Float32Array(batch * k);
  for (let b = 0; b < batch; b++)
    for (let m = 0; m < k; m++) {
      let inter = 0;
      let union = 0;
      const lo = (b * k + m) * pixels;
      const to = b * pixels;
      for (let i = 0; i < pixels; i++) {
        const p = (logits[lo + i] as number) > 0;
        const t = (targets[to + i] as number) > 0.5;
        if (p && t) inter++;
        if (p || t) union++;
      }
      out[b * k + m] = union === 0 ? 1 : inter / union;
    }
  return out;
}

export interface SegmenterLoss {
  /** Weighted mean over the batch (scalar). */
  total: tf.Scalar;
  parts: { dice: tf.Scalar; bce: tf.Scalar; iou: tf.Scalar };
}

/**
 * The weighted mean's denominator: the batch's total weight, or `norm` when this batch is one
 * part of a larger one (data-parallel steps), so that the parts' losses add up to the whole's.
 */
function weightNorm(sampleWeights: tf.Tensor1D, norm: number | undefined): tf.Scalar {
  return norm === undefined
    ? (tf.maximum(tf.sum(sampleWeights), 1e-6) as tf.Scalar)
    : tf.scalar(Math.max(norm, 1e-6));
}

/**
 * masks [B, K, M, M] logits (index 0 = single mask), iouPred [B, K], targets [B, M*M] (0/1),
 * sampleWeights [B]. Returns the weighted batch loss and its (weighted) parts; `norm` as in
 * weightNorm.
 */
export function segmenterLoss(
  masks: tf.Tensor,
  iouPred: tf.Tensor,
  targets: tf.Tensor,
  targetData: Float32Array,
  sampleWeights: tf.Tensor1D,
  weights: LossWeights,
  norm?: number,
): SegmenterLoss {
  const [b, k] = masks.shape as [number, number, number, number];
  const pixels = (masks.shape[2] as number) * (masks.shape[3] as number);
  const logits = tf.reshape(masks, [b, k, pixels]);
  const t = tf.tile(tf.reshape(targets, [b, 1, pixels]), [1, k, 1]);
  const dice = diceLoss(logits, t);
  const bce = bceLoss(logits, t);
  const perMask = tf.add(tf.mul(dice, weights.dice), tf.mul(bce, weights.bce)); // [B, K]
  const single = tf.reshape(tf.slice(perMask, [0, 0], [b, 1]), [b]);
  const best = tf.min(tf.slice(perMask, [0, 1], [b, k - 1]), 1);
  const iouTarget = tf.tensor2d(
    trueIou(logits.dataSync() as Float32Array, targetData, b, k, pixels),
    [b, k],
  );
  const iouMse = tf.mean(tf.square(tf.sub(iouPred, iouTarget)), 1); // [B]
  const denominator = weightNorm(sampleWeights, norm);
  const wmean = (x: tf.Tensor) =>
    tf.div(tf.sum(tf.mul(x, sampleWeights)), denominator) as tf.Scalar;
  const maskTerm = tf.add(single, best);
  const iouTerm = tf.mul(iouMse, weights.iou);
  return {
    total: wmean(tf.add(maskTerm, iouTerm)),
    parts: {
      dice: wmean(tf.add(tf.reshape(tf.slice(dice, [0, 0], [b, 1]), [b]), 0)),
      bce: wmean(tf.reshape(tf.slice(bce, [0, 0], [b, 1]), [b])),
      iou: wmean(iouMse),
    },
  };
}
