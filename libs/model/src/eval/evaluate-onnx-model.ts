/**
 * Evaluates an exported model (the ONNX files the browser runs, via onnxruntime-node): for every
 * connected component of each ground-truth mask, prompt with the component's tight box (encoder +
 * decoder), then let the simulated annotator (libs/prompts runClickSession) click until IoU 0.9 or
 * 20 clicks, reusing the crop embedding (decoder only). Each click's decode gets the previous
 * prediction's low-resolution logits as mask prompt, as the browser does (models without the mask
 * inputs run without), and is merged into the mask shown only around the click (FocalClick's
 * progressive merge), all through SamPredictor.decodeClick, the browser worker's click path.
 * Used by `npm run eval` and by the trainer's validation gate.
 *
 * Click correctness (#13): a click is honoured when its pixel ends inside (positive) / outside
 * (negative) the mask shown right after it; a click is harmful when it lowers IoU by > 0.01.
 */
import {
  CLICK_FORCE_RADIUS,
  connectedComponents,
  dice,
  hausdorff95,
  iou,
  maskBoundingBox,
  nocAt,
  runClickSession,
  summarizeSessions,
  type Box,
  type ClickPrompt,
  type ClickRefineOptions,
  type Mask,
} from '@loupe/prompts';
import { parseManifest, type ModelManifest } from '../contract';
import { createNodePredictor, openModelDir } from '../inference/open-model-dir';
import {
  CLICK_FORCE_LARGE,
  CLICK_REFINE,
  type ClickOptions,
  type ImageInput,
  type SamPredictor,
  type ShownMask,
} from '../inference/sam-predictor';

export interface EvalSample {
  image: ImageInput;
  gtMask: Mask;
  /** Optional identifier carried into perObject. */
  id?: string;
}

export interface PerObjectResult {
  image: string;
  object: number;
  area: number;
  box: Box;
  dice: number;
  iou: number;
  /** null when the proposal is empty (infinite distance). */
  hd95: number | null;
  predictedIou: number;
  iouPerClick: number[];
  noc85: number;
  noc90: number;
  /** Per click: its pixel ends on the side it asked for (runClickSession clickHonoured). */
  clickHonoured: boolean[];
  /** Per click: whether it was a positive click. */
  clickPositive: boolean[];
  /** Per click: its pixel on the asked side in the model's own output (before merge, forceClicks). */
  clickHonouredByModel: boolean[];
}

/** Click correctness over all clicks of all sessions (#13: honoured >= 99 %, harmful <= 1 %). */
export interface ClickCorrectness {
  clicks: number;
  positiveClicks: number;
  negativeClicks: number;
  /** Share of clicks whose pixel ends on the side they asked for. */
  honouredShare: number;
  /** Share of positive clicks whose pixel ends inside the mask. */
  positiveHonouredShare: number;
  /** Share of negative clicks whose pixel ends outside the mask. */
  negativeHonouredShare: number;
  /** Share of clicks after which IoU is lower by more than 0.01 than before the click. */
  harmfulShare: number;
  harmfulClicks: number;
}

/** Threshold of a harmful click: IoU lower by more than this after the click (#13). */
export const HARMFUL_CLICK_IOU_DROP = 0.01;

export function clickCorrectness(
  objects: readonly Pick<PerObjectResult, 'iouPerClick' | 'clickHonoured' | 'clickPositive'>[],
): ClickCorrectness {
  let clicks = 0;
  let positives = 0;
  let honoured = 0;
  let positiveHonoured = 0;
  let negativeHonoured = 0;
  let harmful = 0;
  for (const o of objects) {
    o.clickHonoured.forEach((ok, i) => {
      clicks++;
      const positive = o.clickPositive[i] === true;
      if (positive) positives++;
      if (ok) {
        honoured++;
        if (positive) positiveHonoured++;
        else negativeHonoured++;
      }
      const before = o.iouPerClick[i] as number;
      const after = o.iouPerClick[i + 1] as number;
      if (after < before - HARMFUL_CLICK_IOU_DROP) harmful++;
    });
  }
  const share = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
  return {
    clicks,
    positiveClicks: positives,
    negativeClicks: clicks - positives,
    honouredShare: share(honoured, clicks),
    positiveHonouredShare: share(positiveHonoured, positives),
    negativeHonouredShare: share(negativeHonoured, clicks - positives),
    harmfulShare: share(harmful, clicks),
    harmfulClicks: harmful,
  };
}

export interface EvalSummary {
  /** Means over objects of the box-only proposal. */
  dice: number;
  iou: number;
  /** Mean over objects whose proposal is non-empty. */
  hd95: number;
  noc85: number;
  noc90: number;
  /** Objects that never reach IoU 0.9 within maxClicks. */
  nof90: number;
  images: number;
  objects: number;
  maxClicks: number;
  /** mean IoU after k clicks, k = 0..maxClicks */
  miouAtK: number[];
  /** Whether clicks were decoded with the previous logits as mask prompt (false: older model). */
  maskPrompt: boolean;
  /** Of the masks shown (after the forceClicks post-step, as the browser shows them). */
  clickCorrectness: ClickCorrectness;
  /** The same for the model's own output, before forceClicks (harmfulShare: of shown masks). */
  modelClickCorrectness: ClickCorrectness;
  /** Radius (image px) of forceClicks; 0 = none. */
  clickForceRadius: number;
  /** The wider forcing on large objects' clicks (decodeClick's largeObjectForce; null: none). */
  clickForceLarge: { minArea: number; radius: number } | null;
  /** Whether each click's output was merged into the mask shown (SamPredictor.decodeClick). */
  progressiveMerge: boolean;
  /** decodeClick's full-resolution click refinement (null: off). */
  clickRefine: ClickRefineOptions | null;
}

