/**
 * Reads an image's pixels from the blob store and decodes them, naming the image in any error.
 */
import { TrainerError, describeFailure, isTrainerError } from '../errors';
import type { BlobReader } from './blob-reader';
import { decodeImagePixels, type GrayImage } from './decode-image-pixels';

export interface ImageRef {
  id: string;
  pixelsKey: string;
  width: number;
  height: number;
  fileName?: string;
}

export async function loadImage(blobs: BlobReader, image: ImageRef): Promise<GrayImage> {
  const label = `image ${image.id}${image.fileName ? ` (${image.fileName})` : ''}`;
  let bytes: Uint8Array;
  try {
    bytes = await blobs.get(image.pixelsKey);
  } catch (error) {
    if (isTrainerError(error)) throw error;
    throw new TrainerError(
      'CORRUPT_IMAGE',
      `${label}: pixels ${image.pixelsKey} could not be read (${describeFailure(error)})`,
      { cause: error },
    );
  }
  return decodeImagePixels(bytes, { width: image.width, height: image.height, label });
}
