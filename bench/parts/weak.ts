/**
 * Weak-label bench (issue #15, minimal slice): how good the pseudo-masks the trainer makes from
 * boxes alone are. For every lesion of the held-out synthetic FA set (the quality bench's seed,
 * which no training run uses): its tight box prompts the model (the ONNX files the browser and the
 * trainer run, through SamPredictor on onnxruntime-node), the pseudo-mask is exactly the trainer's rule
 * (libs/prompts pseudoMaskFromBox: most confident output, kept inside the box), and its Dice with
 * the lesion's true mask is measured, overall and for the pseudo-masks at or above the default
 * training confidence threshold (Project.pseudoLabelMinConfidence, 0.8) that training would use.
 * Starter model, and the latest trained model when one exists (not in smoke runs).
 *
 *   npm run bench:weak [-- --quick]
 *   npm run bench:weak -- --quick --budget-domain new   # only the new-domain budget (3 pool seeds);
 *                                                       # the other fields carried from weak.json
 */
import { join } from 'node:path';
import {
  DEFAULT_TAGS_TO_MASKS,
  generateSyntheticFaDataset,
  loadDrivePseudoFa,
  openModelDir,
  pseudoMaskFromTag,
  selectTrainingBackend,
  trainTagClassifier,
  TUNED_CANDIDATE_WALK,
  type SyntheticFaSample,
  type TaggedImage,
  type TagsToMasksOptions,
} from '@loupe/model/node';
import { dice, maskBoundingBox } from '@loupe/prompts';
import { TRAINER_CONFIGS, type UntrustedBoxes } from '@loupe/trainer/testing';
import type { BenchOptions } from '../run';
import { findLatestModel } from '../lib/latest-model';
import { repoRoot } from '../lib/repo-root';
import { DRIVE_DIR, HELD_OUT_SYNTHETIC_SEED } from './quality';
import { carriedFields } from '../lib/carried-fields';
import {
  boxPseudoMask,
  BUDGET_STRATEGIES,
  runWeakBudgetBench,
  runWeakBudgetOnNewDomain,
} from './weak-budget';
import { ANNOTATOR_SECONDS } from './weak-budget-plan';

export interface WeakBenchOptions extends BenchOptions {
  smoke?: boolean;
}

/** The schema default of Project.pseudoLabelMinConfidence. */
const DEFAULT_MIN_CONFIDENCE = 0.8;

export interface BoxPseudoMaskQuality {
  version: string;
  objects: number;
  /** Mean Dice of the pseudo-mask with the true lesion mask. */
  dice: number;
  medianDice: number;
  meanConfidence: number;
  /** Pseudo-masks training would use (confidence >= minConfidence): share and their Dice. */
  confident: { minConfidence: number; share: number; dice: number | null };
  seconds: number;
}

const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function measureModel(
  modelDir: string,
  version: string,
  images: ReturnType<typeof generateSyntheticFaDataset>,
): Promise<BoxPseudoMaskQuality> {
  const started = performance.now();
  const predictor = await openModelDir(modelDir);
  const dices: number[] = [];
  const confidences: number[] = [];
  try {
    for (const sample of images) {
      for (const lesion of sample.lesions) {
        if (!maskBoundingBox(lesion)) continue;
        const pseudo = await boxPseudoMask(predictor, sample, lesion);
        dices.push(dice(pseudo.mask, lesion));
        confidences.push(pseudo.confidence);
      }
    }
  } finally {
    await predictor.release();
  }
  const confident = dices.filter((_, i) => (confidences[i] as number) >= DEFAULT_MIN_CONFIDENCE);
  return {
    version,
    objects: dices.length,
    dice: mean(dices),
    medianDice: median(dices),
    meanConfidence: mean(confidences),
    confident: {
      minConfidence: DEFAULT_MIN_CONFIDENCE,
      share: dices.length ? confident.length / dices.length : 0,
      dice: confident.length ? mean(confident) : null,
    },
    seconds: (performance.now() - started) / 1000,
  };
}

/** Seeds of the tagged training images (never the held-out seed, nor train:starter's 1001-1003). */
export const TAG_TRAIN_SEEDS = { present: 1501, absent: 1502 } as const;

