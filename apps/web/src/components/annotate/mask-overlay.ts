/**
 * Coloured overlay canvases for crop-sized masks, cached per mask (masks are immutable). Each
 * covers only the mask's bounding box, drawn at that offset.
 */
import type { MaskRegion } from '../../worker/mask-region';

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

const cache = new WeakMap<MaskRegion, Map<string, MaskOverlay | null>>();

/**
 * Fill at full alpha plus a brighter 1-pixel boundary, so the drawn opacity controls the fill and
 * the outline stays readable at low opacity.
 */
export function maskOverlayCanvas(
  mask: MaskRegion,
  width: number,
  height: number,
  color: [number, number, number],
): MaskOverlay | null {
  const key = color.join(',');
  const byColor = cache.get(mask) ?? new Map<string, MaskOverlay | null>();
  const hit = byColor.get(key);
  if (hit !== undefined) return hit;
  const bounds = mask.bounds;
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
  overlayPixels(mask, width, height, color, image.data);
  ctx.putImageData(image, 0, 0);
  const overlay = { canvas, x: bounds.x0, y: bounds.y0 };
  byColor.set(key, overlay);
  cache.set(mask, byColor);
  return overlay;
}

/**
 * The overlay's RGBA pixels over the mask's box (`out`: 4 per box pixel): fill where the mask is 1,
 * brighter where it borders a 0 or the image edge (outside the box the mask is 0).
 */
export function overlayPixels(
  mask: MaskRegion,
  width: number,
  height: number,
  color: [number, number, number],
  out: Uint8ClampedArray,
): void {
  const b = mask.bounds;
  if (!b) return;
  const bw = b.x1 - b.x0;
  const bh = b.y1 - b.y0;
  const d = mask.data;
  const [r, g, bl] = color;
  for (let v = 0; v < bh; v++) {
    const y = b.y0 + v;
    for (let u = 0; u < bw; u++) {
      const i = v * bw + u;
      if (!d[i]) continue;
      const x = b.x0 + u;
      const edge =
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        u === 0 ||
        !d[i - 1] ||
        u === bw - 1 ||
        !d[i + 1] ||
        v === 0 ||
        !d[i - bw] ||
        v === bh - 1 ||
        !d[i + bw];
      const j = i * 4;
      out[j] = edge ? Math.min(255, r + 60) : r;
      out[j + 1] = edge ? Math.min(255, g + 60) : g;
      out[j + 2] = edge ? Math.min(255, bl + 60) : bl;
      out[j + 3] = edge ? 255 : 150;
    }
  }
}
