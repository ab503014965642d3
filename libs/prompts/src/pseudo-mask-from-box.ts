/**
 * A weak label (a box drawn without a mask) becomes a pseudo-mask: the model's most confident
 * output for that box, kept inside the box (a box is drawn tight around its object). Shared by the
 * trainer (weak-label training samples) and bench:weak (their Dice on held-out data).
 */
import { createMask, type Mask } from './mask';
import type { Box } from './schemas';

/** A box prediction as far as this needs it: the IoU head per output, full-size probabilities. */
export interface BoxOutputs {
  iouPredictions: readonly number[];
  /** Full-resolution 0..1 probabilities of output k (image width x height). */
  fullResolution(index: number): Float32Array;
}

export interface PseudoMask {
  mask: Mask;
  /** The IoU head's prediction for the chosen output, 0..1. */
  confidence: number;
  outputIndex: number;
}

export function pseudoMaskFromBox(
  prediction: BoxOutputs,
  box: Box,
  width: number,
  height: number,
): PseudoMask {
  let best = 0;
  prediction.iouPredictions.forEach((value, index) => {
    if (value > (prediction.iouPredictions[best] as number)) best = index;
  });
  const probabilities = prediction.fullResolution(best);
  const mask = createMask(width, height);
  const x0 = Math.max(0, Math.floor(box.x0));
  const y0 = Math.max(0, Math.floor(box.y0));
  const x1 = Math.min(width, Math.ceil(box.x1));
  const y1 = Math.min(height, Math.ceil(box.y1));
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = y * width + x;
      if ((probabilities[i] as number) > 0.5) mask.data[i] = 1;
    }
  const raw = prediction.iouPredictions[best] as number;
  return {
    mask,
    confidence: Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0,
    outputIndex: best,
  };
}
