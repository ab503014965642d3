/**
 * Window/level for 8- and 16-bit luminance: `center` and `width` in sample units map
 * [center - width/2, center + width/2] linearly onto 0..255 (clamped), like a radiology viewer.
 */
export interface WindowLevel {
  center: number;
  width: number;
}

export function fullRangeWindow(bitDepth: number): WindowLevel {
  const max = bitDepth === 16 ? 65535 : 255;
  return { center: (max + 1) / 2, width: max + 1 };
}

/** Window covering the 0.5th..99.5th percentile of the samples (what "Auto" does). */
export function autoWindow(samples: Uint8Array | Uint16Array, bitDepth: number): WindowLevel {
  const bins = bitDepth === 16 ? 65536 : 256;
  const histogram = new Uint32Array(bins);
  for (let i = 0; i < samples.length; i++)
    histogram[samples[i] as number] = (histogram[samples[i] as number] as number) + 1;
  const lowCount = samples.length * 0.005;
  const highCount = samples.length * 0.995;
  let acc = 0;
  let low = 0;
  let high = bins - 1;
  for (let v = 0; v < bins; v++) {
    acc += histogram[v] as number;
    if (acc <= lowCount) low = v;
    if (acc >= highCount) {
      high = v;
      break;
    }
  }
  if (high <= low) high = Math.min(bins - 1, low + 1);
  return { center: (low + high + 1) / 2, width: Math.max(1, high - low + 1) };
}

/** Writes the windowed grey image into `out` (RGBA, e.g. ImageData.data). */
export function renderWindowed(
  samples: Uint8Array | Uint16Array,
  window: WindowLevel,
  out: Uint8ClampedArray,
): void {
  if (out.length !== samples.length * 4)
    throw new Error(`output has ${out.length / 4} pixels, samples ${samples.length}`);
  const lowest = window.center - window.width / 2;
  const scale = 255 / Math.max(1e-6, window.width);
  // A lookup table keeps the per-pixel work to one read (65536 entries for 16-bit).
  const lut = new Uint8ClampedArray(samples instanceof Uint16Array ? 65536 : 256);
  for (let v = 0; v < lut.length; v++) lut[v] = (v + 0.5 - lowest) * scale;
  for (let i = 0, j = 0; i < samples.length; i++, j += 4) {
    const g = lut[samples[i] as number] as number;
    out[j] = g;
    out[j + 1] = g;
    out[j + 2] = g;
    out[j + 3] = 255;
  }
}

/** An offscreen canvas holding the image rendered through the window (null without a 2D context). */
export function renderWindowedCanvas(
  image: { width: number; height: number; samples: Uint8Array | Uint16Array },
  window: WindowLevel,
): HTMLCanvasElement | null {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const data = ctx.createImageData(image.width, image.height);
  renderWindowed(image.samples, window, data.data);
  ctx.putImageData(data, 0, 0);
  return canvas;
}
