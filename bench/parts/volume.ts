/**
 * Volume bench (#14): one box + propagation through a 3-D volume vs a box on every slice, on
 * synthetic volumes (libs/model generateSyntheticVolumes: lesions that appear, grow, drift, split
 * and vanish), with the starter model run by onnxruntime-web's wasm backend on 1 thread (the
 * browser's runtime) in Node, not yet in headless Chromium. The propagation is the page's own loop
 * (libs/prompts propagateVolume, the same thresholds), prompting each slice with the previous
 * slice's mask as a dilated box and an interior click (no mask prompt yet: the decoder on main has
 * no mask input).
 *
 * The simulated annotator: a tight box on the slice where the lesion is largest, Propagate, then
 * while some slice's Dice is below SLICE_ACCEPT_DICE (worst first, at most MAX_CORRECTIONS): a
 * corrective box on that slice (or erasing it, where the lesion is absent), from which the page
 * re-propagates by itself. Each box, erase and Propagate press counts as one action. Box per slice:
 * a tight box on every slice the lesion covers, one action each.
 *
 *   npm run bench:volume [-- --quick]
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  generateSyntheticVolumes,
  openModelDir,
  pasteOutputProbabilities,
  type SamPredictor,
  type SyntheticVolume,
  type VolumeLesion,
} from '@loupe/model/node';
import {
  boxFromMask,
  DEFAULT_PROPAGATION,
  propagateVolume,
  thresholdProbabilities,
  type Box,
  type ClickPrompt,
  type SliceMask,
} from '@loupe/prompts';
import * as ortWebModule from 'onnxruntime-web';
import { repoRoot } from '../lib/repo-root';

/** A slice counts as acceptable without an edit at this Dice with the truth or better. */
export const SLICE_ACCEPT_DICE = 0.8;
const MAX_CORRECTIONS = 8;
/** Never used to train the starter (train:starter uses seeds 1001-1003). */
const SEED = 4_401;

interface VolumeBenchOptions {
  quick?: boolean;
  smoke?: boolean;
}

function sizes(options: VolumeBenchOptions) {
  if (options.smoke) return { volumes: 1, size: 96, depth: 16 };
  if (options.quick) return { volumes: 4, size: 128, depth: 64 };
  return { volumes: 12, size: 128, depth: 64 };
}

/**
 * The annotate page's rule (annotation-state defaultOutput): a box alone takes the multimask
 * output with the highest predicted IoU, a box with clicks the single-mask output.
 */
function chosenOutput(iou: readonly number[], clicks: number): number {
  if (clicks > 0 || iou.length < 2) return 0;
  let best = 1;
  for (let i = 2; i < iou.length; i++) if ((iou[i] as number) > (iou[best] as number)) best = i;
  return best;
}

function sliceDice(a: Uint8Array | undefined, b: Uint8Array | undefined): number {
  let inter = 0;
  let sa = 0;
  let sb = 0;
  const n = a?.length ?? b?.length ?? 0;
  for (let i = 0; i < n; i++) {
    const x = a?.[i] ?? 0;
    const y = b?.[i] ?? 0;
    sa += x;
    sb += y;
    inter += x & y;
  }
  return sa + sb === 0 ? 1 : (2 * inter) / (sa + sb);
}

/** Dice over the whole volume (all slices), prediction by slice (absent = empty). */
function volumeDice(lesion: VolumeLesion, predicted: ReadonlyMap<number, Uint8Array>): number {
  let inter = 0;
  let sum = 0;
  lesion.masks.forEach((truth, k) => {
    const p = predicted.get(k);
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i] as number;
      const q = p ? (p[i] as number) : 0;
      inter += t & q;
      sum += t + q;
    }
  });
  return sum === 0 ? 1 : (2 * inter) / sum;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

function slicePredictor(predictor: SamPredictor, volume: SyntheticVolume) {
  const { width, height } = volume;
  let runs = 0;
  let ms = 0;
  const predict = async (k: number, box: Box, clicks: readonly ClickPrompt[] = []) => {
    const t0 = performance.now();
    const prediction = await predictor.predict(
      { pixels: volume.slices[k]!, width, height, channels: 1 },
      box,
      clicks,
    );
    const index = chosenOutput(prediction.iouPredictions, clicks.length);
    const probabilities = pasteOutputProbabilities(prediction, index);
    const mask = thresholdProbabilities(probabilities, width, height, 0.5).data;
    ms += performance.now() - t0;
    runs += 1;
    return { mask, iou: prediction.iouPredictions[index] ?? 0 };
  };
  return { predict, stats: () => ({ runs, ms }) };
}

/** The lesion's slice with the most pixels (where the annotator boxes it). */
function largestTruthSlice(lesion: VolumeLesion): number {
  let best = lesion.first;
  let bestArea = -1;
  lesion.masks.forEach((m, k) => {
    const area = m.reduce((n, v) => n + v, 0);
    if (area > bestArea) [best, bestArea] = [k, area];
  });
  return best;
}

