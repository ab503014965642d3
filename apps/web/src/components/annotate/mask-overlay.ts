/** Coloured overlay canvases for masks, cached per mask array (masks are immutable). */
export const OBJECT_COLORS: [number, number, number][] = [
  [250, 204, 21],
  [244, 114, 182],
  [74, 222, 128],
  [251, 146, 60],
  [167, 139, 250],
  [45, 212, 191],
];
export const ACTIVE_COLOR: [number, number, number] = [56, 189, 248];

const cache = new WeakMap<Uint8Array, Map<string, HTMLCanvasElement>>();

/**
 * Fill at full alpha plus a brighter 1-pixel boundary, so the drawn opacity controls the fill and
 * the outline stays readable at low opacity.
 */
export function maskOverlayCanvas(
  mask: Uint8Array,
  width: number,
  height: number,
  color: [number, number, number],
): HTMLCanvasElement {
  const key = color.join(',');
  const byColor = cache.get(mask) ?? new Map<string, HTMLCanvasElement>();
  const hit = byColor.get(key);
  if (hit) return hit;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  const image = ctx.createImageData(width, height);
  const out = image.data;
  const [r, g, b] = color;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
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
      const j = i * 4;
      out[j] = edge ? Math.min(255, r + 60) : r;
      out[j + 1] = edge ? Math.min(255, g + 60) : g;
      out[j + 2] = edge ? Math.min(255, b + 60) : b;
      out[j + 3] = edge ? 255 : 150;
    }
  }
  ctx.putImageData(image, 0, 0);
  byColor.set(key, canvas);
  cache.set(mask, byColor);
  return canvas;
}
