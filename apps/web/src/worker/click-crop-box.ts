import type { Box, ClickPrompt } from '@loupe/prompts';

/**
 * Objects started with a click instead of a box still need a crop: a square of `side` image pixels
 * centred on the first click, clamped into the image. Only the crop uses it; the decoder gets no box.
 */
export function clickCropBox(click: ClickPrompt, width: number, height: number, side: number): Box {
  const half = Math.min(side, width, height) / 2;
  const cx = Math.min(Math.max(click.x, half), width - half);
  const cy = Math.min(Math.max(click.y, half), height - half);
  return { x0: cx - half, y0: cy - half, x1: cx + half, y1: cy + half };
}