async function boxPerSlice(
  predict: ReturnType<typeof slicePredictor>['predict'],
  lesion: VolumeLesion,
  volume: SyntheticVolume,
) {
  const masks = new Map<number, Uint8Array>();
  for (let k = lesion.first; k <= lesion.last; k++) {
    const truth = { width: volume.width, height: volume.height, data: lesion.masks[k]! };
    masks.set(k, (await predict(k, boxFromMask(truth))).mask);
  }
  return { dice: volumeDice(lesion, masks), actions: lesion.last - lesion.first + 1 };
}

async function boxAndPropagate(
  predict: ReturnType<typeof slicePredictor>['predict'],
  lesion: VolumeLesion,
  volume: SyntheticVolume,
) {
  const { width, height, depth } = volume;
  const slices = new Map<number, SliceMask>();
  const propagate = async (from: number) => {
    const result = await propagateVolume({
      width,
      height,
      depth,
      from,
      masks: slices,
      predict: (k, prompt) => predict(k, prompt.box, prompt.clicks),
    });
    for (const [k, mask] of result.masks) slices.set(k, { mask, origin: 'propagated' });
    for (const k of result.cleared) slices.delete(k);
  };
  const predicted = () =>
    new Map(
      [...slices]
        .filter(([, s]) => s.mask.some((v) => v === 1))
        .map(([k, s]) => [k, s.mask] as const),
    );

  const seed = largestTruthSlice(lesion);
  const seedBox = boxFromMask({ width, height, data: lesion.masks[seed]! });
  slices.set(seed, { mask: (await predict(seed, seedBox)).mask, origin: 'prompted' });
  await propagate(seed);
  let actions = 2; // the box, then Propagate
  const oneBoxDice = volumeDice(lesion, predicted());

  let corrections = 0;
  for (; corrections < MAX_CORRECTIONS; corrections++) {
    // The worst slice the annotator would not accept (touched slices are the annotator's own).
    let worst = -1;
    let worstDice = SLICE_ACCEPT_DICE;
    for (let k = 0; k < depth; k++) {
      const s = slices.get(k);
      if (s && s.origin !== 'propagated') continue;
      const d = sliceDice(s?.mask, lesion.masks[k]);
      if (d < worstDice) [worst, worstDice] = [k, d];
    }
    if (worst < 0) break;
    const truth = lesion.masks[worst]!;
    if (truth.some((v) => v === 1)) {
      const box = boxFromMask({ width, height, data: truth });
      // The page re-propagates from a corrected slice by itself: one action.
      slices.set(worst, { mask: (await predict(worst, box)).mask, origin: 'edited' });
      await propagate(worst);
      actions += 1;
    } else {
      // The lesion is not on this slice: erase what propagation put there (an empty edited slice
      // also stops later runs from coming back).
      slices.set(worst, { mask: new Uint8Array(width * height), origin: 'edited' });
      actions += 1;
    }
  }
  const covered = new Set<number>();
  lesion.masks.forEach((m, k) => m.some((v) => v === 1) && covered.add(k));
  for (const [k, s] of slices) if (s.mask.some((v) => v === 1)) covered.add(k);
  const untouched = [...covered].filter((k) => slices.get(k)?.origin === 'propagated').length;
  return {
    oneBoxDice,
    correctedDice: volumeDice(lesion, predicted()),
    actions,
    corrections,
    coveredSlices: covered.size,
    slicesWithoutEdit: untouched,
  };
}

/** Propagation through every slice of a lesion spanning the whole volume: the speed figure. */
async function propagationTime(predictor: SamPredictor, size: number, depth: number) {
  const [tube] = generateSyntheticVolumes(1, {
    size,
    depth: depth + 8,
    lesions: [1, 1],
    span: [depth + 8, depth + 8],
    splitChance: 0,
    radius: [size / 8, size / 8],
    seed: SEED + 1,
  });
  const volume = tube!;
  const lesion = volume.lesions[0]!;
  // The `depth` slices in the middle of the tube, where the lesion is big enough to follow.
  const start = Math.max(lesion.first, Math.floor((volume.depth - depth) / 2));
  const { predict } = slicePredictor(predictor, volume);
  const seedMask = (
    await predict(start, boxFromMask({ width: size, height: size, data: lesion.masks[start]! }))
  ).mask;
  const t0 = performance.now();
  const result = await propagateVolume({
    width: size,
    height: size,
    depth: start + depth,
    from: start,
    masks: new Map([[start, { mask: seedMask, origin: 'prompted' }]]),
    predict: (k, prompt) => predict(k, prompt.box, prompt.clicks),
    directions: [1],
    // Follow every slice: this measures speed, not where the lesion ends.
    thresholds: { minIou: -1, minArea: 1, minAreaRatio: 0, maxAreaRatio: Infinity, minOverlap: 0 },
  });
  const ms = performance.now() - t0;
  const slices = result.predictions + 1;
  return {
    slices,
    propagationMs: round(ms, 1),
    msPerSlice: round(ms / Math.max(1, result.predictions), 2),
    // The seed slice's own prediction is the box the annotator drew; 64 slices = seed + 63 steps.
    per64SlicesMs: round((ms / Math.max(1, result.predictions)) * 63, 1),
  };
}

