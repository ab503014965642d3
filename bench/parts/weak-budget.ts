/**
 * bench:weak at equal annotator time (issue #15 item 5): for each strategy (masks only, boxes
 * only, tags only, mixes; weak-budget-plan.ts) and each budget of modelled annotator minutes, the
 * labels it buys on a pool of synthetic FA images become fine-tuning samples for the starter
 * model, and the fine-tuned model's box Dice on held-out images is measured.
 *  - mask: the object's true mask (what the annotator accepts), weight 1; its cost uses the clicks
 *    the simulated annotator needed with the starter model (evaluateOnnxModel, IoU 0.9, 20 max).
 *  - box: the trainer's box pseudo-mask (libs/prompts pseudoMaskFromBox), used when its
 *    confidence is at least the default training threshold, weighted by it, and only as the
 *    trainer allows (check-box-rule.ts): the generator's box masks must reach the trainer's bar on
 *    the domain's validation masks. A purchase with boxes trains
 *    as two rounds of half the steps each, as the product's rounds would: round 1 with the
 *    starter's box masks where its check passes, round 2 with round 1's where its check passes;
 *    where a check fails the boxes train as boxes (BoxInst's loss, box-supervised-loss.ts), as
 *    the trainer's untrustedBoxes 'box-supervised' does, or wait (untrustedBoxes 'wait').
 *  - tag: pseudo-masks from tags (libs/model/src/weak): the classifier learns from every image the
 *    strategy knows the tag of (an image with a mask or box is 'present' too), each connected
 *    component of an image's pseudo-mask is one sample weighted by the pseudo-mask's confidence.
 *  - an image with no object (any kind): a negative sample (an empty mask, weight 1).
 * Every fine-tuning runs the same number of steps (equal compute), from the same starter weights.
 */
import { join } from 'node:path';
import {
  evaluateOnnxModel,
  exportModel,
  fineTune,
  generateSyntheticFaDataset,
  loadMetaballLeakageFa,
  loadSegmenterFromCheckpoint,
  openModelDir,
  pasteOutputProbabilities,
  pseudoMaskFromTag,
  quickValidate,
  selectTrainingBackend,
  trainTagClassifier,
  type FineTuneOptions,
  type FineTuneSample,
  type SamPredictor,
  type SyntheticFaSample,
  type TagsToMasksOptions,
} from '@loupe/model/node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import {
  checkBoxRule,
  connectedComponents,
  maskBoundingBox,
  maskFromBox,
  pseudoMaskFromBox,
  type Box,
  type BoxOutputs,
  type BoxRuleCheck,
  type Mask,
} from '@loupe/prompts';
import { TRAINER_CONFIGS } from '@loupe/trainer/testing';
import { plotLines } from '../lib/plot';
import { spread, type Spread } from '../lib/spread';
import {
  buyLabels,
  equalComputeSamples,
  sampleHash,
  type PoolImageCost,
  type Purchase,
  type StrategyPhase,
} from './weak-budget-plan';
import { measureSelfTraining } from './weak-self-training';

export const BUDGET_STRATEGIES: Record<string, StrategyPhase[]> = {
  'masks only': [{ kind: 'mask', share: 1 }],
  'boxes only': [{ kind: 'box', share: 1 }],
  'tags only': [{ kind: 'tag', share: 1 }],
  'masks 50% + boxes 50%': [
    { kind: 'mask', share: 0.5 },
    { kind: 'box', share: 0.5 },
  ],
  'boxes 50% + tags 50%': [
    { kind: 'box', share: 0.5 },
    { kind: 'tag', share: 0.5 },
  ],
};

/** Seeds: the pool (never a training or held-out seed elsewhere), the held-out test images. */
const POOL_SEED = 1601;
/** The validation masks the box rule is checked on (the project's validation split). */
const VALIDATION_SEED = 1603;
const VALIDATION_IMAGES = { smoke: 2, quick: 8, full: 16 };

/**
 * Where the budget is spent. 'synthetic': the project's own generator, on which the starter is
 * near its ceiling (little for any label to add). 'new': a clinic whose lesions the starter was
 * never tuned to (the metaball lesion model on its 'domain' DRIVE backgrounds; test on its
 * evaluation split), where masks lift the starter a lot (bench:mae's new domain) and clicks cost
 * many more seconds, as on a real new project.
 */
export type BudgetDomain = 'synthetic' | 'new';

