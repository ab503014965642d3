/**
 * BoxInst's box-supervised loss (Tian et al., CVPR 2021): a box alone says the object spans the
 * box in both directions and that neighbouring pixels of similar intensity share a label.
 *  - Projection term: Dice between the mask's max-projection onto each axis and the box's (the
 *    object touches every side of its tight box, and leaves nothing outside it), plus BCE on the
 *    projected logits (max commutes with the sigmoid): a model that answers the box with a
 *    confident empty mask, as a starter blind to a clinic's lesions does, has saturated
 *    probabilities and next to no Dice gradient (bench:weak new domain: boxes alone left the
 *    starter at its Dice with projection Dice only).
 *  - Pairwise term: for neighbour pairs (dilation 2, as BoxInst) touching the box whose intensity
 *    similarity exp(-|a - b| / theta) is at least tau, -log P(same label) with P = p_a p_b +
 *    (1 - p_a)(1 - p_b), in log space. Pairs with one end outside the box carry the projection's
 *    'nothing outside' inwards: without them the box filled would cost nothing.
 * A box sample trains with this instead of Dice + BCE on a pseudo-mask, so a model that cannot
 * yet segment a clinic's lesions still learns from its boxes (#15: the starter's box pseudo-masks
 * fail the box rule there). Terms per sample, weighted like losses.ts.
 */
import * as tf from '@tensorflow/tfjs';

export interface PairwiseAffinityOptions {
  /** Similarity scale in units of the crop's standard deviation (inputs are normalised per crop). */
  theta?: number;
  /** Pairs at or above this similarity are supervised (BoxInst: 0.3). */
  tau?: number;
  /** Neighbour distance in mask cells (BoxInst: 2). */
  dilation?: number;
}

export const DEFAULT_PAIRWISE_AFFINITY: Required<PairwiseAffinityOptions> = {
  theta: 0.15,
  tau: 0.3,
  dilation: 2,
};

/**
 * Weight of the pairwise term beside the projection term. BoxInst's 1 pulled a clinic's faint,
 * diffuse lesions to nothing (bench:weak new domain, pool seed 21, boxes only: test Dice 0.566 at
 * 1, 0.748 at 0.1, 0.764 at 0; masks + boxes: 0.792 at 0.1, 0.783 at 0; the starter 0.530).
 */
export const DEFAULT_PAIRWISE_WEIGHT = 0.1;

/** Neighbour offsets (dy, dx) in units of the dilation: four directions cover every pair once. */
export const PAIR_OFFSETS: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 0],
  [1, 1],
  [1, -1],
];

/**
 * The pairs the pairwise term supervises, per offset: [4 * M * M] 0/1, entry (o, y, x) for the
 * pair (y, x) - (y + dy, x + dx), set where at least one cell is inside the box target and their
 * mean intensities (the normalised crop averaged per mask cell) are similar.
 */
export function pairwiseAffinity(
  input: Float32Array,
  inputSize: number,
  boxTarget: Float32Array,
  maskSize: number,
  options: PairwiseAffinityOptions = {},
): Float32Array {
  const { theta, tau, dilation } = { ...DEFAULT_PAIRWISE_AFFINITY, ...options };
  const m = maskSize;
  const f = inputSize / m;
  const cell = new Float32Array(m * m);
  for (let y = 0; y < inputSize; y++)
    for (let x = 0; x < inputSize; x++) {
      const c = Math.min(m - 1, Math.floor(y / f)) * m + Math.min(m - 1, Math.floor(x / f));
      cell[c] = (cell[c] as number) + (input[y * inputSize + x] as number);
    }
  for (let i = 0; i < cell.length; i++) cell[i] = (cell[i] as number) / (f * f);
  const out = new Float32Array(PAIR_OFFSETS.length * m * m);
  PAIR_OFFSETS.forEach(([oy, ox], o) => {
    const dy = oy * dilation;
    const dx = ox * dilation;
    for (let y = 0; y < m; y++)
      for (let x = 0; x < m; x++) {
        const y2 = y + dy;
        const x2 = x + dx;
        if (y2 < 0 || x2 < 0 || y2 >= m || x2 >= m) continue;
        const a = y * m + x;
        const b = y2 * m + x2;
        if ((boxTarget[a] as number) < 0.5 && (boxTarget[b] as number) < 0.5) continue;
        const similarity = Math.exp(-Math.abs((cell[a] as number) - (cell[b] as number)) / theta);
        if (similarity >= tau) out[o * m * m + a] = 1;
      }
  });
  return out;
}

