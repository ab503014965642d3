/**
 * Coloured overlay canvases for masks, cached per mask array (masks are immutable). Each covers
 * only the mask's bounding box (mask-bounds.ts), drawn at that offset.
 */
import { maskBounds } from './mask-bounds';

export const OBJECT_COLORS: [number, number, number][] = [
  [250, 204, 21],
  [244, 114, 182],
  [74, 222, 128],
  [251, 146, 60],
  [167, 139, 250],
  [45, 212, 191],
];
export const ACTIVE_COLOR: [number, number, number] = [56, 189, 248];

/** An overlay: a canvas covering the mask's bounding box, whose top-left is (x, y) in the image. */
export interface MaskOverlay {
  canvas: HTMLCanvasElement;
  x: number;
  y: number;
}

const cache = new WeakMap<Uint8Array, Map<string, MaskOverlay | null>>();

/**
 * Fill at full alpha plus a brighter 1-pixel boundary, so the drawn opacity controls the fill and
 * the outline stays readable at low opacity.
 */
export function maskOverlayCanvas(
  mask: Uint8Array,
  width: number,
  height: number,
  color: [number, number, number],
): MaskOverlay | null {
  const key = color.join(',');
  const byColor = cache.get(mask) ?? new Map<string, MaskOverlay | null>();
  const hit = byColor.get(key);
  if (hit !== undefined) return hit;
  const bounds = maskBounds(mask, width, height);
  if (!bounds) {
    byColor.set(key, null);
    cache.set(mask, byColor);
    return null;
  }
  const bw = bounds.x1 - bounds.x0;
  const bh = bounds.y1 - bounds.y0;
  const canvas = document.createElement('canvas');
  canvas.width = bw;
  canvas.height = bh;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  const image = ctx.createImageData(bw, bh);
  const out = image.data;
  const [r, g, b] = color;
  for (let y = bounds.y0; y < bounds.y1; y++) {
    for (let x = bounds.x0; x < bounds.x1; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        !mask[i - 1] ||
        !mask[i + 1] ||
        !mask[i - width] ||
        !mask[i + width];
      const j = ((y - bounds.y0) * bw + (x - bounds.x0)) * 4;
      out[j] = edge ? Math.min(255, r + 60) : r;
      out[j + 1] = edge ? Math.min(255, g + 60) : g;
      out[j + 2] = edge ? Math.min(255, b + 60) : b;
      out[j + 3] = edge ? 255 : 150;
    }
  }
  ctx.putImageData(image, 0, 0);
  const overlay = { canvas, x: bounds.x0, y: bounds.y0 };
  byColor.set(key, overlay);
  cache.set(mask, byColor);
  return overlay;
}
