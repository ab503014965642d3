import type { ClickPrompt } from './schemas';

/**
 * Radius (image px) of the disc a click forces: its own pixel only (a centre click's neighbours
 * are 1 px away; a click on a pixel corner still reaches its own pixel, 0.71 px away). The 3 x 3
 * disc forced before (radius 1.5) flipped correct pixels around clicks in thin error bands, the
 * main cause of clicks that lowered the IoU (#13).
 */
export const CLICK_FORCE_RADIUS = 0.75;

/**
 * The post-step that makes every click hold (#13): the model alone often leaves a clicked pixel
 * on the wrong side (a negative click inside a confident mask). Pixels whose centre lies within
 * `radius` of a click are set to 1 (positive) or 0 (negative), later clicks winning. Works on
 * full-resolution probabilities (Float32Array) and 0/1 masks (Uint8Array) alike; in place.
 */
export function forceClicks<T extends Float32Array | Uint8Array>(
  plane: T,
  width: number,
  height: number,
  clicks: readonly ClickPrompt[],
  radius = CLICK_FORCE_RADIUS,
): T {
  if (radius <= 0) return plane;
  const r2 = radius * radius;
  for (const c of clicks) {
    if (!Number.isFinite(c.x) || !Number.isFinite(c.y)) continue;
    const value = c.positive ? 1 : 0;
    const x0 = Math.max(0, Math.floor(c.x - radius));
    const x1 = Math.min(width - 1, Math.floor(c.x + radius));
    const y0 = Math.max(0, Math.floor(c.y - radius));
    const y1 = Math.min(height - 1, Math.floor(c.y + radius));
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - c.x;
        const dy = y + 0.5 - c.y;
        if (dx * dx + dy * dy <= r2) plane[y * width + x] = value;
      }
  }
  return plane;
}