/** Seeds of the new domain: test images (bench:mae's), and the pools (one per repeat). */
const NEW_DOMAIN_TEST_SEED = 13;
const NEW_DOMAIN_VALIDATION_SEED = 31;
export const NEW_DOMAIN_POOL_SEEDS = [21, 22, 23];

export interface BudgetBenchOptions {
  quick?: boolean;
  smoke?: boolean;
  domain?: BudgetDomain;
  /** The pool's seed (default: the synthetic POOL_SEED, or the new domain's first pool seed). */
  poolSeed?: number;
  /** Strategies to measure (names of BUDGET_STRATEGIES; default all). */
  strategies?: string[];
  log?: (line: string) => void;
  resultsDir: string;
  starterDir: string;
  heldOutSeed: number;
  minConfidence: number;
  tagOptions: TagsToMasksOptions;
  /**
   * Boxes whose model's box rule is not trusted: 'wait' (they do not train) or 'box-supervised'
   * (they train with BoxInst's loss, box-supervised-loss.ts). Default: the trainer's rule.
   */
  untrustedBoxes?: 'wait' | 'box-supervised';
  /** fineTune's boxSupervision for box-supervised samples (default fineTune's). */
  boxSupervision?: FineTuneOptions['boxSupervision'];
}

interface PoolImage {
  sample: SyntheticFaSample;
  objects: Mask[];
}

interface BudgetSizes {
  pool: number;
  test: number;
  budgets: number[];
  steps: number;
  selfTrainingImages: number | null;
}

const BUDGET_SIZES: Record<BudgetDomain, Record<'smoke' | 'quick' | 'full', BudgetSizes>> = {
  synthetic: {
    smoke: { pool: 6, test: 3, budgets: [0.25], steps: 2, selfTrainingImages: 2 },
    quick: { pool: 48, test: 12, budgets: [2, 10], steps: 8, selfTrainingImages: 12 },
    full: { pool: 200, test: 48, budgets: [1, 2, 5, 10, 20], steps: 48, selfTrainingImages: null },
  },
  // Steps cover the largest purchase at 10 minutes (~160 box samples): every label is seen.
  new: {
    smoke: { pool: 4, test: 2, budgets: [0.25], steps: 2, selfTrainingImages: 2 },
    quick: { pool: 80, test: 16, budgets: [10], steps: 60, selfTrainingImages: 12 },
    full: { pool: 120, test: 32, budgets: [5, 10], steps: 100, selfTrainingImages: 48 },
  },
};

/** The pool an annotator labels (0-4 lesions per image) and the held-out test objects. */
async function loadBudgetData(
  domain: BudgetDomain,
  sizes: { pool: number; test: number; validation: number },
  poolSeed: number,
  heldOutSeed: number,
): Promise<{ pool: PoolImage[]; test: FineTuneSample[]; validation: FineTuneSample[] }> {
  const toTest = (images: SyntheticFaSample[]) =>
    images.flatMap((s) =>
      objectsOf(s).map((mask) => ({ image: s.image, width: s.width, height: s.height, mask })),
    );
  if (domain === 'new') {
    const log = () => undefined;
    const pool = await loadMetaballLeakageFa({
      split: 'domain',
      count: sizes.pool,
      seed: poolSeed,
      lesions: [0, 4],
      log,
    });
    if (pool.length === 0)
      throw new Error('skipped: DRIVE not found (the new domain is drawn on it)');
    const test = await loadMetaballLeakageFa({
      split: 'evaluation',
      count: sizes.test,
      seed: NEW_DOMAIN_TEST_SEED,
      log,
    });
    const validation = await loadMetaballLeakageFa({
      split: 'domain',
      count: sizes.validation,
      seed: NEW_DOMAIN_VALIDATION_SEED,
      log,
    });
    return {
      pool: pool.map((sample) => ({ sample, objects: objectsOf(sample) })),
      test: toTest(test),
      validation: toTest(validation),
    };
  }
  // Lesions [0, 4]: about a fifth of the images have none (tagged 'absent').
  const pool = generateSyntheticFaDataset({
    count: sizes.pool,
    size: 256,
    seed: poolSeed,
    lesions: [0, 4],
  }).map((sample) => ({ sample, objects: objectsOf(sample) }));
  const test = generateSyntheticFaDataset({ count: sizes.test, size: 256, seed: heldOutSeed });
  const validation = generateSyntheticFaDataset({
    count: sizes.validation,
    size: 256,
    seed: VALIDATION_SEED,
  });
  return { pool, test: toTest(test), validation: toTest(validation) };
}

