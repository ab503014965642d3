/**
 * How much an image would teach the model, from one box prediction of the active model:
 * - the IoU head's confidence in its best mask (low confidence = informative),
 * - disagreement among the multimask outputs (1 - mean pairwise IoU of the thresholded masks),
 * - instability of the chosen mask under threshold changes (1 - IoU of the mask at p > 0.27 and
 *   at p > 0.73, i.e. logits -1 and +1; SAM's stability score).
 * The combined score is their mean, each part in 0..1, higher = serve first.
 */
export interface Informativeness {
  score: number;
  iouConfidence: number;
  multimaskDisagreement: number;
  thresholdInstability: number;
}

const LOW = 1 / (1 + Math.exp(1));
const HIGH = 1 / (1 + Math.exp(-1));
const MID = 0.5;

function thresholdedIou(a: Float32Array, ta: number, b: Float32Array, tb: number): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] as number) > ta;
    const y = (b[i] as number) > tb;
    if (x && y) inter++;
    if (x || y) union++;
  }
  // Two empty masks agree perfectly.
  return union === 0 ? 1 : inter / union;
}

const clamp01 = (value: number) => (Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0);

/**
 * @param probabilities per output (index 0 single-mask, 1.. multimask), same length each
 * @param iouPredictions the IoU head's prediction per output
 */
export function computeInformativeness(
  probabilities: readonly Float32Array[],
  iouPredictions: readonly number[],
): Informativeness {
  if (probabilities.length === 0 || probabilities.length !== iouPredictions.length) {
    throw new RangeError(
      `need one IoU prediction per output, got ${probabilities.length} outputs and ${iouPredictions.length} predictions`,
    );
  }
  let best = 0;
  for (let k = 1; k < iouPredictions.length; k++)
    if ((iouPredictions[k] as number) > (iouPredictions[best] as number)) best = k;
  const iouConfidence = clamp01(iouPredictions[best] as number);

  const multimask = probabilities.length > 1 ? probabilities.slice(1) : probabilities;
  let pairs = 0;
  let agreement = 0;
  for (let i = 0; i < multimask.length; i++)
    for (let j = i + 1; j < multimask.length; j++) {
      agreement += thresholdedIou(
        multimask[i] as Float32Array,
        MID,
        multimask[j] as Float32Array,
        MID,
      );
      pairs++;
    }
  const multimaskDisagreement = pairs === 0 ? 0 : clamp01(1 - agreement / pairs);

  const chosen = probabilities[best] as Float32Array;
  const thresholdInstability = clamp01(1 - thresholdedIou(chosen, HIGH, chosen, LOW));

  const score = (1 - iouConfidence + multimaskDisagreement + thresholdInstability) / 3;
  return { score, iouConfidence, multimaskDisagreement, thresholdInstability };
}