/**
 * log(sigmoid(x)) = -(relu(-x) + log1p(exp(-|x|))), stable; tf.logSigmoid's custom gradient
 * loses its saved input inside tf.tidy.
 */
function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.neg(tf.add(tf.relu(tf.neg(x)), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}

/** BCE with logits, mean over the last axis. */
function profileBce(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.mean(
    tf.add(
      tf.sub(tf.relu(logits), tf.mul(logits, targets)),
      tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
    ),
    -1,
  );
}

/** Dice loss between [..., N] profiles (probabilities and targets). */
function profileDice(p: tf.Tensor, t: tf.Tensor): tf.Tensor {
  const inter = tf.sum(tf.mul(p, t), -1);
  const denom = tf.add(tf.sum(p, -1), tf.sum(t, -1));
  return tf.sub(1, tf.div(tf.add(tf.mul(inter, 2), 1), tf.add(denom, 1)));
}

/**
 * masks [B, K, M, M] logits, boxTargets [B, M*M] (the box filled, 0/1), affinity [B, 4*M*M]
 * (pairwiseAffinity), sampleWeights [B] (0 for samples with a mask: they train on losses.ts).
 * Per mask: projection + pairwiseWeight (default DEFAULT_PAIRWISE_WEIGHT) * pairwise; the single output and the best multimask
 * output carry it, as segmenterLoss does. Returns the weighted batch sum over `norm` (scalar).
 */
export function boxSupervisedLoss(
  masks: tf.Tensor,
  boxTargets: tf.Tensor,
  affinity: tf.Tensor,
  sampleWeights: tf.Tensor1D,
  norm: number,
  options: { pairwiseWeight?: number; dilation?: number } = {},
): tf.Scalar {
  return tf.tidy(() => {
    const [b, k, m] = masks.shape as [number, number, number, number];
    const dilation = options.dilation ?? DEFAULT_PAIRWISE_AFFINITY.dilation;
    const box = tf.tile(tf.reshape(boxTargets, [b, 1, m, m]), [1, k, 1, 1]);
    const projectionLoss = (axis: number) => {
      const logit = tf.max(masks, axis);
      const target = tf.max(box, axis);
      return tf.add(profileDice(tf.sigmoid(logit), target), profileBce(logit, target));
    };
    const projection = tf.add(projectionLoss(3), projectionLoss(2)); // [B, K]
    const logFg = logSigmoid(masks);
    const logBg = logSigmoid(tf.neg(masks));
    const pairs = tf.reshape(affinity, [b, PAIR_OFFSETS.length, m, m]);
    let pairLoss: tf.Tensor = tf.zeros([b, k]);
    let pairCount: tf.Tensor = tf.zeros([b, 1]);
    PAIR_OFFSETS.forEach(([oy, ox], o) => {
      const dy = oy * dilation;
      const dx = ox * dilation;
      const h = m - dy;
      const w = m - Math.abs(dx);
      const x0 = Math.max(0, -dx);
      const x1 = Math.max(0, dx);
      const at = (t: tf.Tensor, y: number, x: number) => tf.slice(t, [0, 0, y, x], [b, k, h, w]);
      // log P(same) = logaddexp(log pa + log pb, log(1 - pa) + log(1 - pb)).
      const same = tf.add(at(logFg, 0, x0), at(logFg, dy, x1));
      const other = tf.add(at(logBg, 0, x0), at(logBg, dy, x1));
      const top = tf.maximum(same, other);
      const logSame = tf.add(
        top,
        tf.log(tf.add(tf.exp(tf.sub(same, top)), tf.exp(tf.sub(other, top)))),
      );
      const weight = tf.slice(pairs, [0, o, 0, x0], [b, 1, h, w]); // [B, 1, h, w]
      pairLoss = tf.add(pairLoss, tf.neg(tf.sum(tf.mul(logSame, weight), [2, 3])));
      pairCount = tf.add(pairCount, tf.reshape(tf.sum(weight, [1, 2, 3]), [b, 1]));
    });
    const pairwise = tf.div(pairLoss, tf.maximum(pairCount, 1)); // [B, K]
    const perMask = tf.add(
      projection,
      tf.mul(pairwise, options.pairwiseWeight ?? DEFAULT_PAIRWISE_WEIGHT),
    );
    const single = tf.reshape(tf.slice(perMask, [0, 0], [b, 1]), [b]);
    const best = k > 1 ? tf.min(tf.slice(perMask, [0, 1], [b, k - 1]), 1) : tf.zeros([b]);
    return tf.div(
      tf.sum(tf.mul(tf.add(single, best), sampleWeights)),
      Math.max(norm, 1e-6),
    ) as tf.Scalar;
  });
}