const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;

function objectsOf(sample: SyntheticFaSample): Mask[] {
  return connectedComponents(sample.mask, 8).filter((c) => c.data.some((v) => v));
}

function emptyMask(sample: SyntheticFaSample): Mask {
  return {
    width: sample.width,
    height: sample.height,
    data: new Uint8Array(sample.mask.data.length),
  };
}

/** The promotion gate on Dice (validation masks): the test Dice of the model the project keeps. */
interface GateOutcome {
  validationDice: number;
  starterValidationDice: number;
  promoted: boolean;
  dice: number;
}

type GreyPixels = { image: Float32Array | Uint8Array; width: number; height: number };

/** A predictor's box answer as the box rule reads it. */
async function predictBoxOutputs(
  predictor: SamPredictor,
  sample: GreyPixels,
  box: Box,
): Promise<BoxOutputs> {
  const prediction = await predictor.predict(
    { pixels: sample.image, width: sample.width, height: sample.height, channels: 1 },
    box,
  );
  return {
    iouPredictions: prediction.iouPredictions,
    fullResolution: (k) => pasteOutputProbabilities(prediction, k),
  };
}

/** The trainer's box rule (pseudoMaskFromBox) on the tight box of one true object. */
export async function boxPseudoMask(
  predictor: SamPredictor,
  sample: SyntheticFaSample,
  object: Mask,
): Promise<{ mask: Mask; confidence: number }> {
  const box = maskBoundingBox(object);
  if (!box) return { mask: emptyMask(sample), confidence: 0 };
  const outputs = await predictBoxOutputs(predictor, sample, box);
  const pseudo = pseudoMaskFromBox(outputs, box, sample.width, sample.height);
  return { mask: pseudo.mask, confidence: pseudo.confidence };
}

/** The trainer's check of a predictor's box rule on the validation masks (check-box-rule.ts). */
function checkPredictorBoxRule(
  predictor: SamPredictor,
  validation: readonly FineTuneSample[],
): Promise<BoxRuleCheck> {
  return checkBoxRule(
    (sample: GreyPixels, box) => predictBoxOutputs(predictor, sample, box),
    validation.map((v) => ({ image: v, mask: v.mask })),
    TRAINER_CONFIGS.product.boxRule,
  );
}

