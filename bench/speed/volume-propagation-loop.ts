/**
 * The volume bench's model loop, browser-safe so that the same code runs in Node (bench/parts/
 * volume.ts) and in headless Chromium (bench/speed/ort-propagation-worker.ts): each slice through
 * SamPredictor as the page's worker runs it, and the 64-slice propagation timing.
 */
import {
  disposeEmbedding,
  generateSyntheticVolumes,
  pasteOutputProbabilities,
  type DecoderOutput,
  type SamPredictor,
  type SyntheticVolume,
} from '@loupe/model';
import {
  boxFromMask,
  forceClicks,
  propagateVolume,
  resampleLogits,
  thresholdProbabilities,
  type Box,
  type ClickPrompt,
  type MaskLogits,
  type SlicePrediction,
} from '@loupe/prompts';

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The annotate page's rule (annotation-state defaultOutput): a box alone takes the multimask
 * output with the highest predicted IoU, a box with clicks the single-mask output.
 */
export function chosenOutput(iou: readonly number[], clicks: number): number {
  if (clicks > 0 || iou.length < 2) return 0;
  let best = 1;
  for (let i = 2; i < iou.length; i++) if ((iou[i] as number) > (iou[best] as number)) best = i;
  return best;
}

/**
 * One slice through the model, as the page's worker does it: crop + encoder around the box, the
 * previous slice's logits moved into this crop as mask prompt (models that take one), decoder,
 * the page's output choice, pasted to slice pixels. Times each stage.
 */
export function slicePredictor(predictor: SamPredictor, volume: SyntheticVolume) {
  const { width, height } = volume;
  const maskSize = predictor.manifest.maskSize;
  let runs = 0;
  let maskPrompts = 0;
  const ms = { total: 0, encoder: 0, decoder: 0, other: 0 };
  const predict = async (
    k: number,
    box: Box,
    clicks: readonly ClickPrompt[] = [],
    previous: MaskLogits | null = null,
  ): Promise<SlicePrediction> => {
    const t0 = performance.now();
    const embedding = await predictor.embed(
      { pixels: volume.slices[k]!, width, height, channels: 1 },
      box,
    );
    const t1 = performance.now();
    const maskInput =
      previous && predictor.acceptsMaskPrompt
        ? resampleLogits(previous.values, previous.maskSize, previous.crop, embedding.crop)
        : null;
    let output: DecoderOutput;
    try {
      output = await predictor.decodeLogits(embedding, box, clicks, { maskInput });
    } finally {
      disposeEmbedding(embedding);
    }
    const t2 = performance.now();
    if (output.usedMaskPrompt) maskPrompts += 1;
    const index = chosenOutput(output.iouPredictions, clicks.length);
    const probabilities = forceClicks(
      pasteOutputProbabilities(output, index),
      width,
      height,
      clicks,
    );
    const mask = thresholdProbabilities(probabilities, width, height, 0.5).data;
    const t3 = performance.now();
    ms.encoder += t1 - t0;
    ms.decoder += t2 - t1;
    ms.other += t3 - t2;
    ms.total += t3 - t0;
    runs += 1;
    return {
      mask,
      iou: output.iouPredictions[index] ?? 0,
      logits: { values: output.lowResLogits[index]!, maskSize, crop: output.crop },
    };
  };
  return { predict, stats: () => ({ runs, maskPrompts, ms: { ...ms } }) };
}

/**
 * Propagation through every slice of a lesion spanning the whole volume: the speed figure. `cpuMs`
 * (where the runtime can tell: Node) is this process's CPU time, which a loaded machine inflates
 * far less than the wall time.
 */
export async function propagationTime(
  predictor: SamPredictor,
  size: number,
  depth: number,
  seed: number,
  cpuMs: () => number | null = () => null,
) {
  const [tube] = generateSyntheticVolumes(1, {
    size,
    depth: depth + 8,
    lesions: [1, 1],
    span: [depth + 8, depth + 8],
    splitChance: 0,
    radius: [size / 8, size / 8],
    seed,
  });
  const volume = tube!;
  const lesion = volume.lesions[0]!;
  // The `depth` slices in the middle of the tube, where the lesion is big enough to follow.
  const start = Math.max(lesion.first, Math.floor((volume.depth - depth) / 2));
  const model = slicePredictor(predictor, volume);
  const prompted = await model.predict(
    start,
    boxFromMask({ width: size, height: size, data: lesion.masks[start]! }),
  );
  const before = model.stats().ms;
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const result = await propagateVolume({
    width: size,
    height: size,
    depth: start + depth,
    from: start,
    masks: new Map([[start, { mask: prompted.mask, origin: 'prompted' }]]),
    seedLogits: prompted.logits ?? null,
    predict: (k, prompt) => model.predict(k, prompt.box, prompt.clicks, prompt.maskInput),
    // The contrast stop's work is timed too (its threshold never stops the walk here).
    image: (k) => ({ pixels: volume.slices[k]!, width: size, height: size, channels: 1 }),
    directions: [1],
    // Follow every slice: this measures speed, not where the lesion ends.
    thresholds: {
      minIou: -1,
      minArea: 1,
      minAreaRatio: 0,
      maxAreaRatio: Infinity,
      minOverlap: 0,
      minContrastRatio: -1e9,
    },
  });
  const ms = performance.now() - t0;
  const cpu1 = cpuMs();
  const after = model.stats().ms;
  const steps = Math.max(1, result.predictions);
  const slices = result.predictions + 1;
  return {
    slices,
    propagationMs: round(ms, 1),
    msPerSlice: round(ms / steps, 2),
    // The seed slice's own prediction is the box the annotator drew; 64 slices = seed + 63 steps.
    per64SlicesMs: round((ms / steps) * 63, 1),
    per64SlicesCpuMs:
      cpu0 === null || cpu1 === null ? null : round(((cpu1 - cpu0) / steps) * 63, 1),
    // Where a slice's time goes: encoder, decoder, pasting + thresholding, and the loop itself
    // (boxes, interior point, stop checks, resampling the mask prompt).
    perSliceMs: {
      encoder: round((after.encoder - before.encoder) / steps, 2),
      decoder: round((after.decoder - before.decoder) / steps, 2),
      paste: round((after.other - before.other) / steps, 2),
      loop: round((ms - (after.total - before.total)) / steps, 2),
    },
  };
}
