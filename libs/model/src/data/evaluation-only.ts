/**
 * Images that may be evaluated on but never trained on (the out-of-distribution evaluation set).
 * Generators mark their pixel buffers here; the training entry points (fineTune, pretrainMae)
 * refuse any marked buffer, so a bench or script that hands evaluation images to training fails
 * at once instead of reporting a figure on data the model saw.
 */

/** Pixel buffer (and its ArrayBuffer, so subarray views count too) -> where it came from. */
const evaluationOnly = new WeakMap<object, string>();

export class EvaluationOnlyDataError extends Error {
  override name = 'EvaluationOnlyDataError';
}

/** Marks `pixels` as evaluation-only; `source` names the set in the error a trainer raises. */
export function markEvaluationOnly(pixels: ArrayBufferView, source: string): void {
  evaluationOnly.set(pixels, source);
  evaluationOnly.set(pixels.buffer, source);
}

export function isEvaluationOnly(pixels: ArrayBufferView): boolean {
  return evaluationOnly.has(pixels) || evaluationOnly.has(pixels.buffer);
}

/** Throws EvaluationOnlyDataError when any of `images` is evaluation-only. */
export function assertTrainable(images: Iterable<ArrayBufferView>, where: string): void {
  let index = 0;
  for (const pixels of images) {
    const source = evaluationOnly.get(pixels) ?? evaluationOnly.get(pixels.buffer);
    if (source !== undefined)
      throw new EvaluationOnlyDataError(
        `${where}: image ${index} belongs to ${source}, which is for evaluation only and never used for training or model selection`,
      );
    index++;
  }
}