export async function runWeakBudgetBench(
  options: BudgetBenchOptions,
): Promise<Record<string, unknown>> {
  const started = performance.now();
  // The trainer's backend (wasm with the fused kernels), whoever calls: tfjs would otherwise fall
  // back to its pure-JS CPU backend, ~10x slower.
  await selectTrainingBackend({ log: () => undefined });
  const domain = options.domain ?? 'synthetic';
  const n = BUDGET_SIZES[domain][options.smoke ? 'smoke' : options.quick ? 'quick' : 'full'];
  const batchSize = 4;
  const poolSeed =
    options.poolSeed ?? (domain === 'new' ? (NEW_DOMAIN_POOL_SEEDS[0] as number) : POOL_SEED);
  const size = options.smoke ? 'smoke' : options.quick ? 'quick' : 'full';
  const { pool, test, validation } = await loadBudgetData(
    domain,
    { ...n, validation: VALIDATION_IMAGES[size] },
    poolSeed,
    options.heldOutSeed,
  );

  const predictor = await openModelDir(options.starterDir);
  const checkpoint = join(options.starterDir, 'checkpoint.safetensors');
  // Seconds per phase (where bench:weak's time goes).
  const phaseSeconds = {
    clickCosts: 0,
    boxPseudoMasks: 0,
    tagPseudoMasks: 0,
    fineTuning: 0,
    selfTraining: 0,
  };
  const timed = async <T>(phase: keyof typeof phaseSeconds, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      phaseSeconds[phase] += (performance.now() - t0) / 1000;
    }
  };
  try {
    // Clicks the simulated annotator needs per object with the starter (the mask's cost).
    const costs: PoolImageCost[] = [];
    for (const image of pool) {
      if (image.objects.length === 0) {
        costs.push({ objectClicks: [] });
        continue;
      }
      const evaluation = await timed('clickCosts', () =>
        evaluateOnnxModel({
          predictor,
          samples: [
            {
              image: {
                pixels: image.sample.image,
                width: image.sample.width,
                height: image.sample.height,
                channels: 1,
              },
              gtMask: image.sample.mask,
            },
          ],
          maxClicks: 20,
        }),
      );
      costs.push({ objectClicks: evaluation.perObject.map((o) => o.noc90) });
    }

    const boxCache = new Map<string, { mask: Mask; confidence: number }>();
    const boxSample = async (i: number, k: number) => {
      const key = `${i}:${k}`;
      let hit = boxCache.get(key);
      if (!hit) {
        const image = pool[i] as PoolImage;
        hit = await timed('boxPseudoMasks', () =>
          boxPseudoMask(predictor, image.sample, image.objects[k] as Mask),
        );
        boxCache.set(key, hit);
      }
      return hit;
    };
    const tagCache = new Map<
      string,
      { samples: FineTuneSample[]; meanConfidence: number; images: number }
    >();
    /** Tag pseudo-masks of the images bought as tags, the classifier trained on every known tag. */
    const tagSamples = async (purchases: Purchase[]) => {
      const tagged = purchases.filter(
        (p) => p.kind === 'tag' && (pool[p.image] as PoolImage).objects.length > 0,
      );
      const key = purchases.map((p) => `${p.image}${p.kind[0]}`).join(',');
      const cached = tagCache.get(key);
      if (cached) return cached;
      const known = purchases.map((p) => {
        const s = (pool[p.image] as PoolImage).sample;
        return {
          pixels: s.image,
          width: s.width,
          height: s.height,
          present: (pool[p.image] as PoolImage).objects.length > 0,
        };
      });
      const out: FineTuneSample[] = [];
      const confidences: number[] = [];
      const absent = known.filter((k) => !k.present).length;
      if (tagged.length > 0 && absent >= 2) {
        const classifier = await trainTagClassifier(predictor, known, options.tagOptions);
        for (const p of tagged) {
          const s = (pool[p.image] as PoolImage).sample;
          const pseudo = await pseudoMaskFromTag(
            predictor,
            classifier,
            { pixels: s.image, width: s.width, height: s.height },
            options.tagOptions,
          );
          confidences.push(pseudo.confidence);
          if (pseudo.confidence <= 0) continue;
          const mask = { width: s.width, height: s.height, data: pseudo.mask };
          for (const component of connectedComponents(mask, 8))
            if (component.data.some((v) => v))
              out.push({
                image: s.image,
                width: s.width,
                height: s.height,
                mask: component,
                weight: pseudo.confidence,
              });
        }
      }
      const result = { samples: out, meanConfidence: mean(confidences), images: tagged.length };
      tagCache.set(key, result);
      return result;
    };

    const untrustedBoxes = options.untrustedBoxes ?? TRAINER_CONFIGS.product.untrustedBoxes;
    /** How a round's boxes trained: the model's box masks, BoxInst's loss, or not at all. */
    const supervisionOf = (check: BoxRuleCheck) =>
      check.trusted ? 'pseudo-mask' : untrustedBoxes === 'wait' ? 'waiting' : 'box';
    const fineTuned = new Map<
      string,
      {
        dice: number;
        samples: number;
        steps: number;
        boxUse: Record<string, unknown> | null;
        gate: GateOutcome;
      }
    >();
    // The trainer's check of the starter's box rule, once per run (every strategy shares it).
    let starterCheck: Promise<BoxRuleCheck> | null = null;
    const starterBoxRule = () => (starterCheck ??= checkPredictorBoxRule(predictor, validation));
    const { starterDice, starterValidationDice } = await (async () => {
      const { model } = await loadSegmenterFromCheckpoint(checkpoint);
      try {
        return {
          starterDice: quickValidate(model, test).dice,
          starterValidationDice: quickValidate(model, validation).dice,
        };
      } finally {
        model.dispose();
      }
    })();

    const compareAt = n.budgets.includes(10) ? 10 : (n.budgets.at(-1) as number);
    let humanAtCompare: {
      samples: FineTuneSample[];
      masks: number;
      bought: number;
      dice: number;
    } | null = null;
    const strategies: Record<string, unknown>[] = [];
    const log = options.log ?? (() => undefined);
    log(
      `pool seed ${poolSeed}: clicks per mask measured on ${pool.length} images (${Math.round(phaseSeconds.clickCosts)} s)`,
    );
    const chosen = Object.entries(BUDGET_STRATEGIES).filter(
      ([name]) => !options.strategies || options.strategies.includes(name),
    );
    for (const [name, phases] of chosen) {
      const points: Record<string, unknown>[] = [];
      for (const minutes of n.budgets) {
        const bought = buyLabels(costs, phases, minutes * 60);
        // Labels that train whatever the box rule says (masks, negatives, tags), and the boxes.
        const samples: FineTuneSample[] = [];
        const boxes: { image: number; object: number }[] = [];
        const counts = {
          masks: 0,
          boxes: 0,
          boxesUsed: 0,
          tagImages: 0,
          tagSamples: 0,
          negatives: 0,
        };
        for (const p of bought.purchases) {
          const image = pool[p.image] as PoolImage;
          const s = image.sample;
          const base = { image: s.image, width: s.width, height: s.height };
          if (image.objects.length === 0) {
            samples.push({ ...base, mask: emptyMask(s) });
            counts.negatives++;
          } else if (p.kind === 'mask')
            for (const mask of image.objects) {
              samples.push({ ...base, mask });
              counts.masks++;
            }
          else if (p.kind === 'box')
            for (let k = 0; k < image.objects.length; k++) {
              counts.boxes++;
              boxes.push({ image: p.image, object: k });
            }
        }
        const tags = await timed('tagPseudoMasks', () => tagSamples(bought.purchases));
        samples.push(...tags.samples);
        counts.tagImages = tags.images;
        counts.tagSamples = tags.samples.length;
        /** The bought boxes' pseudo-masks from one generator, confident ones only. */
        const boxPseudoSamples = async (
          make: (i: number, k: number) => Promise<{ mask: Mask; confidence: number }>,
        ) => {
          const out: FineTuneSample[] = [];
          for (const b of boxes) {
            const pseudo = await timed('boxPseudoMasks', () => make(b.image, b.object));
            if (pseudo.confidence < options.minConfidence) continue;
            const s = (pool[b.image] as PoolImage).sample;
            out.push({
              image: s.image,
              width: s.width,
              height: s.height,
              mask: pseudo.mask,
              weight: pseudo.confidence,
            });
          }
          return out;
        };
        /** The bought boxes as BoxInst samples (box-supervised-loss.ts): what trains where a
         * model's box rule is not trusted, as in the trainer. */
        const boxSupervisedSamples = (): FineTuneSample[] =>
          boxes.map((b) => {
            const image = pool[b.image] as PoolImage;
            const s = image.sample;
            const box = maskBoundingBox(image.objects[b.object] as Mask) as Box;
            return {
              image: s.image,
              width: s.width,
              height: s.height,
              mask: maskFromBox(box, s.width, s.height),
              supervision: 'box' as const,
            };
          });
        const untrustedBoxSamples = () =>
          untrustedBoxes === 'box-supervised' ? boxSupervisedSamples() : [];
        const key = bought.purchases.map((p) => `${p.image}${p.kind[0]}`).join(',');
        let measured = fineTuned.get(key);
        if (!measured) {
          const starterRule = boxes.length ? await starterBoxRule() : null;
          const t0 = performance.now();
          const { model } = await loadSegmenterFromCheckpoint(checkpoint);
          try {
            // Equal compute: the same number of steps whatever the number of samples.
            const train = async (trainSamples: FineTuneSample[], steps: number) => {
              const run = equalComputeSamples(trainSamples, steps, batchSize, sampleHash);
              const result = await fineTune({
                model,
                samples: run.samples,
                epochs: run.epochs,
                batchSize,
                seed: domain === 'new' ? poolSeed : 15,
                learningRate: 3e-4,
                emaDecay: 0.9,
                ...(options.boxSupervision ? { boxSupervision: options.boxSupervision } : {}),
              });
              result.optimizer.dispose();
              return Math.ceil(run.samples.length / batchSize) * run.epochs;
            };
            let steps = 0;
            let boxUse: Record<string, unknown> | null = null;
            let used = samples;
            const showsLesion = (set: FineTuneSample[]) =>
              set.some((x) => x.mask.data.some((v) => v));
            if (!starterRule) {
              if (used.length) steps = await train(used, n.steps);
            } else {
              // As the product's rounds: round 1 with the starter's box masks where its check
              // passes; round 2 (the other half of the steps) with round 1's where its passes.
              const starterBoxes = starterRule.trusted
                ? await boxPseudoSamples(boxSample)
                : untrustedBoxSamples();
              used = [...samples, ...starterBoxes];
              if (!showsLesion(used)) {
                // Nothing shows the model a lesion: the round would only teach it to answer
                // nothing (the gate keeps the starter).
                used = [];
                boxUse = {
                  roundOne: { check: starterRule, boxesUsed: 0 },
                  roundTwo: null,
                };
              } else {
                steps = await train(used, Math.ceil(n.steps / 2));
                const dir = await mkdtemp(join(tmpdir(), 'weak-budget-round-one-'));
                try {
                  await exportModel(model, dir, { version: 'round-1' });
                  const roundOne = await openModelDir(dir);
                  try {
                    const roundOneRule = await checkPredictorBoxRule(roundOne, validation);
                    const roundOneBoxes = roundOneRule.trusted
                      ? await boxPseudoSamples(async (i, k) => {
                          const image = pool[i] as PoolImage;
                          return boxPseudoMask(roundOne, image.sample, image.objects[k] as Mask);
                        })
                      : untrustedBoxSamples();
                    used = [...samples, ...roundOneBoxes];
                    // supervision: how the round's boxes trained ('pseudo-mask': the model's box
                    // masks, its rule trusted; 'box': BoxInst's box-supervised loss).
                    boxUse = {
                      roundOne: {
                        check: starterRule,
                        boxesUsed: starterBoxes.length,
                        supervision: supervisionOf(starterRule),
                      },
                      roundTwo: {
                        check: roundOneRule,
                        boxesUsed: roundOneBoxes.length,
                        supervision: supervisionOf(roundOneRule),
                      },
                    };
                  } finally {
                    await roundOne.release();
                  }
                } finally {
                  await rm(dir, { recursive: true, force: true });
                }
                if (showsLesion(used)) steps += await train(used, Math.floor(n.steps / 2));
              }
            }
            // The last round's box samples (used is emptied when nothing shows a lesion).
            counts.boxesUsed = Math.max(0, used.length - samples.length);
            const dice = steps > 0 ? quickValidate(model, test).dice : starterDice;
            // The promotion gate, as far as Dice goes: the candidate replaces the starter only if
            // its box Dice on the validation masks is not lower (else the project keeps the
            // starter, and so its test Dice).
            const validationDice =
              steps > 0 ? quickValidate(model, validation).dice : starterValidationDice;
            const promoted = steps > 0 && validationDice >= starterValidationDice;
            measured = {
              dice,
              samples: used.length,
              steps,
              boxUse,
              gate: {
                validationDice,
                starterValidationDice,
                promoted,
                dice: promoted ? dice : starterDice,
              },
            };
          } finally {
            model.dispose();
            phaseSeconds.fineTuning += (performance.now() - t0) / 1000;
          }
          fineTuned.set(key, measured);
        } else counts.boxesUsed = Math.max(0, measured.samples - samples.length);
        if (name === 'masks only' && minutes === compareAt)
          humanAtCompare = {
            samples: [...samples],
            masks: counts.masks,
            bought: bought.purchases.length,
            dice: measured.dice,
          };
        points.push({
          minutes,
          annotatorSeconds: bought.seconds,
          images: bought.purchases.length,
          poolExhausted: bought.poolExhausted,
          ...counts,
          tagMeanConfidence: Number.isFinite(tags.meanConfidence) ? tags.meanConfidence : null,
          samples: measured.samples,
          /** Optimizer steps the fine-tuning ran (equal compute: about fineTuneSteps). */
          steps: measured.steps,
          dice: measured.dice,
          /** Per round (starter's, then round 1's box masks): the check and the boxes it let train. */
          boxUse: measured.boxUse,
          /** Whether the candidate passes the gate on the validation masks; dice: what the project keeps. */
          gate: measured.gate,
        });
      }
      strategies.push({ name, phases, points });
      log(
        `pool seed ${poolSeed}: ${name}: Dice ${points.map((p) => (p['dice'] as number).toFixed(3)).join(' / ')} (${Math.round((performance.now() - started) / 1000)} s so far)`,
      );
    }

    const at = (name: string, minutes: number) =>
      ((
        strategies.find((s) => s.name === name)?.points as Record<string, unknown>[] | undefined
      )?.find((p) => p.minutes === minutes)?.dice as number | undefined) ?? null;
    const gatedAt = (name: string, minutes: number) =>
      ((
        (
          strategies.find((s) => s.name === name)?.points as Record<string, unknown>[] | undefined
        )?.find((p) => p.minutes === minutes)?.gate as GateOutcome | undefined
      )?.dice as number | undefined) ?? null;
    const compareBy = (read: typeof at) => {
      const masksOnly = read('masks only', compareAt);
      let best: { name: string; dice: number } | null = null;
      for (const s of strategies.filter((x) => x.name !== 'masks only')) {
        const d = read(s.name as string, compareAt);
        if (d !== null && (!best || d > best.dice)) best = { name: s.name as string, dice: d };
      }
      return { masksOnly, best };
    };
    const { masksOnly, best } = compareBy(at);
    const gated = compareBy(gatedAt);
    // Self-training on vs off, the same human labels ('masks only' at the comparison budget).
    const human = humanAtCompare as NonNullable<typeof humanAtCompare> | null;
    const selfTraining = human
      ? await timed('selfTraining', () =>
          measureSelfTraining({
            predictor,
            checkpoint,
            minutes: compareAt,
            humanSamples: human.samples,
            humanMasks: human.masks,
            // 'masks only' labels the pool in order: everything after the bought images is unlabeled.
            unlabeled: pool.slice(human.bought),
            test,
            offDice: human.dice,
            policy: {
              ...TRAINER_CONFIGS.product.selfTraining,
              ...(n.selfTrainingImages !== null ? { maxImagesPerRound: n.selfTrainingImages } : {}),
            },
            steps: n.steps,
            batchSize,
          }),
        )
      : null;
    const plots: string[] = [];
    if (!options.smoke && domain === 'synthetic') {
      await plotLines({
        title: 'Held-out box Dice at equal annotator time (synthetic FA, starter fine-tuned)',
        xTitle: 'modelled annotator minutes',
        yTitle: 'held-out Dice (box prompt)',
        series: strategies.map((s) => ({
          name: s.name as string,
          points: [
            { x: 0, y: starterDice },
            ...(s.points as { minutes: number; dice: number }[]).map((p) => ({
              x: p.minutes,
              y: p.dice,
            })),
          ],
        })),
        outFile: join(options.resultsDir, 'weak-budget.png'),
      });
      plots.push('weak-budget.png');
    }
    const clicks = costs.flatMap((c) => c.objectClicks);
    return {
      domain,
      poolSeed,
      /** How boxes trained where the box rule was not trusted (BudgetBenchOptions.untrustedBoxes). */
      untrustedBoxes,
      pool: {
        images: n.pool,
        objects: clicks.length,
        absentImages: costs.filter((c) => c.objectClicks.length === 0).length,
      },
      testObjects: test.length,
      /** The trainer's box rule: its bar, the validation objects, the starter's check. */
      boxRule: {
        policy: TRAINER_CONFIGS.product.boxRule,
        validationObjects: validation.length,
        starter: starterCheck ? await starterCheck : null,
      },
      meanClicksPerMask: mean(clicks),
      fineTuneSteps: n.steps,
      starterDice,
      strategies,
      comparison: {
        minutes: compareAt,
        masksOnly,
        best,
        gainPoints: masksOnly !== null && best ? 100 * (best.dice - masksOnly) : null,
        /** The same after the promotion gate (points[].gate.dice: a refused candidate keeps the starter). */
        gated: {
          masksOnly: gated.masksOnly,
          best: gated.best,
          gainPoints:
            gated.masksOnly !== null && gated.best
              ? 100 * (gated.best.dice - gated.masksOnly)
              : null,
        },
      },
      selfTraining,
      plots,
      phaseSeconds,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await predictor.release();
  }
}

