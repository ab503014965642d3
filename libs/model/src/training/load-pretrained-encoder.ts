/** Loads only the image encoder's weights (e.g. from an MAE-pretraining checkpoint) into a segmenter. */
import { assignWeights, loadCheckpoint } from '../checkpoint/checkpoint';
import type { SegmenterModel } from '../segmenter-model';

export async function loadPretrainedEncoder(
  model: SegmenterModel,
  checkpointPath: string,
): Promise<number> {
  const { weights } = await loadCheckpoint(checkpointPath);
  return assignWeights(model, weights, {
    only: (name) => name.startsWith('image_encoder.'),
    source: checkpointPath,
  });
}
