/**
 * How much a mask stands out from its surroundings on an image: the mean grey level inside the
 * mask minus the mean over a ring just outside it. Propagation compares each slice's contrast with
 * the prompted slice's: past the end of an object a box-prompted model keeps segmenting whatever
 * texture lies in its box (its IoU head stays just as confident), but that texture no longer stands
 * out the way the object did.
 */
import { squaredDistanceTransform } from './distance-transform';
import type { Mask } from './mask';

/** A slice's pixels: any grey scale (8 or 16 bit), row-major, `channels` interleaved (grey = their mean). */
export interface GreyImage {
  pixels: ArrayLike<number>;
  width: number;
  height: number;
  channels: number;
}

/**
 * Mean grey inside `mask` minus the mean over the pixels within (gapPx, gapPx + ringPx] of it
 * (in the image's units; negative when the mask is darker than its ring). 0 for an empty mask or an
 * empty ring. The gap skips the soft edge, which belongs to neither side.
 */
export function maskContrast(image: GreyImage, mask: Mask, ringPx = 4, gapPx = 1): number {
  const { width, height, channels } = image;
  if (mask.width !== width || mask.height !== height)
    throw new Error(`mask ${mask.width}x${mask.height} does not match image ${width}x${height}`);
  const outside = new Uint8Array(width * height);
  let any = false;
  for (let i = 0; i < outside.length; i++) {
    outside[i] = mask.data[i] ? 0 : 1;
    if (mask.data[i]) any = true;
  }
  if (!any) return 0;
  // Squared distance from each outside pixel to the nearest mask pixel.
  const distance = squaredDistanceTransform(outside, width, height);
  const lo = gapPx * gapPx;
  const hi = (gapPx + ringPx) * (gapPx + ringPx);
  let inSum = 0;
  let inCount = 0;
  let ringSum = 0;
  let ringCount = 0;
  for (let i = 0; i < outside.length; i++) {
    let grey = 0;
    for (let c = 0; c < channels; c++) grey += image.pixels[i * channels + c] as number;
    grey /= channels;
    if (!outside[i]) {
      inSum += grey;
      inCount += 1;
    } else {
      const d = distance[i] as number;
      if (d > lo && d <= hi) {
        ringSum += grey;
        ringCount += 1;
      }
    }
  }
  if (!ringCount) return 0;
  return inSum / inCount - ringSum / ringCount;
}
