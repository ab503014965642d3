import { AppError } from '../../errors/app-error';
import type { ImageLimits } from './decoded-image';

/** Refuses sizes outside the limits before any pixel buffer is allocated. */
export function checkDimensions(
  width: number,
  height: number,
  limits: ImageLimits,
  what = 'Image',
): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new AppError('BAD_INPUT', `${what} has invalid dimensions ${width}x${height}.`);
  if (width > limits.maxSide || height > limits.maxSide)
    throw new AppError(
      'TOO_LARGE',
      `${what} is ${width}x${height} pixels; the limit is ${limits.maxSide} pixels per side.`,
    );
  if (width * height > limits.maxPixels)
    throw new AppError(
      'TOO_LARGE',
      `${what} has ${width * height} pixels; the limit is ${limits.maxPixels}.`,
    );
}