export interface TagPseudoMaskQuality {
  version: string;
  /** Tagged images the classification head learned from. */
  trainImages: { present: number; absent: number };
  /** Held-out images tagged 'present': each one's pseudo-mask against its true lesion union. */
  images: number;
  dice: number;
  medianDice: number;
  meanConfidence: number;
  /** Head's P(present) on held-out images tagged present / absent (how well it learned the tag). */
  presentProbability: { present: number; absent: number };
  /** Pseudo-masks that found no object (no CAM peak prompted the segmenter, or an empty result). */
  emptyShare: number;
  confident: { minConfidence: number; share: number; dice: number | null };
  /** Null where the candidate classifier trained (the head is then not trained: only its fallback). */
  headFinalLoss: number | null;
  subClassSizes: number[];
  /** What marks the lesions (TagsToMasksOptions.activation). */
  activation: string;
  /** 'candidates': final MIL loss of the prompted-mask classifier (null otherwise). */
  candidateFinalLoss: number | null;
  /** Held-out images whose pseudo-mask overlaps the lesions at all (a lesion found). */
  foundShare: number;
  seconds: number;
}

export const tagged = (samples: SyntheticFaSample[], present: boolean): TaggedImage[] =>
  samples.map((s) => ({ pixels: s.image, width: s.width, height: s.height, present }));

function maskDice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    inter += a[i] && b[i] ? 1 : 0;
    sa += a[i] ? 1 : 0;
    sb += b[i] ? 1 : 0;
  }
  return sa + sb === 0 ? 1 : (2 * inter) / (sa + sb);
}

