/**
 * The annotate page's click path for one object, as the scripted annotators use it: box from the
 * ground truth -> proposal -> corrective clicks from libs/prompts' simulated annotator, each through
 * SamPredictor.decodeClick with the mask shown before it as mask prompt, until IoU ACCEPT_IOU or
 * `maxClicks`. `reached` says whether the clicks got there (otherwise the annotator brushes).
 */
import type { ImageInput, SamPredictor, ShownMask } from '@loupe/model';
import {
  ACCEPT_IOU,
  boxFromMask,
  runClickSession,
  type Box,
  type ClickPrompt,
  type ClickSessionResult,
  type Mask,
} from '@loupe/prompts';

export interface AnnotatedWithClicks {
  box: Box;
  proposal: Awaited<ReturnType<SamPredictor['decode']>>;
  /** Box -> proposal shown (embed + decode), ms. */
  proposalLatencyMs: number;
  session: ClickSessionResult;
  reached: boolean;
}

export async function annotateWithClicks(
  predictor: SamPredictor,
  image: ImageInput,
  gt: Mask,
  maxClicks: number,
  hooks: {
    onProposal?: (latencyMs: number) => void;
    onClick?: (click: ClickPrompt, latencyMs: number) => void;
  } = {},
): Promise<AnnotatedWithClicks> {
  const box = boxFromMask(gt);
  const t0 = performance.now();
  const embedding = await predictor.embed(image, box);
  const proposal = await predictor.decode(embedding, box, []);
  const proposalLatencyMs = performance.now() - t0;
  hooks.onProposal?.(proposalLatencyMs);
  let shown: ShownMask = {
    logits: proposal.lowResLogits[0] as Float32Array,
    probabilities: proposal.probabilities,
  };
  const session = await runClickSession({
    gt,
    box,
    maxClicks,
    targetIou: ACCEPT_IOU,
    predict: async (b, clicks) => {
      const click = clicks.at(-1);
      if (!click) return proposal.probabilities;
      const started = performance.now();
      const refined = await predictor.decodeClick(embedding, b, clicks, shown);
      shown = refined.shown;
      hooks.onClick?.(click, performance.now() - started);
      return refined.probabilities;
    },
  });
  return {
    box,
    proposal,
    proposalLatencyMs,
    session,
    reached: (session.iouPerClick.at(-1) ?? 0) >= ACCEPT_IOU,
  };
}
