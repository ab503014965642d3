/**
 * Decodes an accepted mask (Annotation.finalRle) and checks it belongs to its image: a mask of
 * another size would silently train on misaligned pixels.
 */
import { decodeMaskBytes, isPromptError, type Mask } from '@loupe/prompts';
import { TrainerError } from '../errors';

export function decodeAnnotationMask(
  bytes: Uint8Array,
  expected: {
    annotationId: string;
    imageId: string;
    imageWidth: number;
    imageHeight: number;
    width: number;
    height: number;
  },
): Mask {
  let mask: Mask;
  try {
    mask = decodeMaskBytes(bytes);
  } catch (error) {
    if (!isPromptError(error)) throw error;
    throw new TrainerError(
      'MASK_MISMATCH',
      `annotation ${expected.annotationId}: mask bytes are invalid (${error.message})`,
      { cause: error },
    );
  }
  const { imageWidth, imageHeight } = expected;
  if (
    mask.width !== imageWidth ||
    mask.height !== imageHeight ||
    expected.width !== imageWidth ||
    expected.height !== imageHeight
  ) {
    throw new TrainerError(
      'MASK_MISMATCH',
      `annotation ${expected.annotationId}: mask is ${mask.width}x${mask.height} (recorded ${expected.width}x${expected.height}) but image ${expected.imageId} is ${imageWidth}x${imageHeight}`,
    );
  }
  return mask;
}
