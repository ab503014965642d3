/**
 * Evaluates an exported model (the ONNX files the browser runs, via onnxruntime-node): for every
 * connected component of each ground-truth mask, prompt with the component's tight box (encoder +
 * decoder), then let the simulated annotator (libs/prompts runClickSession) click until IoU 0.9 or
 * 20 clicks, reusing the crop embedding (decoder only). Used by `npm run eval` and by the trainer's
 * validation gate.
 */
import {
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
  type Mask,
} from '@loupe/prompts';
import { parseManifest, type ModelManifest } from '../contract';
import { createNodePredictor, openModelDir } from '../inference/open-model-dir';
import type { ImageInput, SamPredictor } from '../inference/sam-predictor';

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
}

export interface EvaluateOptions {
  samples: EvalSample[];
  modelDir?: string;
  predictor?: SamPredictor;
  model?: { manifest: ModelManifest | unknown; encoder: Uint8Array; decoder: Uint8Array };
  maxClicks?: number;
  /** Skip components smaller than this many pixels (default 1: none skipped). */
  minObjectArea?: number;
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
        const predict = async (b: Box | null, clicks: ClickPrompt[]) =>
          (clicks.length === 0 ? first : await predictor.decode(embedding, b, clicks))
            .probabilities;
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
  };
  return { ...summary, summary, perObject };
}
