import { PromptError } from './errors';
import type { Mask } from './mask';
import { assertMaskSize } from './mask';
import { maskBoundingBox } from './mask-ops';
import type { Box, ImageSize } from './schemas';

export interface BoxFromMaskOptions {
  /** Maximum shift per side in pixels (MedSAM uses 0-20). 0 = tight box. */
  jitterPx?: number;
  /** Source of randomness in [0, 1) (e.g. createRng(seed)); required when jitterPx > 0. */
  rng?: () => number;
  /** Defaults to the mask's size; must match it. */
  imageSize?: ImageSize;
  /** MedSAM style: sides only move outward (default false: outward or inward). */
  outwardOnly?: boolean;
}

/**
 * Simulated annotator box: the tight box of the object ({minCol, minRow, maxCol+1, maxRow+1}),
 * each side moved by an integer in [-jitterPx, jitterPx] (positive = outward), clamped to the
 * image. Inward moves never shrink the box below 1 px per axis. Throws for an empty mask.
 */
export function boxFromMask(mask: Mask, options: BoxFromMaskOptions = {}): Box {
  const size = options.imageSize ?? { width: mask.width, height: mask.height };
  assertMaskSize(mask, size.width, size.height);
  const jitter = options.jitterPx ?? 0;
  if (!Number.isFinite(jitter) || jitter < 0)
    throw new PromptError('jitterPx', `must be a finite number >= 0, got ${jitter}`);
  const tight = maskBoundingBox(mask);
  if (!tight) throw new PromptError('mask', 'is empty: no object to draw a box around');
  if (jitter === 0) return tight;
  const rng = options.rng;
  if (!rng) throw new PromptError('rng', 'is required when jitterPx > 0 (use createRng(seed))');
  const J = Math.floor(jitter);
  const draw = (maxInward: number): number => {
    const lo = options.outwardOnly ? 0 : -Math.min(J, maxInward);
    return lo + Math.floor(rng() * (J - lo + 1));
  };
  const w = tight.x1 - tight.x0;
  const h = tight.y1 - tight.y0;
  const inX = Math.floor((w - 1) / 2);
  const inY = Math.floor((h - 1) / 2);
  const x0 = Math.max(0, tight.x0 - draw(inX));
  const y0 = Math.max(0, tight.y0 - draw(inY));
  const x1 = Math.min(size.width, tight.x1 + draw(inX));
  const y1 = Math.min(size.height, tight.y1 + draw(inY));
  return { x0, y0, x1, y1 };
}
