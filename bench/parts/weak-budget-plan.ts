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

/**
 * Equal compute for every fine-tuning (issue #15: same steps whatever the label mix): with at
 * most steps x batchSize samples, enough whole epochs to come nearest to `steps`; with more, one
 * epoch over the steps x batchSize of them that rank first (before, every extra sample bought
 * extra steps, which favoured the cheap label kinds). The rank is a hash of the sample, so adding
 * samples only displaces some: self-training 'on' keeps the human labels 'off' trained on that
 * still rank first.
 */
export function equalComputeSamples<T>(
  samples: readonly T[],
  steps: number,
  batchSize: number,
  rank: (sample: T) => number,
): { samples: T[]; epochs: number } {
  const visits = steps * batchSize;
  if (samples.length <= visits)
    return { samples: [...samples], epochs: Math.max(1, Math.round(visits / samples.length)) };
  const ranked = samples.map((sample, i) => ({ sample, key: rank(sample), i }));
  ranked.sort((a, b) => a.key - b.key || a.i - b.i);
  return { samples: ranked.slice(0, visits).map((r) => r.sample), epochs: 1 };
}

/** FNV-1a over a sample's mask and a sparse stride of its image: equalComputeSamples' rank. */
export function sampleHash(sample: {
  image: ArrayLike<number>;
  mask: { data: ArrayLike<number> };
}): number {
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    h ^= v & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  const { data } = sample.mask;
  for (let i = 0; i < data.length; i++)
    if (data[i]) {
      mix(i);
      mix(i >>> 8);
      mix(i >>> 16);
    }
  for (let i = 0; i < sample.image.length; i += 97) mix(sample.image[i] as number);
  return h;
}