/** Trains the tag classifier on tagged images, then measures pseudo-masks of held-out ones. */
export async function measureTags(
  modelDir: string,
  version: string,
  data: {
    train: TaggedImage[];
    heldOutPresent: SyntheticFaSample[];
    heldOutAbsent: SyntheticFaSample[];
  },
  tagOptions: TagsToMasksOptions = DEFAULT_TAGS_TO_MASKS,
): Promise<TagPseudoMaskQuality> {
  const started = performance.now();
  const predictor = await openModelDir(modelDir);
  try {
    const classifier = await trainTagClassifier(predictor, data.train, tagOptions);
    const dices: number[] = [];
    const confidences: number[] = [];
    const presentP: number[] = [];
    let empty = 0;
    let found = 0;
    for (const sample of data.heldOutPresent) {
      const pseudo = await pseudoMaskFromTag(
        predictor,
        classifier,
        { pixels: sample.image, width: sample.width, height: sample.height },
        tagOptions,
      );
      dices.push(maskDice(pseudo.mask, sample.mask.data));
      if (pseudo.mask.some((v, i) => v && sample.mask.data[i])) found++;
      confidences.push(pseudo.confidence);
      presentP.push(pseudo.presentProbability);
      if (!pseudo.mask.some((v) => v)) empty++;
    }
    const absentP: number[] = [];
    for (const sample of data.heldOutAbsent) {
      const pseudo = await pseudoMaskFromTag(
        predictor,
        classifier,
        { pixels: sample.image, width: sample.width, height: sample.height },
        tagOptions,
      );
      absentP.push(pseudo.presentProbability);
    }
    const confident = dices.filter((_, i) => (confidences[i] as number) >= DEFAULT_MIN_CONFIDENCE);
    return {
      version,
      trainImages: {
        present: data.train.filter((t) => t.present).length,
        absent: data.train.filter((t) => !t.present).length,
      },
      images: dices.length,
      dice: mean(dices),
      medianDice: median(dices),
      meanConfidence: mean(confidences),
      presentProbability: { present: mean(presentP), absent: mean(absentP) },
      emptyShare: dices.length ? empty / dices.length : 0,
      confident: {
        minConfidence: DEFAULT_MIN_CONFIDENCE,
        share: dices.length ? confident.length / dices.length : 0,
        dice: confident.length ? mean(confident) : null,
      },
      headFinalLoss: classifier.finalLoss,
      subClassSizes: classifier.subClassSizes,
      activation: tagOptions.activation,
      candidateFinalLoss: classifier.candidates?.finalLoss ?? null,
      foundShare: dices.length ? found / dices.length : 0,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await predictor.release();
  }
}

/**
 * Smoke runs (npm test) prompt fewer peaks with two box sides, and the head (the candidate
 * classifier's fallback) trains few epochs: they check that the figures exist, not their value.
 */
const tagOptionsFor = (options: WeakBenchOptions): TagsToMasksOptions =>
  options.smoke
    ? { ...DEFAULT_TAGS_TO_MASKS, maxPeaks: 3, promptBoxSides: [24, 48], headEpochs: 10 }
    : DEFAULT_TAGS_TO_MASKS;

/** DRIVE photographs (of 20) that no tag training or tuning run reads: 0-9 train, 8-13 tune. */
export const DRIVE_HELD_OUT_PHOTOS = { first: 14, end: 20 } as const;
/** Lesion draws per held-out photograph in tags.driveExtended (the first is tags.drive's, quick). */
const DRIVE_HELD_OUT_DRAWS = 3;

/**
 * The tag figures with the default options, and beside them (`variants`) the same data with the
 * alternative to the default's prompt affinity refinement (the candidates' union without it, or
 * the walk picked on tuning seeds when the default has none); mined candidates are cached per
 * image, so a variant costs its classifier and refinement only.
 */
function tagVariants(options: WeakBenchOptions): Record<string, TagsToMasksOptions> {
  if (options.smoke) return {};
  // Stop 25's default (each peak's box-fit answer, kept from 0.7), which the walk was tuned on.
  const boxFit: TagsToMasksOptions = {
    ...DEFAULT_TAGS_TO_MASKS,
    candidatePick: 'box-fit',
    candidateMinScore: 0.7,
  };
  if (DEFAULT_TAGS_TO_MASKS.candidateWalk)
    return {
      'union of kept candidates (no walk)': { ...DEFAULT_TAGS_TO_MASKS, candidateWalk: null },
    };
  return {
    'box-fit answers from 0.7': boxFit,
    ...(TUNED_CANDIDATE_WALK
      ? { 'prompt affinity walk': { ...boxFit, candidateWalk: TUNED_CANDIDATE_WALK } }
      : {}),
  };
}
async function measureTagsWithVariants(
  options: WeakBenchOptions,
  starterDir: string,
  data: Parameters<typeof measureTags>[2],
): Promise<TagPseudoMaskQuality & { variants?: Record<string, TagPseudoMaskQuality> }> {
  const main = await measureTags(starterDir, 'starter', data, tagOptionsFor(options));
  const variants = tagVariants(options);
  if (Object.keys(variants).length === 0) return main;
  const measured: Record<string, TagPseudoMaskQuality> = {};
  for (const [name, variant] of Object.entries(variants))
    measured[name] = await measureTags(starterDir, 'starter', data, variant);
  return { ...main, variants: measured };
}

export async function tagBenches(
  options: WeakBenchOptions,
  starterDir: string,
): Promise<Record<string, unknown>> {
  await selectTrainingBackend({ log: () => undefined });
  const n = options.smoke
    ? { train: 4, test: 2, driveTrain: 2, driveTest: 1 }
    : options.quick
      ? { train: 24, test: 12, driveTrain: 8, driveTest: 6 }
      : { train: 64, test: 48, driveTrain: 10, driveTest: 10 };
  const synthetic = (count: number, seed: number, lesions?: [number, number]) =>
    generateSyntheticFaDataset({ count, size: 256, seed, ...(lesions ? { lesions } : {}) });
  const out: Record<string, unknown> = {
    synthetic: await measureTagsWithVariants(options, starterDir, {
      train: [
        ...tagged(synthetic(n.train, TAG_TRAIN_SEEDS.present), true),
        ...tagged(synthetic(n.train, TAG_TRAIN_SEEDS.absent, [0, 0]), false),
      ],
      heldOutPresent: synthetic(n.test, HELD_OUT_SYNTHETIC_SEED),
      heldOutAbsent: synthetic(Math.ceil(n.test / 2), HELD_OUT_SYNTHETIC_SEED + 1, [0, 0]),
    }),
  };
  // DRIVE pseudo-FA: the head learns on the first DRIVE photographs, is measured on the last ones
  // (held-out backgrounds as well as held-out lesions).
  const load = (seed: number, lesions?: [number, number], count?: number) =>
    loadDrivePseudoFa({
      seed,
      dataDir: DRIVE_DIR,
      log: () => undefined,
      ...(lesions ? { lesions } : {}),
      ...(count ? { count } : {}),
    });
  const drivePresent = await load(TAG_TRAIN_SEEDS.present);
  if (drivePresent.length === 0) out.drive = { skipped: `DRIVE not found at ${DRIVE_DIR}` };
  else {
    const photos = drivePresent.length;
    const draws = options.smoke ? 1 : DRIVE_HELD_OUT_DRAWS;
    const driveAbsent = await load(TAG_TRAIN_SEEDS.absent, [0, 0]);
    // Each photograph `draws` times with new lesions; the first pass over the photographs is
    // exactly the 20-image load (same seed, the generator draws in order).
    const heldPresent = await load(HELD_OUT_SYNTHETIC_SEED, undefined, photos * draws);
    const heldAbsent = await load(HELD_OUT_SYNTHETIC_SEED + 1, [0, 0]);
    const last = photos - n.driveTest;
    const train = [
      ...tagged(drivePresent.slice(0, n.driveTrain), true),
      ...tagged(driveAbsent.slice(0, n.driveTrain), false),
    ];
    out.drive = await measureTagsWithVariants(options, starterDir, {
      train,
      heldOutPresent: heldPresent.slice(last, photos),
      heldOutAbsent: heldAbsent.slice(last, last + Math.ceil(n.driveTest / 2)),
    });
    if (!options.smoke) {
      const heldOutPhoto = (_: unknown, i: number) =>
        i % photos >= DRIVE_HELD_OUT_PHOTOS.first && i % photos < DRIVE_HELD_OUT_PHOTOS.end;
      out.driveExtended = {
        photographs: [DRIVE_HELD_OUT_PHOTOS.first, DRIVE_HELD_OUT_PHOTOS.end - 1],
        lesionDraws: draws,
        ...(await measureTagsWithVariants(options, starterDir, {
          train,
          heldOutPresent: heldPresent.filter(heldOutPhoto),
          // The absent images only give presentProbability.absent: tags.drive's (mined already).
          heldOutAbsent: heldAbsent.slice(last, last + Math.ceil(n.driveTest / 2)),
        })),
      };
    }
  }
  return out;
}

/** Where the budget comparison runs: the project's own generator, the new domain, or both. */
function budgetDomains(options: WeakBenchOptions): { synthetic: boolean; newDomain: boolean } {
  const flag = String(options['budgetDomain'] ?? (options.smoke ? 'synthetic' : 'both'));
  if (!['synthetic', 'new', 'both'].includes(flag))
    throw new Error(`--budget-domain: ${flag} (synthetic, new or both)`);
  return { synthetic: flag !== 'new', newDomain: flag !== 'synthetic' };
}

/**
 * What boxes do while the box rule is not trusted: the trainer's rule (TRAINER_CONFIGS.product
 * untrustedBoxes), or --untrusted-boxes wait|box-supervised.
 */
function untrustedBoxesOf(options: WeakBenchOptions): { untrustedBoxes: UntrustedBoxes } {
  const flag = options['untrustedBoxes'] ?? TRAINER_CONFIGS.product.untrustedBoxes;
  if (flag !== 'wait' && flag !== 'box-supervised')
    throw new Error(`--untrusted-boxes: ${String(flag)} (wait or box-supervised)`);
  return { untrustedBoxes: flag };
}

/** Where a new-domain run goes: the trainer's rule in budgetNewDomain, the other beside it. */
const NEW_DOMAIN_FIELD: Record<UntrustedBoxes, string> = {
  wait: 'budgetNewDomainBoxesWait',
  'box-supervised': 'budgetNewDomainBoxSupervised',
};
function newDomainField(options: WeakBenchOptions): string {
  const mode = untrustedBoxesOf(options).untrustedBoxes;
  return mode === TRAINER_CONFIGS.product.untrustedBoxes
    ? 'budgetNewDomain'
    : NEW_DOMAIN_FIELD[mode];
}

/** The new-domain budget (needs DRIVE: skipped with a reason where it is absent). */
async function newDomainBudget(options: WeakBenchOptions, starterDir: string) {
  try {
    const strategies = options['newDomainStrategies'];
    return await runWeakBudgetOnNewDomain({
      ...(options.quick ? { quick: true } : {}),
      ...(options.smoke ? { smoke: true } : {}),
      ...(strategies === 'all'
        ? { strategies: Object.keys(BUDGET_STRATEGIES) }
        : typeof strategies === 'string'
          ? { strategies: strategies.split(',') }
          : {}),
      ...untrustedBoxesOf(options),
      resultsDir: options.resultsDir,
      starterDir,
      heldOutSeed: HELD_OUT_SYNTHETIC_SEED,
      minConfidence: DEFAULT_MIN_CONFIDENCE,
      tagOptions: tagOptionsFor(options),
    });
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('skipped:')) return { skipped: message };
    throw error;
  }
}