export async function runVolumeBench(
  options: VolumeBenchOptions,
): Promise<Record<string, unknown>> {
  const size = sizes(options);
  const modelDir = join(repoRoot, 'models', 'starter');
  ortWebModule.env.wasm.numThreads = 1;
  // The browser's runtime (onnxruntime-web, wasm) in Node.
  const predictor = await openModelDir(modelDir, { ort: ortWebModule });
  try {
    const volumes = generateSyntheticVolumes(size.volumes, {
      size: size.size,
      depth: size.depth,
      seed: SEED,
    });
    const perLesion: Record<string, number | string>[] = [];
    const perVolume: { propagationActions: number; boxPerSliceActions: number }[] = [];
    let predictionMs = 0;
    let predictionRuns = 0;
    for (const [v, volume] of volumes.entries()) {
      const model = slicePredictor(predictor, volume);
      let propagationActions = 0;
      let boxActions = 0;
      for (const [l, lesion] of volume.lesions.entries()) {
        const baseline = await boxPerSlice(model.predict, lesion, volume);
        const ours = await boxAndPropagate(model.predict, lesion, volume);
        propagationActions += ours.actions;
        boxActions += baseline.actions;
        perLesion.push({
          volume: v,
          lesion: l,
          slices: lesion.last - lesion.first + 1,
          split: lesion.splitAt === null ? 'no' : 'yes',
          boxPerSliceDice: round(baseline.dice),
          oneBoxPropagationDice: round(ours.oneBoxDice),
          afterCorrectionsDice: round(ours.correctedDice),
          corrections: ours.corrections,
          actions: ours.actions,
          boxPerSliceActions: baseline.actions,
          coveredSlices: ours.coveredSlices,
          slicesWithoutEdit: ours.slicesWithoutEdit,
        });
      }
      perVolume.push({ propagationActions, boxPerSliceActions: boxActions });
      const stats = model.stats();
      predictionMs += stats.ms;
      predictionRuns += stats.runs;
    }
    const pick = (key: string) => perLesion.map((r) => r[key] as number);
    const covered = pick('coveredSlices').reduce((a, b) => a + b, 0);
    const withoutEdit = pick('slicesWithoutEdit').reduce((a, b) => a + b, 0);
    const actions = mean(perVolume.map((p) => p.propagationActions));
    const boxActions = mean(perVolume.map((p) => p.boxPerSliceActions));
    const speed = await propagationTime(predictor, size.size, Math.min(64, size.depth));
    return {
      model: 'starter',
      runtime: 'onnxruntime-web (wasm, 1 thread) in Node',
      volumes: size.volumes,
      lesions: perLesion.length,
      size: size.size,
      depth: size.depth,
      sliceAcceptDice: SLICE_ACCEPT_DICE,
      maxCorrections: MAX_CORRECTIONS,
      thresholds: DEFAULT_PROPAGATION,
      volumeDice: {
        oneBoxPropagation: round(mean(pick('oneBoxPropagationDice'))),
        boxPerSlice: round(mean(pick('boxPerSliceDice'))),
        afterCorrections: round(mean(pick('afterCorrectionsDice'))),
      },
      slicesWithoutEditShare: round(withoutEdit / Math.max(1, covered)),
      actionsPerVolume: {
        propagation: round(actions, 2),
        boxPerSlice: round(boxActions, 2),
        ratio: round(actions / Math.max(1, boxActions)),
      },
      meanPredictionMs: round(predictionMs / Math.max(1, predictionRuns), 2),
      propagation64: speed,
      perLesion,
      notes: [
        `Synthetic volumes: generateSyntheticVolumes(${size.volumes}, { size: ${size.size}, depth: ${size.depth}, seed: ${SEED} }); textured background only (stacked real backgrounds not yet).`,
        'Model: models/starter, run by onnxruntime-web wasm with 1 thread in Node (the browser runtime; headless Chromium timing not yet).',
        'Each slice is prompted with the previous mask as a dilated box plus a positive click on its deepest point; no mask-logit prompt (the decoder on main has no mask input).',
        `Actions: every box, erase and Propagate press is one (a corrective box re-propagates by itself, as on the page); box per slice is one box per slice the lesion covers. A slice is accepted without edit if propagation made it and it was never corrected; corrections go worst slice first while any slice has Dice < ${SLICE_ACCEPT_DICE} (at most ${MAX_CORRECTIONS}).`,
      ],
    };
  } finally {
    await predictor.release();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runVolumeBench({ quick: process.argv.includes('--quick') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
