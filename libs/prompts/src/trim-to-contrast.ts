/**
 * A per-object adaptive threshold for propagated masks: keeps the mask's pixels that stand out
 * from the ring around the mask on this slice by at least `share` of the object's contrast on the
 * slice the annotator made. A box-prompted model fills its box, so where an object tapers off its
 * mask stays as large as the box it was given; the object itself, a bright (or dark) patch with a
 * soft edge, ends where it stops standing out. `share` 0.5 is the half-maximum contour.
 */
import type { Mask } from './mask';
import { maskMeans, type GreyImage } from './mask-contrast';

/**
 * `contrast` is the object's reference contrast (maskContrast of an annotated slice: positive for
 * a bright object, negative for a dark one). Grey levels are the 3 x 3 mean around each pixel (so
 * that noise does not punch holes). Returns a new 0/1 mask (the same mask's pixels or fewer); the
 * input itself when its ring is empty.
 */
export function trimToContrast(
  image: GreyImage,
  mask: Mask,
  contrast: number,
  share: number,
  ringPx: number,
  gapPx: number,
): Uint8Array {
  const means = maskMeans(image, mask, ringPx, gapPx);
  if (!means) return mask.data;
  const { width, height, channels } = image;
  // `contrast` is in real units (maskContrast); this slice's samples may have their own slope.
  const level = means.ring + (share * contrast) / (image.valueSlope || 1);
  const grey = (x: number, y: number) => {
    let sum = 0;
    for (let c = 0; c < channels; c++)
      sum += image.pixels[(y * width + x) * channels + c] as number;
    return sum / channels;
  };
  const out = new Uint8Array(mask.data.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask.data[i]) continue;
      let sum = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          sum += grey(xx, yy);
          n += 1;
        }
      const mean = sum / n;
      if (contrast >= 0 ? mean >= level : mean <= level) out[i] = 1;
    }
  return out;
}