export const NEW_DOMAIN_BUDGET_NOTE =
  "budgetNewDomain: the same budget comparison where the starter has room to learn: a clinic's own lesions (libs/model metaball-leakage-fa, 0-4 lesions per image, on its 'domain' DRIVE backgrounds; the starter was never tuned to them) labelled in order, test on its evaluation split (other backgrounds, bench:mae's seed 13), clicks per mask measured with the starter on these images (many never reach IoU 0.9 and cost 20 clicks). Steps cover the largest purchase. Strategies: budgetNewDomain.strategyNames (by default masks only, boxes only and masks 50% + boxes 50%: the tag strategies are the slowest on DRIVE-sized images; --new-domain-strategies all adds them). Boxes train only as the trainer lets them (libs/prompts check-box-rule.ts): a purchase with boxes trains as two rounds of half the steps, round 1 with the starter's box masks and round 2 with round 1's, each only where that model's box masks reach Dice 0.85 on the domain's validation masks (split 'domain', seed 31) (points[].boxUse; boxRule.starter); where they do not, the boxes train as boxes with BoxInst's box-supervised loss (libs/model/src/training/box-supervised-loss.ts: projection Dice + BCE on both axes, pairwise term at weight 0.1 on similar neighbour pairs touching the box), as the trainer's untrustedBoxes 'box-supervised' does (points[].boxUse.*.supervision: 'pseudo-mask' or 'box'; budgetNewDomain.untrustedBoxes). points[].gate: the promotion gate on Dice alone (the candidate's box Dice on those validation masks not below the starter's; the product's gate also bounds NoC@90), gate.dice = the test Dice of the model the project keeps; comparison.gated and strategies[].gatedDice compare those. Three pools (seeds 21/22/23, each its own images and fine-tuning order): strategies[].diceSpread, comparison.gainSpread (best mix = highest mean gain over masks only), selfTraining.gainSpread with notLower = mean gain >= -sd; perSeed: each pool's full budget record.";

