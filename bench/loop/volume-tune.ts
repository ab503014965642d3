/**
 * Picks propagation settings on tuning volumes, never on the volume bench's evaluation seed (4401,
 * bench/parts/volume.ts SEED): runs the volume bench's simulated annotator for each candidate on
 * generateSyntheticVolumes(4, { seed }) (default seed 4402) and prints its figures.
 *
 *   npx tsx bench/loop/volume-tune.ts [--seed 4402] [--only name,name] [--model DIR]
 */
import { resolve } from 'node:path';
import { DEFAULT_PROPAGATION, type PropagationThresholds } from '@loupe/prompts';
import { runVolumeBench, type AnnotatorPolicy } from '../parts/volume';

// The page's prompting up to stop 24 (no exterior negatives): the earlier candidates build on it.
const STOP24: PropagationThresholds = { ...DEFAULT_PROPAGATION, exteriorClicks: 0 };
// The earlier candidates as they were measured: before the regrowth stop.
const OFF = { minContrastRatio: -Infinity, boxMomentum: 0, maxRegrowth: Infinity };
const CANDIDATES: {
  name: string;
  thresholds: Partial<PropagationThresholds>;
  annotator?: AnnotatorPolicy;
}[] = [
  { name: 'before', thresholds: { ...STOP24, ...OFF } },
  { name: 'momentum-1', thresholds: { ...STOP24, ...OFF, boxMomentum: 1 } },
  {
    name: 'faded-0.75',
    thresholds: {
      ...STOP24,
      minContrastRatio: 0.75,
      boxMomentum: 0,
      maxRegrowth: Infinity,
    },
  },
  {
    name: 'faded-0.8',
    thresholds: {
      ...STOP24,
      minContrastRatio: 0.8,
      boxMomentum: 0,
      maxRegrowth: Infinity,
    },
  },
  {
    name: 'faded-0.85',
    thresholds: {
      ...STOP24,
      minContrastRatio: 0.85,
      boxMomentum: 0,
      maxRegrowth: Infinity,
    },
  },
  {
    name: 'faded-0.8+memory',
    thresholds: { ...STOP24, minContrastRatio: 0.8, maxRegrowth: Infinity },
  },
  { name: 'default', thresholds: { ...DEFAULT_PROPAGATION } },
  { name: 'stop24-default', thresholds: { ...STOP24 } },
  { name: 'regrowth-off', thresholds: { ...STOP24, maxRegrowth: Infinity } },
  { name: 'regrowth-1.1', thresholds: { ...STOP24, maxRegrowth: 1.1 } },
  {
    name: 'regrowth-1.2+faded-0.75',
    thresholds: { ...STOP24, minContrastRatio: 0.75 },
  },
  // Stop 24: the per-object adaptive threshold (trimShare), with and without the contrast stop.
  { name: 'trim-0.3', thresholds: { ...STOP24, trimShare: 0.3 } },
  { name: 'trim-0.4', thresholds: { ...STOP24, trimShare: 0.4 } },
  { name: 'trim-0.5', thresholds: { ...STOP24, trimShare: 0.5 } },
  ...[0.3, 0.5].flatMap((trimShare) =>
    (['output', 'box'] as const).map((trimFeeds) => ({
      name: `trim-${trimFeeds}-${trimShare}`,
      thresholds: { ...STOP24, trimShare, trimFeeds },
    })),
  ),
  {
    name: 'trim-0.4+faded-off',
    thresholds: { ...STOP24, trimShare: 0.4, minContrastRatio: -Infinity },
  },
  { name: 'iou-drop-0.04', thresholds: { ...STOP24, maxIouDrop: 0.04 } },
  { name: 'iou-drop-0.08', thresholds: { ...STOP24, maxIouDrop: 0.08 } },
  { name: 'memory-2', thresholds: { ...STOP24, logitMemory: 2 } },
  { name: 'memory-3', thresholds: { ...STOP24, logitMemory: 3 } },
  { name: 'seed-logits-0.3', thresholds: { ...STOP24, seedLogitWeight: 0.3 } },
  {
    name: 'faded-0.8+momentum-1',
    thresholds: {
      ...STOP24,
      minContrastRatio: 0.8,
      boxMomentum: 1,
      maxRegrowth: Infinity,
    },
  },
  // Stop 25: the box from the previous slice's confident core (its logits above a level), and
  // SAM2-style negative points on the previous slice's exterior inside the box.
  ...[1, 2, 3].map((boxLogitLevel) => ({
    name: `core-${boxLogitLevel}`,
    thresholds: { ...STOP24, boxLogitLevel },
  })),
  {
    name: 'core-2-unshrunk',
    thresholds: { ...STOP24, boxLogitLevel: 2, dilateFraction: 0, dilateMinPx: 0 },
  },
  ...[1, 2, 3, 4].map((exteriorClicks) => ({
    name: `negatives-${exteriorClicks}`,
    thresholds: { ...STOP24, exteriorClicks },
  })),
  ...[1, 3].map((negativeMinPx) => ({
    name: `negatives-2-min${negativeMinPx}`,
    thresholds: { ...STOP24, exteriorClicks: 2, negativeMinPx },
  })),
  {
    name: 'negatives-2+core-1',
    thresholds: { ...STOP24, exteriorClicks: 2, boxLogitLevel: 1 },
  },
  // The contrast stop judged against the walk's own start slice (a correction near an end).
  {
    name: 'contrast-from-start',
    thresholds: { ...STOP24, contrastReference: 'start' },
  },
  ...[0.7, 0.6].map((minContrastRatio) => ({
    name: `contrast-from-start-${minContrastRatio}`,
    thresholds: { ...STOP24, contrastReference: 'start' as const, minContrastRatio },
  })),
  // The simulated annotator's other ways (the figures' own is worst slice first, by box).
  ...(['outward', 'worst'] as const).flatMap((order) =>
    (['box', 'click'] as const).map((tool) => ({
      name: `annotator-${order}+${tool}`,
      thresholds: { ...STOP24 },
      annotator: { order, tool },
    })),
  ),
  // Stop 26: erasing a propagated slice ends the object there (the default annotator now); the
  // annotator before, whose erase emptied that slice only.
  ...(['worst', 'outward'] as const).map((order) => ({
    name: `annotator-${order}+box+erase-slice`,
    thresholds: { ...STOP24 },
    annotator: { order, tool: 'box' as const, erase: 'slice' as const },
  })),
  // Stop 27 (bench/loop/volume-trace.ts on 4402): past a lesion's end the box-filling model keeps
  // a mask of about its box's size with a confident IoU head (0.88) and mean logit (flat across the
  // end), so neither separates; what does is that the mask stops shrinking with the object. The
  // regrowth stop, tighter: a walk that shrank stops as soon as the mask is no smaller than its
  // smallest so far (times this), with the contrast stop as it was or looser. Best on 4402:
  // regrowth-1.02+faded-0.7 (one-box Dice 0.807 -> 0.849, after corrections 0.868 -> 0.875,
  // no-edit 55.6% -> 62.0%, actions ratio 0.376 -> 0.372), but not confirmed on the evaluation seed
  // 4401 (0.809 -> 0.813, after corrections 0.862 -> 0.847, no-edit 47.7% both, ratio 0.396 ->
  // 0.383), so the defaults stay.
  ...[1, 1.02, 1.05].map((maxRegrowth) => ({
    name: `regrowth-${maxRegrowth}`,
    thresholds: { ...DEFAULT_PROPAGATION, maxRegrowth },
  })),
  ...[
    [1.02, 0.7],
    [1.02, 0.65],
    [1.02, 0.75],
    [1.05, 0.7],
    [1.1, 0.7],
  ].map(([maxRegrowth, minContrastRatio]) => ({
    name: `regrowth-${maxRegrowth}+faded-${minContrastRatio}`,
    thresholds: { ...DEFAULT_PROPAGATION, maxRegrowth, minContrastRatio },
  })),
  // Stop 28: the contrast stop looser, with and without the tighter regrowth stop and the
  // walk's own start as reference, measured on tuning seeds 4402-4405 together.
  ...[0.7, 0.6, 0.5].map((minContrastRatio) => ({
    name: `faded-${minContrastRatio}`,
    thresholds: { ...DEFAULT_PROPAGATION, minContrastRatio },
  })),
  ...[
    [1.02, 0.6],
    [1.05, 0.6],
    [1.02, 0.5],
  ].map(([maxRegrowth, minContrastRatio]) => ({
    name: `regrowth-${maxRegrowth}+faded-${minContrastRatio}`,
    thresholds: { ...DEFAULT_PROPAGATION, maxRegrowth, minContrastRatio },
  })),
  ...[0.8, 0.7, 0.6].map((minContrastRatio) => ({
    name: `start-contrast-${minContrastRatio}`,
    thresholds: { ...DEFAULT_PROPAGATION, contrastReference: 'start' as const, minContrastRatio },
  })),
  // Stop 28: the box lets go faster where the lesion tapers (motion memory, a deeper shrink).
  ...[0.5, 1].map((boxMomentum) => ({
    name: `default+momentum-${boxMomentum}`,
    thresholds: { ...DEFAULT_PROPAGATION, boxMomentum },
  })),
  ...[
    [-0.08, -2, 0.8],
    [-0.08, -2, 0.7],
    [-0.12, -3, 0.8],
    [-0.08, -1, 0.8],
  ].map(([dilateFraction, dilateMinPx, minContrastRatio]) => ({
    name: `shrink${dilateFraction}-cap${-dilateMinPx!}+faded-${minContrastRatio}`,
    thresholds: { ...DEFAULT_PROPAGATION, dilateFraction, dilateMinPx, minContrastRatio },
  })),
  // Stop 28: an annotator who also accepts a slice off by no more than the 1-px boundary band,
  // and one who boxes the missed slice next to where the mask stops first.
  {
    name: 'annotator-accept-1px',
    thresholds: { ...DEFAULT_PROPAGATION },
    annotator: { order: 'worst', tool: 'box', accept: 'dice-or-1px' },
  },
  {
    name: 'annotator-missed-next-to-mask',
    thresholds: { ...DEFAULT_PROPAGATION },
    annotator: { order: 'worst', tool: 'box', missed: 'next-to-mask' },
  },
  {
    name: 'annotator-missed-next-to-mask+start-contrast',
    thresholds: { ...DEFAULT_PROPAGATION, contrastReference: 'start' },
    annotator: { order: 'worst', tool: 'box', missed: 'next-to-mask' },
  },
  // Stop 28: the regrowth stop below 1, i.e. a stall stop: once the walk has shrunk below
  // regrowAfterShrink of its start, a mask that shrinks by less than 3 % (5 %) a slice has let go
  // of the tapering lesion (it keeps about its box's size on whatever lies there). stall-0.97
  // raised one-box Dice on every tuning seed (4402 0.807 -> 0.840, 4403 0.837 -> 0.848, 4404
  // 0.862 -> 0.869, 4405 0.761 -> 0.775; the annotator's figures moved within +-0.02) and became
  // the default; evaluation seed 4401, once: 0.809 -> 0.835.
  ...[0.97, 0.95].map((maxRegrowth) => ({
    name: `stall-${maxRegrowth}`,
    thresholds: { ...DEFAULT_PROPAGATION, maxRegrowth },
  })),
];

const i = process.argv.indexOf('--seed');
const seed = i > 0 ? Number(process.argv[i + 1]) : 4_402;
if (seed === 4_401) throw new Error('4401 is the evaluation seed: tune on another');
const j = process.argv.indexOf('--only');
const only = j > 0 ? new Set(process.argv[j + 1]!.split(',')) : null;
const variants = CANDIDATES.filter((c) => !only || only.has(c.name));

const m = process.argv.indexOf('--model');
runVolumeBench({
  quick: true,
  tuning: { seed, variants },
  ...(m > 0 ? { modelDir: resolve(process.argv[m + 1]!) } : {}),
})
  .then((r) => console.log(JSON.stringify(r, null, 2)))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
