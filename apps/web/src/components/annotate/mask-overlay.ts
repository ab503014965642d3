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
  const fill = [r, g, bl, 150];
  const edge = [Math.min(255, r + 60), Math.min(255, g + 60), Math.min(255, bl + 60), 255];
  // One 32-bit store per pixel (a wide-field mask has millions): RGBA packed in memory order.
  const pixels = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >> 2);
  const packed = (c: number[]) => new Uint32Array(Uint8ClampedArray.from(c).buffer)[0] as number;
  const fillPx = packed(fill);
  const edgePx = packed(edge);
  // A run's ends border a 0 or the box (so the image's left/right edge too); inside a run only
  // the rows above and below decide, and rows on the box's or the image's top/bottom edge are all
  // outline.
  for (let v = 0; v < bh; v++) {
    const y = b.y0 + v;
    const row = v * bw;
    const rowIsEdge = y === 0 || y === height - 1 || v === 0 || v === bh - 1;
    const line = d.subarray(row, row + bw);
    // Runs of 1s from u to end - 1, found by native scans of the row.
    for (let u = line.indexOf(1), end = 0; u >= 0; u = line.indexOf(1, end)) {
      end = line.indexOf(0, u + 1);
      if (end < 0) end = bw;
      pixels[row + u] = edgePx;
      pixels[row + end - 1] = edgePx;
      if (rowIsEdge) pixels.fill(edgePx, row + u + 1, row + end - 1);
      else {
        // Fill, then outline where the row above or below has a 0 (found by native scans).
        pixels.fill(fillPx, row + u + 1, row + end - 1);
        for (const side of [row - bw, row + bw])
          for (let z = d.indexOf(0, side + u + 1); z >= 0 && z < side + end - 1;) {
            pixels[row + z - side] = edgePx;
            z = d.indexOf(0, z + 1);
          }
      }
      if (end === bw) break;
    }
  }
}
