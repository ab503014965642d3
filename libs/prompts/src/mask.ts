import { PromptError } from './errors';

/** Binary mask, row-major (index = y * width + x), values 0 or 1. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

function checkDims(width: number, height: number, field: string): void {
  if (!Number.isInteger(width) || width <= 0)
    throw new PromptError(`${field}.width`, `must be a positive integer, got ${width}`);
  if (!Number.isInteger(height) || height <= 0)
    throw new PromptError(`${field}.height`, `must be a positive integer, got ${height}`);
}

export function createMask(width: number, height: number, fill: 0 | 1 = 0): Mask {
  checkDims(width, height, 'mask');
  const data = new Uint8Array(width * height);
  if (fill) data.fill(1);
  return { width, height, data };
}

/** Wraps existing data (any non-zero value counts as 1, and is normalised to 1 in a copy). */
export function maskFromData(width: number, height: number, data: ArrayLike<number>): Mask {
  checkDims(width, height, 'mask');
  if (data.length !== width * height)
    throw new PromptError('mask.data', `length ${data.length} != width*height ${width * height}`);
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = data[i] ? 1 : 0;
  return { width, height, data: out };
}

export function cloneMask(mask: Mask): Mask {
  return { width: mask.width, height: mask.height, data: mask.data.slice() };
}

/** Checks the mask is well-formed and exactly width x height; throws PromptError('mask' ...) if not. */
export function assertMaskSize(mask: Mask, width: number, height: number, field = 'mask'): void {
  if (!mask || !(mask.data instanceof Uint8Array))
    throw new PromptError(field, 'must be a Mask with Uint8Array data');
  if (mask.width !== width || mask.height !== height)
    throw new PromptError(
      field,
      `size ${mask.width}x${mask.height} does not match the image ${width}x${height}`,
    );
  if (mask.data.length !== width * height)
    throw new PromptError(
      `${field}.data`,
      `length ${mask.data.length} != width*height ${width * height}`,
    );
}

/** Asserts two masks have the same size (used by binary ops and metrics). */
export function assertSameSize(a: Mask, b: Mask, fieldA = 'a', fieldB = 'b'): void {
  assertMaskSize(a, a.width, a.height, fieldA);
  assertMaskSize(b, a.width, a.height, fieldB);
}
