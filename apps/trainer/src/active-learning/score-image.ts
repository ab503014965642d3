/**
 * Informativeness of one unlabeled image, cheaply: the model first looks at the whole image (a
 * full-image box) to find the most likely object, then is prompted with a box around that object,
 * and the second prediction's confidence, multimask disagreement and threshold stability are
 * scored. Two encoder passes on one crop each; no sliding window.
 */
import { maskBoundingBox, thresholdProbabilities, type Box } from '@loupe/prompts';
import type { GrayImage } from '../data/decode-image-pixels';
import type { Predictor } from '../model/model-port';
import { computeInformativeness, type Informativeness } from './compute-informativeness';

export async function scoreImage(predictor: Predictor, image: GrayImage): Promise<Informativeness> {
  const whole: Box = { x0: 0, y0: 0, x1: image.width, y1: image.height };
  const overview = await predictor.predictBox(image, whole);
  let best = 0;
  overview.iouPredictions.forEach((value, index) => {
    if (value > (overview.iouPredictions[best] as number)) best = index;
  });
  const likely = maskBoundingBox(
    thresholdProbabilities(overview.fullResolution(best), image.width, image.height, 0.5),
  );
  // Nothing found, or the "object" is the whole image: the overview is the best view there is.
  if (
    !likely ||
    (likely.x1 - likely.x0) * (likely.y1 - likely.y0) >= 0.9 * image.width * image.height
  ) {
    return computeInformativeness(overview.cropProbabilities, overview.iouPredictions);
  }
  const focused = await predictor.predictBox(image, likely);
  return computeInformativeness(focused.cropProbabilities, focused.iouPredictions);
}