export const OTHER_BOX_RULE_NOTE =
  "budgetNewDomainBoxesWait / budgetNewDomainBoxSupervised: budgetNewDomain's comparison with untrusted boxes handled otherwise than the trainer does (npm run bench:weak -- --quick --budget-domain new --untrusted-boxes wait|box-supervised): 'wait' = boxes the box rule keeps out do not train (the trainer's rule until stop 30; budgetNewDomainBoxesWait was measured at stop 29, commit 3261dd8), 'box-supervised' = they train with BoxInst's loss.";

export async function runWeakBench(options: WeakBenchOptions): Promise<Record<string, unknown>> {
  const domains = budgetDomains(options);
  const starterDirOnly = join(repoRoot, 'models', 'starter');
  if (!domains.synthetic) {
    // Only the new-domain budget: every other field as the previous weak.json measured it. With
    // --untrusted-boxes other than the trainer's rule it goes to its own field beside that one.
    const field = newDomainField(options);
    const measured = await newDomainBudget(options, starterDirOnly);
    const carried = await carriedFields(options.resultsDir, 'weak', (key) => key !== field);
    const note = field === 'budgetNewDomain' ? NEW_DOMAIN_BUDGET_NOTE : OTHER_BOX_RULE_NOTE;
    const notes = ((carried['notes'] as string[] | undefined) ?? []).filter(
      (n) => !n.startsWith(`${field}:`) && n !== note,
    );
    return {
      ...carried,
      [field]: measured,
      notes: [...notes, note],
    };
  }
  const count = options.smoke ? 3 : options.quick ? 12 : 48;
  const images = generateSyntheticFaDataset({ count, size: 256, seed: HELD_OUT_SYNTHETIC_SEED });
  const starterDir = join(repoRoot, 'models', 'starter');
  const starter = await measureModel(starterDir, 'starter', images);
  const latest = options.smoke ? null : await findLatestModel({ repoRoot, starterDir });
  const tags = await tagBenches(options, starterDir);
  const budget = await runWeakBudgetBench({
    ...(options.quick ? { quick: true } : {}),
    ...(options.smoke ? { smoke: true } : {}),
    resultsDir: options.resultsDir,
    starterDir,
    heldOutSeed: HELD_OUT_SYNTHETIC_SEED,
    minConfidence: DEFAULT_MIN_CONFIDENCE,
    tagOptions: tagOptionsFor(options),
  });
  // A synthetic-only run keeps the new-domain budgets the previous weak.json measured; one that
  // measures the new domain keeps the other rule's (budgetNewDomainBoxesWait and the like).
  const carriedNewDomain = await carriedFields(
    options.resultsDir,
    'weak',
    (key) => key.startsWith('budgetNewDomain') && !(domains.newDomain && key === 'budgetNewDomain'),
  );
  const otherRuleCarried = Object.keys(carriedNewDomain).some(
    (key) => key.startsWith('budgetNewDomain') && key !== 'budgetNewDomain',
  );
  const budgetNewDomain = domains.newDomain
    ? await newDomainBudget(options, starterDir)
    : (carriedNewDomain['budgetNewDomain'] ?? null);
  return {
    ...carriedNewDomain,
    ...(budgetNewDomain ? { budgetNewDomain } : {}),
    synthetic: {
      images: count,
      starter,
      ...(latest ? { latest: await measureModel(latest.dir, latest.version, images) } : {}),
    },
    tags,
    budget,
    plots: budget.plots,
    notes: [
      `synthetic: ${count} held-out images from generateSyntheticFaDataset with seed ${HELD_OUT_SYNTHETIC_SEED} (the quality bench's; training uses other seeds); every lesion is one object.`,
      "Box = tight box of the true lesion mask; pseudo-mask = libs/prompts pseudoMaskFromBox (the trainer's rule: the output with the highest predicted IoU, thresholded at 0.5, clipped to the box).",
      `confident: pseudo-masks with confidence >= ${DEFAULT_MIN_CONFIDENCE} (the default training threshold), which training weights by their confidence.`,
      `tags: pseudo-masks from image-level tags alone (WeakMedSAM; libs/model/src/weak), activation '${DEFAULT_TAGS_TO_MASKS.activation}': tagged training images (seeds ${TAG_TRAIN_SEEDS.present} present / ${TAG_TRAIN_SEEDS.absent} absent, lesions [0, 0]); the starter encoder's feature grids train the classification head (${DEFAULT_TAGS_TO_MASKS.subClasses} k-means sub-classes; headFinalLoss and subClassSizes are its; with 'candidates' the head is trained only when the candidate classifier cannot be, so they are null and [] when it was). With 'candidates' (the default since the #15 diagnosis: the head's CAM peaks and a nearest-neighbour novelty against absent images' encoder cells fell on vessels and the optic disc, almost never on a lesion), up to ${DEFAULT_TAGS_TO_MASKS.maxPeaks} bright-blob peaks per image (difference of Gaussians on the robust z-scored image) prompt the segmenter (the peak as positive point plus boxes of ${DEFAULT_TAGS_TO_MASKS.promptBoxSides.join('/')} px around it, the answer with the highest predicted IoU x box fit ^ ${DEFAULT_TAGS_TO_MASKS.boxFitExponent} kept for training), a logistic classifier of the prompted masks' descriptors (size, brightness, ring contrast, flatness, box fill, elongation, predicted IoU) learns from the tags by multiple-instance learning (absent images: every candidate negative; present: the best one positive), and held-out images tagged present keep the candidates with lesion probability >= ${DEFAULT_TAGS_TO_MASKS.candidateMinScore} (candidatePick '${DEFAULT_TAGS_TO_MASKS.candidatePick}': with 'score-x-iou' each peak is represented by the answer, of its box sides, with the highest lesion probability x predicted IoU); presentProbability is the best box-fit candidate's. The pseudo-mask is compared with the true lesion union (Dice per image, mean).`,
      'tags.drive: DRIVE pseudo-FA (real DRIVE backgrounds, synthetic leakage); the head trains on the first photographs and is measured on the last ones (held-out backgrounds and lesions).',
      `tags.driveExtended: the same training, measured on DRIVE photographs ${DRIVE_HELD_OUT_PHOTOS.first}-${DRIVE_HELD_OUT_PHOTOS.end - 1} (0-based, of the 20 in ../shared/data/drive-train; no tag training (0-9) or tuning (8-13) run reads them) each with ${DRIVE_HELD_OUT_DRAWS} draws of held-out lesions (the first draw is tags.drive's images in quick runs); only 20 DRIVE photographs exist here, so more images mean more lesion draws on the same backgrounds, not new backgrounds. Full runs' tags.drive (photographs 10-19) includes the tuning photographs 10-13 (with other lesion seeds); driveExtended does not.`,
      "tags.*.variants: the same images with the alternative to the default prompt affinity refinement (libs/model/src/weak/prompt-affinity-refinement.ts): the random walk picked on tuning seeds (bench/loop/tags-tune.ts, on box-fit answers from 0.7) when the default has none, else the kept candidates union without it; and 'box-fit answers from 0.7', the default before the score-x-iou pick (stop 25).",
      'budget: every fine-tuning runs the same optimizer steps (fineTuneSteps; points[].steps): more samples than steps x batch are sampled by a hash rank (equalComputeSamples), where before each extra sample added steps (up to 30 against 8 in quick runs).',
      `budget: models trained on masks / boxes / tags / mixes at equal modelled annotator time (tag ${ANNOTATOR_SECONDS.tag} s, box ${ANNOTATOR_SECONDS.box} s, mask = box + the simulated annotator's clicks to IoU 0.9 with the starter x ${ANNOTATOR_SECONDS.click} s; an image with no lesion costs a tag): a pool of synthetic FA images (seed 1601, 0-4 lesions) labelled in order until the budget is spent, the labels fine-tune the starter (same steps for every strategy, EMA 0.9, lr 3e-4), held-out box Dice (tfjs, crop grid) on the held-out synthetic seed. Boxes as the trainer lets them (check-box-rule.ts): two rounds of half the steps, round 1 with the starter's box masks, round 2 with round 1's, each only where that model's box masks reach Dice 0.85 on validation masks (synthetic seed 1603) (points[].boxUse, boxRule); box pseudo-masks below the training threshold are dropped; points[].gate and comparison.gated: the promotion gate on Dice (candidate not below the starter on the validation masks), the test Dice the project keeps; tag pseudo-masks are kept at any confidence > 0, weighted by it. poolExhausted: the pool ran out before the budget (tags are that cheap).`,
      "budget.selfTraining: self-training on vs off with the same human labels ('masks only' at the comparison budget): the starter (that round's active model) predicts on the pool images nobody labelled (libs/prompts selfTrainingPseudoMasks: whole-image look, then each object's box, jittered boxes and the flipped image; confidence = mean predicted IoU x the views' agreement with their majority mask), predictions at or above the trainer's product policy threshold join at weight x confidence (apps/trainer config selfTraining; quick runs predict on fewer images), same fine-tuning steps; pseudoMaskDice: the used pseudo-masks against the best-matching true object.",
      ...(budgetNewDomain ? [NEW_DOMAIN_BUDGET_NOTE] : []),
      ...(otherRuleCarried ? [OTHER_BOX_RULE_NOTE] : []),
    ],
  };
}
