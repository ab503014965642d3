import { env } from '../../../env';
import type { ImageLimits } from './decoded-image';

/** The configured upload limits (LOUPE_UPLOAD_MAX_BYTES, LOUPE_IMAGE_MAX_SIDE, ...). */
export function uploadLimits(): ImageLimits & { maxBatchBytes: number } {
  return {
    maxBytes: env.LOUPE_UPLOAD_MAX_BYTES,
    maxBatchBytes: env.LOUPE_UPLOAD_BATCH_MAX_BYTES,
    maxSide: env.LOUPE_IMAGE_MAX_SIDE,
    maxPixels: env.LOUPE_IMAGE_MAX_PIXELS,
    maxSlices: env.LOUPE_VOLUME_MAX_SLICES,
    maxVolumeBytes: env.LOUPE_VOLUME_MAX_BYTES,
  };
}