/**
 * Strategies measured on the new domain by default: the tag strategies need a classifier and
 * candidate prompts per pool (the slowest phase on DRIVE-sized images), so they are left to
 * `strategies` (bench:weak --new-domain-strategies all) until the run is cheaper.
 */
export const NEW_DOMAIN_STRATEGIES = ['masks only', 'boxes only', 'masks 50% + boxes 50%'];

/**
 * The budget comparison on the new domain, once per pool seed (NEW_DOMAIN_POOL_SEEDS), with the
 * spread over seeds: the best mix is the strategy with the highest mean Dice at the comparison
 * budget, and self-training counts as "not lower" when its mean gain is at least minus one sd.
 */
export async function runWeakBudgetOnNewDomain(
  options: Omit<BudgetBenchOptions, 'domain' | 'poolSeed'>,
  log: (line: string) => void = (line) => console.log(line),
): Promise<Record<string, unknown>> {
  const started = performance.now();
  const seeds = options.smoke ? NEW_DOMAIN_POOL_SEEDS.slice(0, 1) : NEW_DOMAIN_POOL_SEEDS;
  const names = options.strategies ?? NEW_DOMAIN_STRATEGIES;
  const perSeed: Record<string, unknown>[] = [];
  for (const poolSeed of seeds) {
    const result = await runWeakBudgetBench({
      ...options,
      domain: 'new',
      poolSeed,
      strategies: names,
      log,
    });
    perSeed.push(result);
    const comparison = result['comparison'] as { gainPoints: number | null; best: unknown };
    log(
      `[bench] weak/new domain, pool seed ${poolSeed}: best mix vs masks only ${comparison.gainPoints?.toFixed(2) ?? '-'} points (${Math.round(result['seconds'] as number)} s)`,
    );
  }
  type Point = { minutes: number; dice: number; gate?: GateOutcome };
  type Strategy = { name: string; points: Point[] };
  const compareAt = (perSeed[0]!['comparison'] as { minutes: number }).minutes;
  const pointAt = (result: Record<string, unknown>, name: string) =>
    (result['strategies'] as Strategy[])
      .find((s) => s.name === name)
      ?.points.find((p) => p.minutes === compareAt);
  const diceAt = (result: Record<string, unknown>, name: string) =>
    pointAt(result, name)?.dice ?? Number.NaN;
  const gatedDiceAt = (result: Record<string, unknown>, name: string) =>
    pointAt(result, name)?.gate?.dice ?? Number.NaN;
  const strategies = names.map((name) => {
    const dice = perSeed.map((r) => diceAt(r, name));
    const gatedDice = perSeed.map((r) => gatedDiceAt(r, name));
    return { name, dice, diceSpread: spread(dice), gatedDice, gatedDiceSpread: spread(gatedDice) };
  });
  const mixesBy = (read: (s: (typeof strategies)[number]) => number[]) => {
    const masksOnly = read(strategies.find((s) => s.name === 'masks only')!);
    return strategies
      .filter((s) => s.name !== 'masks only')
      .map((s) => {
        const gainPoints = read(s).map((d, i) => 100 * (d - (masksOnly[i] as number)));
        return { name: s.name, gainPoints, gainSpread: spread(gainPoints) };
      });
  };
  const bestOf = (mixes: ReturnType<typeof mixesBy>) =>
    mixes.reduce((a, b) => (b.gainSpread.mean > a.gainSpread.mean ? b : a));
  const mixes = mixesBy((s) => s.dice);
  const best = bestOf(mixes);
  const gatedMixes = mixesBy((s) => s.gatedDice);
  const gatedBest = bestOf(gatedMixes);
  const selfGains = perSeed
    .map((r) => (r['selfTraining'] as { gainPoints?: number } | null)?.gainPoints)
    .filter((g): g is number => typeof g === 'number' && Number.isFinite(g));
  const selfTraining: { gainPoints: number[]; gainSpread: Spread; notLower: boolean } | null =
    selfGains.length
      ? (() => {
          const gainSpread = spread(selfGains);
          return { gainPoints: selfGains, gainSpread, notLower: gainSpread.mean >= -gainSpread.sd };
        })()
      : null;
  return {
    domain: 'new',
    /** How boxes trained where the box rule was not trusted (BudgetBenchOptions.untrustedBoxes). */
    untrustedBoxes: options.untrustedBoxes ?? TRAINER_CONFIGS.product.untrustedBoxes,
    poolSeeds: seeds,
    minutes: compareAt,
    strategyNames: names,
    strategies,
    comparison: {
      minutes: compareAt,
      best: best.name,
      gainPoints: best.gainSpread.mean,
      gainSpread: best.gainSpread,
      perMix: mixes,
      /** The same after the promotion gate (a refused candidate keeps the starter). */
      gated: {
        best: gatedBest.name,
        gainPoints: gatedBest.gainSpread.mean,
        gainSpread: gatedBest.gainSpread,
        perMix: gatedMixes,
      },
    },
    selfTraining,
    perSeed,
    seconds: (performance.now() - started) / 1000,
  };
}
