/**
 * The volume bench's model loop, browser-safe so that the same code runs in Node (bench/parts/
 * volume.ts) and in headless Chromium (bench/speed/ort-propagation-worker.ts): each slice through
 * SamPredictor as the page's worker runs it, and the 64-slice propagation timing.
 */
import {
  disposeEmbedding,
  generateSyntheticVolumes,
  pasteOutputProbabilities,
  preprocessCrop,
  toLuminance,
  type CropEmbedding,
  type DecoderOutput,
  type SamPredictor,
  type SyntheticVolume,
} from '@loupe/model';
import {
  boxFromMask,
  computeCrop,
  cropFits,
  ENCODE_AHEAD_TOLERANCE,
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

// Encode-ahead's rule (cropFits, ENCODE_AHEAD_TOLERANCE) lives in libs/prompts: the page's worker
// uses the same one.
export { cropFits, ENCODE_AHEAD_TOLERANCE };

/**
 * One slice through the model, as the page's worker does it: crop + encoder around the box, the
 * previous slice's logits moved into this crop as mask prompt (models that take one), decoder,
 * the page's output choice, pasted to slice pixels. Times each stage (the encoder's share split
 * into crop + preprocessing and the session run). `encodeAhead` embeds slices before they are
 * asked for (what the worker can do while the annotator looks at the seed slice); a prediction
 * uses such an embedding when its crop fits (cropFits), else encodes as usual.
 */
export function slicePredictor(predictor: SamPredictor, volume: SyntheticVolume) {
  const { width, height } = volume;
  const manifest = predictor.manifest;
  const maskSize = manifest.maskSize;
  const geometry = {
    inputSize: manifest.inputSize,
    ...manifest.crop,
    eps: manifest.preprocessing.eps,
  };
  let runs = 0;
  let maskPrompts = 0;
  let aheadHits = 0;
  const ms = {
    total: 0,
    encoder: 0,
    decoder: 0,
    other: 0,
    preprocess: 0,
    encoderRun: 0,
    resample: 0,
    decoderRun: 0,
  };
  const ahead = new Map<number, CropEmbedding>();
  const encode = async (k: number, box: Box): Promise<CropEmbedding> => {
    const t0 = performance.now();
    const luminance = toLuminance(volume.slices[k]!, width, height, 1);
    const { crop, input } = preprocessCrop(luminance, width, height, box, geometry);
    const t1 = performance.now();
    const encoded = await predictor.runEncoder(input);
    ms.preprocess += t1 - t0;
    ms.encoderRun += performance.now() - t1;
    return { crop, imageWidth: width, imageHeight: height, ...encoded };
  };
  const encodeAhead = async (slices: readonly number[], box: Box) => {
    for (const k of slices) {
      const old = ahead.get(k);
      if (old) disposeEmbedding(old);
      ahead.set(k, await encode(k, box));
    }
  };
  const predict = async (
    k: number,
    box: Box,
    clicks: readonly ClickPrompt[] = [],
    previous: MaskLogits | null = null,
  ): Promise<SlicePrediction> => {
    const t0 = performance.now();
    let embedding = ahead.get(k);
    if (embedding) {
      ahead.delete(k);
      if (cropFits(embedding.crop, computeCrop(box, { width, height }, geometry))) aheadHits += 1;
      else {
        disposeEmbedding(embedding);
        embedding = undefined;
      }
    }
    embedding ??= await encode(k, box);
    const t1 = performance.now();
    const maskInput =
      previous && predictor.acceptsMaskPrompt
        ? resampleLogits(previous.values, previous.maskSize, previous.crop, embedding.crop)
        : null;
    const tr = performance.now();
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
    ms.resample += tr - t1;
    ms.decoderRun += t2 - tr;
    ms.other += t3 - t2;
    ms.total += t3 - t0;
    runs += 1;
    return {
      mask,
      iou: output.iouPredictions[index] ?? 0,
      logits: { values: output.lowResLogits[index]!, maskSize, crop: output.crop },
    };
  };
  const release = () => {
    for (const embedding of ahead.values()) disposeEmbedding(embedding);
    ahead.clear();
  };
  return {
    predict,
    encodeAhead,
    release,
    stats: () => ({ runs, maskPrompts, aheadHits, ms: { ...ms } }),
  };
}

/** Dice of predicted masks with the truth over slices [from, to). */
function tubeDice(
  truth: readonly Uint8Array[],
  predicted: ReadonlyMap<number, Uint8Array>,
  from: number,
  to: number,
): number {
  let inter = 0;
  let sum = 0;
  for (let k = from; k < to; k++) {
    const t = truth[k]!;
    const p = predicted.get(k);
    for (let i = 0; i < t.length; i++) {
      const q = p ? (p[i] as number) : 0;
      inter += (t[i] as number) & q;
      sum += (t[i] as number) + q;
    }
  }
  return sum === 0 ? 1 : (2 * inter) / sum;
}

/**
 * Propagation through every slice of a lesion spanning the whole volume: the speed figure, cold
 * (every slice encoded when the loop reaches it, the page's case today; `repeat`: the same run a
 * second time) and warm (the slices
 * encoded ahead in the seed box's crop before Propagate is pressed; the time that took is
 * `encodeAheadMs`, spent while the annotator looks at the seed slice, and not in the warm figure).
 * `cpuMs` (where the runtime can tell: Node's process, or the Chromium processes read from the
 * bench's side) is CPU time, which a loaded machine inflates far less than the wall time.
 */
export async function propagationTime(
  predictor: SamPredictor,
  size: number,
  depth: number,
  seed: number,
  cpuMs: () => number | null | Promise<number | null> = () => null,
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
  const seedBox = boxFromMask({ width: size, height: size, data: lesion.masks[start]! });
  const run = async (warm: boolean) => {
    const model = slicePredictor(predictor, volume);
    try {
      const prompted = await model.predict(start, seedBox);
      let encodeAheadMs: number | null = null;
      if (warm) {
        const a0 = performance.now();
        const ahead = Array.from({ length: depth - 1 }, (_, i) => start + 1 + i);
        await model.encodeAhead(ahead, seedBox);
        encodeAheadMs = performance.now() - a0;
      }
      const before = model.stats();
      const cpu0 = await cpuMs();
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
      const cpu1 = await cpuMs();
      const after = model.stats();
      const steps = Math.max(1, result.predictions);
      const per = (key: keyof typeof after.ms) =>
        round((after.ms[key] - before.ms[key]) / steps, 2);
      const masks = new Map(result.masks).set(start, prompted.mask);
      return {
        slices: result.predictions + 1,
        propagationMs: round(ms, 1),
        msPerSlice: round(ms / steps, 2),
        // The seed slice's own prediction is the box the annotator drew; 64 slices = seed + 63 steps.
        per64SlicesMs: round((ms / steps) * 63, 1),
        per64SlicesCpuMs:
          cpu0 === null || cpu1 === null ? null : round(((cpu1 - cpu0) / steps) * 63, 1),
        // Where a slice's time goes: encoder (crop + preprocessing, then the session run), decoder
        // (moving the previous logits into this crop, then the session run), pasting +
        // thresholding, and the loop itself (boxes, stop checks).
        perSliceMs: {
          encoder: per('encoder'),
          decoder: per('decoder'),
          paste: per('other'),
          loop: round((ms - (after.ms.total - before.ms.total)) / steps, 2),
          encoderPreprocess: per('preprocess'),
          encoderRun: per('encoderRun'),
          decoderResample: per('resample'),
          decoderRun: per('decoderRun'),
        },
        encodeAheadMs: encodeAheadMs === null ? null : round(encodeAheadMs, 1),
        encodedAheadUsed: after.aheadHits - before.aheadHits,
        // The propagated tube against its truth: the warm path must not lose quality.
        volumeDice: round(tubeDice(lesion.masks, masks, start, start + depth)),
      };
    } finally {
      model.release();
    }
  };
  const cold = await run(false);
  // The same cold propagation again: in Chromium the first one after loading also pays V8's
  // tier-up of onnxruntime's wasm (its background optimizing compile runs in the same process and
  // the first runs execute baseline code); the repeat is the steady state.
  const repeat = await run(false);
  const warm = await run(true);
  return {
    ...cold,
    repeat: {
      propagationMs: repeat.propagationMs,
      msPerSlice: repeat.msPerSlice,
      per64SlicesMs: repeat.per64SlicesMs,
      per64SlicesCpuMs: repeat.per64SlicesCpuMs,
      perSliceMs: repeat.perSliceMs,
      volumeDice: repeat.volumeDice,
    },
    warm: {
      propagationMs: warm.propagationMs,
      msPerSlice: warm.msPerSlice,
      per64SlicesMs: warm.per64SlicesMs,
      per64SlicesCpuMs: warm.per64SlicesCpuMs,
      perSliceMs: warm.perSliceMs,
      encodeAheadMs: warm.encodeAheadMs,
      encodedAheadUsed: warm.encodedAheadUsed,
      volumeDice: warm.volumeDice,
      tolerance: ENCODE_AHEAD_TOLERANCE,
    },
  };
}
