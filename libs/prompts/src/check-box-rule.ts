/**
 * Box pseudo-masks are trusted only after the model that makes them has been checked on human
 * masks of the same project: the box rule (pseudoMaskFromBox on each human mask's tight box) is
 * scored against the human masks, and the boxes are used only where its mean Dice reaches the
 * bar. A starter that cannot see a new clinic's lesions still answers a box with high IoU-head
 * confidence, so confidence alone lets its blind masks train the model (bench:weak's new domain:
 * boxes only 0.52, masks+boxes 0.58 against masks only 0.86). A bar per confidence level (boxes
 * above the confidence where the human masks' box masks reach it) was tried and dropped: on that
 * domain it let the starter's confident masks in and the mix fell from 0.80 to 0.67 (pool seed 21).
 * Shared by the trainer (each round, on the validation split) and bench:weak.
 */
import { maskBoundingBox } from './mask-ops';
import type { Mask } from './mask';
import { dice } from './metrics';
import { pseudoMaskFromBox, type BoxOutputs } from './pseudo-mask-from-box';
import type { Box } from './schemas';

export interface BoxRulePolicy {
  /** Mean Dice of the box rule on the human masks needed to use box pseudo-masks (0 = always). */
  minDice: number;
  /** Fewest human masks the check needs; with fewer, box pseudo-masks wait. */
  minMasks: number;
}

/** The bar for pseudo-masks from boxes (#15: >= 0.85), on at least 3 human masks. */
export const DEFAULT_BOX_RULE_POLICY: BoxRulePolicy = { minDice: 0.85, minMasks: 3 };

export interface BoxRuleCheck {
  /** Human masks scored, and the box rule's mean Dice on them (null: none scored). */
  masks: number;
  dice: number | null;
  minDice: number;
  minMasks: number;
  trusted: boolean;
  /** Why box pseudo-masks are used or wait, in a sentence for the run log and the dashboard. */
  reason: string;
}

export async function checkBoxRule<I extends { width: number; height: number }>(
  predictBox: (image: I, box: Box) => Promise<BoxOutputs>,
  humanMasks: readonly { image: I; mask: Mask }[],
  policy: BoxRulePolicy = DEFAULT_BOX_RULE_POLICY,
): Promise<BoxRuleCheck> {
  if (policy.minDice <= 0)
    return {
      masks: 0,
      dice: null,
      minDice: policy.minDice,
      minMasks: policy.minMasks,
      trusted: true,
      reason: 'box pseudo-masks used (no check required)',
    };
  const scores: number[] = [];
  for (const { image, mask } of humanMasks) {
    const box = maskBoundingBox(mask);
    if (!box || mask.width !== image.width || mask.height !== image.height) continue;
    const pseudo = pseudoMaskFromBox(await predictBox(image, box), box, image.width, image.height);
    scores.push(dice(pseudo.mask, mask));
  }
  const masks = scores.length;
  const mean = masks ? scores.reduce((a, b) => a + b, 0) / masks : null;
  const base = { masks, dice: mean, minDice: policy.minDice, minMasks: policy.minMasks };
  if (masks < Math.max(1, policy.minMasks))
    return {
      ...base,
      trusted: false,
      reason: `box pseudo-masks wait: ${masks} human mask(s) to check the box rule on, ${policy.minMasks} needed`,
    };
  const shown = (mean as number).toFixed(3);
  return (mean as number) >= policy.minDice
    ? {
        ...base,
        trusted: true,
        reason: `box pseudo-masks used: box Dice ${shown} on ${masks} human masks (bar ${policy.minDice})`,
      }
    : {
        ...base,
        trusted: false,
        reason: `box pseudo-masks wait: box Dice ${shown} on ${masks} human masks is below ${policy.minDice}`,
      };
}
