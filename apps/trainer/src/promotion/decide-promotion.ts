/**
 * The promotion gate: a candidate replaces the active model only if it segments the held-out set
 * at least as well (Dice) and does not cost annotators noticeably more clicks (NoC@90).
 * Both models must have been evaluated on the same held-out images in the same run.
 */
export interface GateMetrics {
  dice: number;
  noc90: number;
}

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const fmt = (value: number) => value.toFixed(4);

export function decidePromotion(
  candidate: GateMetrics,
  active: GateMetrics | null,
  maxNoc90Regression: number,
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
  return {
    promote: true,
    reason: `validation Dice ${fmt(candidate.dice)} >= ${fmt(active.dice)}, NoC@90 ${candidate.noc90.toFixed(2)} vs ${active.noc90.toFixed(2)}`,
  };
}