export interface EvaluateOptions {
  samples: EvalSample[];
  modelDir?: string;
  predictor?: SamPredictor;
  model?: { manifest: ModelManifest | unknown; encoder: Uint8Array; decoder: Uint8Array };
  maxClicks?: number;
  /** Skip components smaller than this many pixels (default 1: none skipped). */
  minObjectArea?: number;
  /** Feed the previous logits as mask prompt on every click (default true; as the browser does). */
  maskPrompt?: boolean;
  /** forceClicks radius (default CLICK_FORCE_RADIUS, as the browser; 0: the model's own masks). */
  clickRadius?: number;
  /** FocalClick's progressive merge of each click (default true, as the browser; false: off). */
  progressiveMerge?: boolean;
  /** decodeClick's merge tuning (window, whole-mask acceptance, ...); default: the browser's. */
  clickOptions?: Pick<
    ClickOptions,
    'mergeOptions' | 'unmergedClicks' | 'maskPromptSource' | 'largeObjectForce' | 'refine'
  >;
  onProgress?: (done: number, total: number) => void;
}

export async function evaluateOnnxModel(
  options: EvaluateOptions,
): Promise<EvalSummary & { summary: EvalSummary; perObject: PerObjectResult[] }> {
  const maxClicks = options.maxClicks ?? 20;
  const owned = !options.predictor;
  const predictor =
    options.predictor ??
    (options.modelDir
      ? await openModelDir(options.modelDir)
      : options.model
        ? await createNodePredictor({
            ...options.model,
            manifest: parseManifest(options.model.manifest),
          })
        : null);
  if (!predictor)
    throw new Error(
      'evaluateOnnxModel: give modelDir, predictor or model {manifest, encoder, decoder}',
    );
  const perObject: PerObjectResult[] = [];
  const useMaskPrompt = (options.maskPrompt ?? true) && predictor.acceptsMaskPrompt;
  const clickRadius = options.clickRadius ?? CLICK_FORCE_RADIUS;
  const useMerge = options.progressiveMerge ?? true;
  try {
    let imageIndex = 0;
    for (const sample of options.samples) {
      const id = sample.id ?? String(imageIndex);
      const components = connectedComponents(sample.gtMask, 8).filter(
        (c) => c.data.reduce((a, v) => a + v, 0) >= (options.minObjectArea ?? 1),
      );
      for (let k = 0; k < components.length; k++) {
        const gt = components[k] as Mask;
        const box = maskBoundingBox(gt) as Box;
        const embedding = await predictor.embed(sample.image, box);
        const first = await predictor.decode(embedding, box, []);
        // The mask shown last (logits + probabilities): what the next click corrects.
        let shown: ShownMask = {
          logits: first.lowResLogits[0] as Float32Array,
          probabilities: first.probabilities,
        };
        // Whether the model alone (before merge and forceClicks) honoured each click.
        const honouredByModel: boolean[] = [];
        const predict = async (b: Box | null, clicks: ClickPrompt[]) => {
          if (clicks.length === 0) return first.probabilities;
          // THE click path (SamPredictor.decodeClick), as the browser worker runs it.
          const next = await predictor.decodeClick(embedding, b, clicks, shown, {
            maskPrompt: useMaskPrompt,
            ...options.clickOptions,
            merge: useMerge,
            clickRadius: options.clickRadius,
          });
          shown = next.shown;
          honouredByModel.push(next.modelHonoured === true);
          return next.probabilities;
        };
        const session = await runClickSession({ gt, box, predict, maxClicks, targetIou: 0.9 });
        const hd = hausdorff95(first.mask, gt);
        perObject.push({
          image: id,
          object: k,
          area: gt.data.reduce((a, v) => a + v, 0),
          box,
          dice: dice(first.mask, gt),
          iou: iou(first.mask, gt),
          hd95: Number.isFinite(hd) ? hd : null,
          predictedIou: first.iouPredictions[0] as number,
          iouPerClick: session.iouPerClick,
          noc85: nocAt(session.iouPerClick, 0.85, maxClicks),
          noc90: nocAt(session.iouPerClick, 0.9, maxClicks),
          clickHonoured: session.clickHonoured,
          clickHonouredByModel: honouredByModel,
          clickPositive: session.clicks.map((c) => c.positive),
        });
      }
      imageIndex++;
      options.onProgress?.(imageIndex, options.samples.length);
    }
  } finally {
    if (owned) await predictor.release();
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const sessions = summarizeSessions(perObject, maxClicks);
  const summary: EvalSummary = {
    dice: mean(perObject.map((o) => o.dice)),
    iou: mean(perObject.map((o) => o.iou)),
    hd95: mean(perObject.flatMap((o) => (o.hd95 === null ? [] : [o.hd95]))),
    noc85: sessions.noc85,
    noc90: sessions.noc90,
    nof90: sessions.nof90,
    images: options.samples.length,
    objects: perObject.length,
    maxClicks,
    miouAtK: sessions.miouAtK,
    maskPrompt: useMaskPrompt,
    clickCorrectness: clickCorrectness(perObject),
    modelClickCorrectness: clickCorrectness(
      perObject.map((o) => ({ ...o, clickHonoured: o.clickHonouredByModel })),
    ),
    clickForceRadius: clickRadius,
    clickForceLarge:
      options.clickRadius !== undefined
        ? null
        : options.clickOptions?.largeObjectForce === undefined
          ? CLICK_FORCE_LARGE
          : options.clickOptions.largeObjectForce,
    progressiveMerge: useMerge,
    clickRefine: useMerge
      ? options.clickOptions?.refine === undefined
        ? CLICK_REFINE
        : options.clickOptions.refine
      : null,
  };
  return { ...summary, summary, perObject };
}
