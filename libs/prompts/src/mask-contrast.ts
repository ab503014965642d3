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
  /**
   * Real units per sample (the slice's rescale slope, default 1): contrasts come out in real
   * units, so that slices of one series with rescales of their own (PET) compare.
   */
  valueSlope?: number;
}

/**
 * Mean grey inside `mask` minus the mean over the pixels within (gapPx, gapPx + ringPx] of it
 * (in the image's units; negative when the mask is darker than its ring). 0 for an empty mask or an
 * empty ring. The gap skips the soft edge, which belongs to neither side.
 */
export function maskContrast(image: GreyImage, mask: Mask, ringPx = 4, gapPx = 1): number {
  const means = maskMeans(image, mask, ringPx, gapPx);
  return means ? (means.inside - means.ring) * (image.valueSlope ?? 1) : 0;
}

/**
 * The mean grey inside `mask` and over its ring (as maskContrast); null for an empty mask or an
 * empty ring.
 */
export function maskMeans(
  image: GreyImage,
  mask: Mask,
  ringPx = 4,
  gapPx = 1,
): { inside: number; ring: number } | null {
  const { width, height, channels } = image;
  if (mask.width !== width || mask.height !== height)
    throw new Error(`mask ${mask.width}x${mask.height} does not match image ${width}x${height}`);
  // Only a window around the mask can hold it or its ring: the distance transform runs there
  // (the same values as over the whole image, since every mask pixel lies inside the window).
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++)
    for (let x = 0, i = y * width; x < width; x++, i++)
      if (mask.data[i]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return null;
  const margin = Math.ceil(gapPx + ringPx) + 1;
  x0 = Math.max(0, x0 - margin);
  y0 = Math.max(0, y0 - margin);
  x1 = Math.min(width - 1, x1 + margin);
  y1 = Math.min(height - 1, y1 + margin);
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const outside = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) outside[y * w + x] = mask.data[(y + y0) * width + x + x0] ? 0 : 1;
  // Squared distance from each outside pixel to the nearest mask pixel.
  const distance = squaredDistanceTransform(outside, w, h);
  const lo = gapPx * gapPx;
  const hi = (gapPx + ringPx) * (gapPx + ringPx);
  let inSum = 0;
  let inCount = 0;
  let ringSum = 0;
  let ringCount = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const j = y * w + x;
      const i = (y + y0) * width + x + x0;
      let grey = 0;
      for (let c = 0; c < channels; c++) grey += image.pixels[i * channels + c] as number;
      grey /= channels;
      if (!outside[j]) {
        inSum += grey;
        inCount += 1;
      } else {
        const d = distance[j] as number;
        if (d > lo && d <= hi) {
          ringSum += grey;
          ringCount += 1;
        }
      }
    }
  if (!ringCount) return null;
  return { inside: inSum / inCount, ring: ringSum / ringCount };
}
