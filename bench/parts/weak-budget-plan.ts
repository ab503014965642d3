/**
 * What an annotator buys in a given time (issue #15 item 5), as modelled annotator seconds: an
 * image tag 1 s, a box 3 s, a mask a box plus the simulated annotator's measured clicks at 1.5 s
 * each. A strategy is a list of phases, each a label kind and a share of the budget; images are
 * labelled in pool order, a phase stops at the first image that no longer fits its share (what
 * is left carries to the next phase), and the next phase goes on with the next images. An image
 * with no object costs a tag in every kind ('absent': nothing to box or paint).
 */
export const ANNOTATOR_SECONDS = { tag: 1, box: 3, click: 1.5 } as const;

export type LabelKind = 'mask' | 'box' | 'tag';

export interface PoolImageCost {
  /** Simulated annotator clicks per object after its box (empty: an image with no object). */
  objectClicks: number[];
}

export interface StrategyPhase {
  kind: LabelKind;
  /** Share of the budget (the shares of a strategy add up to 1). */
  share: number;
}

export interface Purchase {
  image: number;
  kind: LabelKind;
  seconds: number;
}

/** Modelled seconds to label one image with `kind`. */
export function labelSeconds(image: PoolImageCost, kind: LabelKind): number {
  if (image.objectClicks.length === 0 || kind === 'tag') return ANNOTATOR_SECONDS.tag;
  if (kind === 'box') return image.objectClicks.length * ANNOTATOR_SECONDS.box;
  return image.objectClicks.reduce(
    (s, clicks) => s + ANNOTATOR_SECONDS.box + clicks * ANNOTATOR_SECONDS.click,
    0,
  );
}

export function buyLabels(
  pool: readonly PoolImageCost[],
  phases: readonly StrategyPhase[],
  budgetSeconds: number,
): { purchases: Purchase[]; seconds: number; poolExhausted: boolean } {
  const total = phases.reduce((s, p) => s + p.share, 0);
  if (phases.length === 0 || Math.abs(total - 1) > 1e-9)
    throw new Error(`phase shares must add up to 1, got ${total}`);
  const purchases: Purchase[] = [];
  let next = 0;
  let spent = 0;
  let allowance = 0;
  for (const phase of phases) {
    allowance += phase.share * budgetSeconds;
    while (next < pool.length) {
      const seconds = labelSeconds(pool[next] as PoolImageCost, phase.kind);
      if (spent + seconds > allowance + 1e-9) break;
      purchases.push({ image: next, kind: phase.kind, seconds });
      spent += seconds;
      next++;
    }
  }
  return { purchases, seconds: spent, poolExhausted: next >= pool.length };
}
