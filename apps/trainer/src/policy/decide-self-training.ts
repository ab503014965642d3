/**
 * The training policy for self-training (issue #15 item 3): when the active model's confident
 * predictions on unlabeled images may train the next round, and how much. Only once the project
 * has enough human masks (a model trained on a handful teaches itself its own mistakes), at a low
 * weight, and at most a capped number per round so human masks stay the bulk of every batch. The
 * promotion gate still scores candidates on held-out human masks only.
 */
export interface SelfTrainingPolicy {
  enabled: boolean;
  /** Accepted human masks on training images before self-training starts. */
  minHumanMasks: number;
  /** Loss weight of a self-training sample = weight x its confidence (a human mask weighs 1). */
  weight: number;
  /** Confidence (IoU head x stability) a prediction needs to become a pseudo-label. */
  minConfidence: number;
  /** Unlabeled images predicted per round, and self-training samples used per round, at most. */
  maxImagesPerRound: number;
  maxSamplesPerRound: number;
  /**
   * Lesion probability a candidate needs to be proposed (a classifier of the project's human
   * masks' candidates picks where to look; libs/model discoverLesions).
   */
  discoveryMinScore: number;
}

export type SelfTrainingDecision =
  { use: true; maxSamples: number } | { use: false; reason: string };

export function decideSelfTraining(
  policy: SelfTrainingPolicy,
  counts: { humanMasks: number },
): SelfTrainingDecision {
  if (!policy.enabled) return { use: false, reason: 'self-training is off in the trainer config' };
  if (counts.humanMasks < policy.minHumanMasks)
    return {
      use: false,
      reason: `${counts.humanMasks} human masks, self-training starts at ${policy.minHumanMasks}`,
    };
  // Never more self-training samples than human masks: they only add to what people labeled.
  return { use: true, maxSamples: Math.min(policy.maxSamplesPerRound, counts.humanMasks) };
}
