/**
 * The promotion gate: a candidate replaces the active model only if it segments the held-out set
 * at least as well (Dice) and does not cost annotators noticeably more clicks (NoC@90).
 * Both models must have been evaluated on the same held-out images in the same run.
 *
 * Projects with volumes (#14 item 5): when both models were also measured on held-out volumes (one
 * box on each object's largest held-out slice, propagated through the volume, volume Dice), the
 * candidate must not propagate worse than the active model by more than
 * MAX_PROPAGATION_DICE_REGRESSION (a margin: the figure comes from few objects, so a small dip is
 * noise; a drift that loses objects across slices is not).
 */
export interface GateMetrics {
  dice: number;
  noc90: number;
  /** Propagation on held-out volumes; absent (or volumeDice null) where the project has none. */
  propagation?: { volumeDice: number | null; objects: number };
}

/** The most the candidate's held-out propagation volume Dice may fall below the active's. */
export const MAX_PROPAGATION_DICE_REGRESSION = 0.02;

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const fmt = (value: number) => value.toFixed(4);

/**
 * The propagation check both gates share: a refusal where the candidate propagates worse than the
 * active model by more than the margin (or not finitely), otherwise the text to add to the reason
 * ('' where either model has no held-out volumes).
 */
export function checkPropagation(
  candidate: GateMetrics,
  active: GateMetrics,
  maxPropagationDiceRegression: number,
): PromotionDecision | string {
  const ours = candidate.propagation;
  const theirs = active.propagation;
  if (!ours || !theirs || ours.volumeDice === null || theirs.volumeDice === null) return '';
  if (!Number.isFinite(ours.volumeDice))
    return {
      promote: false,
      reason: `candidate propagation volume Dice is not finite (${ours.volumeDice})`,
    };
  const drop = theirs.volumeDice - ours.volumeDice;
  if (drop > maxPropagationDiceRegression)
    return {
      promote: false,
      reason: `propagation volume Dice ${fmt(ours.volumeDice)} on ${ours.objects} held-out volume objects is ${drop.toFixed(4)} below the active model's ${fmt(theirs.volumeDice)} (allowed ${maxPropagationDiceRegression})`,
    };
  return `, propagation volume Dice ${fmt(ours.volumeDice)} vs ${fmt(theirs.volumeDice)} (${ours.objects} objects)`;
}

export function decidePromotion(
  candidate: GateMetrics,
  active: GateMetrics | null,
  maxNoc90Regression: number,
  maxPropagationDiceRegression = MAX_PROPAGATION_DICE_REGRESSION,
): PromotionDecision {
  if (!Number.isFinite(candidate.dice) || !Number.isFinite(candidate.noc90)) {
    return {
      promote: false,
      reason: `candidate metrics are not finite (dice ${candidate.dice}, NoC@90 ${candidate.noc90})`,
    };
  }
  if (!active) return { promote: true, reason: 'no active model to compare with' };
  if (candidate.dice < active.dice) {
    return {
      promote: false,
      reason: `validation Dice ${fmt(candidate.dice)} is below the active model's ${fmt(active.dice)}`,
    };
  }
  const regression = candidate.noc90 - active.noc90;
  if (regression > maxNoc90Regression) {
    return {
      promote: false,
      reason: `NoC@90 ${candidate.noc90.toFixed(2)} is ${regression.toFixed(2)} clicks worse than the active model's ${active.noc90.toFixed(2)} (allowed ${maxNoc90Regression})`,
    };
  }
  const propagation = checkPropagation(candidate, active, maxPropagationDiceRegression);
  if (typeof propagation !== 'string') return propagation;
  return {
    promote: true,
    reason: `validation Dice ${fmt(candidate.dice)} >= ${fmt(active.dice)}, NoC@90 ${candidate.noc90.toFixed(2)} vs ${active.noc90.toFixed(2)}${propagation}`,
  };
}
