/**
 * Coloured overlay canvases for crop-sized masks, cached per mask (masks are immutable). Each
 * covers only the mask's bounding box, drawn at that offset, and is built at about the screen's
 * resolution when the view shows the image smaller than 1:1 (a wide-field mask has millions of
 * pixels, a screen shows a few hundred thousand of them).
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

/**
 * An overlay: a canvas covering the mask's bounding box, whose top-left is (x, y) in the image;
 * one canvas pixel is 1 / scale image pixels (draw it over canvas.width / scale image pixels).
 */
export interface MaskOverlay {
  canvas: HTMLCanvasElement;
  x: number;
  y: number;
  scale: number;
}

/**
 * The overlay's scale for a view of `screenPerImagePx` device pixels per image pixel: 1 at 1:1 or
 * closer, else the power of two at or above it (one overlay per halving of the zoom, never
 * coarser than the screen).
 */
export function overlayScale(screenPerImagePx: number): number {
  if (!(screenPerImagePx < 1)) return 1;
  return Math.max(2 ** -12, 2 ** Math.ceil(Math.log2(screenPerImagePx)));
}

/**
 * The mask over its box at `scale` (< 1): overlay pixel (i, j) is the mask's pixel at the centre
 * of the image pixels it covers (what drawing the full-resolution overlay with nearest-neighbour
 * scaling shows), as a region whose bounds are overlay pixels from (0, 0).
 */
export function maskRegionAtScale(mask: MaskRegion, scale: number): MaskRegion {
  const b = mask.bounds;
  if (!b) return mask;
  const bw = b.x1 - b.x0;
  const bh = b.y1 - b.y0;
  const ow = Math.max(1, Math.ceil(bw * scale));
  const oh = Math.max(1, Math.ceil(bh * scale));
  const columns = new Int32Array(ow);
  for (let i = 0; i < ow; i++) columns[i] = Math.min(bw - 1, Math.floor((i + 0.5) / scale));
  const data = new Uint8Array(ow * oh);
  const d = mask.data;
  for (let j = 0; j < oh; j++) {
    const row = Math.min(bh - 1, Math.floor((j + 0.5) / scale)) * bw;
    const line = d.subarray(row, row + bw);
    // Rows of the mask without a 1 (most of a thin object's box) are skipped by a native scan.
    if (line.indexOf(1) < 0) continue;
    const out = j * ow;
    for (let i = 0; i < ow; i++) data[out + i] = line[columns[i] as number] as number;
  }
  return { bounds: { x0: 0, y0: 0, x1: ow, y1: oh }, data };
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
  scale = 1,
): MaskOverlay | null {
  const key = `${color.join(',')}@${scale}`;
  const byColor = cache.get(mask) ?? new Map<string, MaskOverlay | null>();
  const hit = byColor.get(key);
  if (hit !== undefined) return hit;
  const bounds = mask.bounds;
  if (!bounds) {
    byColor.set(key, null);
    cache.set(mask, byColor);
    return null;
  }
  // Below 1:1 the outline is drawn one screen pixel wide, around the mask as sampled.
  const region = scale < 1 ? maskRegionAtScale(mask, scale) : mask;
  const rb = region.bounds as NonNullable<MaskRegion['bounds']>;
  const bw = rb.x1 - rb.x0;
  const bh = rb.y1 - rb.y0;
  const canvas = document.createElement('canvas');
  canvas.width = bw;
  canvas.height = bh;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  const image = ctx.createImageData(bw, bh);
  overlayPixels(region, scale < 1 ? bw : width, scale < 1 ? bh : height, color, image.data);
  ctx.putImageData(image, 0, 0);
  const overlay = { canvas, x: bounds.x0, y: bounds.y0, scale: scale < 1 ? scale : 1 };
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
