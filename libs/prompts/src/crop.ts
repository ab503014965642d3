/**
 * Crop geometry: THE single place where image coordinates and model-input coordinates meet.
 *
 * The model sees a square, box-centred crop of the image resized to inputSize x inputSize.
 * Both spaces use continuous pixel coordinates (pixel k covers [k, k+1), centre k + 0.5):
 *
 *   model = (image - crop.x0) * crop.scale,   image = model / crop.scale + crop.x0
 *
 * with scale = inputSize / size. The crop may extend outside the image; those model pixels
 * are zero-padded by sampleCropBilinear. Model coordinates of the crop span 0..inputSize.
 */
import { PromptError } from './errors';
import { PROMPT_LABEL } from './labels';
import type { Box, ClickPrompt, ImageSize, Point } from './schemas';
import { validateBox, validateImageSize } from './validate';

export interface CropTransform {
  /** Top-left corner of the crop in image pixels (may be negative: padding). */
  x0: number;
  y0: number;
  /** Side of the square crop in image pixels. */
  size: number;
  /** Side of the square model input in model pixels. */
  inputSize: number;
  /** inputSize / size: model pixels per image pixel. */
  scale: number;
}

export interface CropOptions {
  /** Side S of the model input. */
  inputSize: number;
  /** Context added on each side as a fraction of the box's longer side (0.1 = 10 %). */
  contextMargin: number;
  /** Smallest crop side in image pixels. */
  minCropSize: number;
}

/**
 * Square crop centred on the box, side = max(longer box side * (1 + 2 * contextMargin), minCropSize).
 * Throws PromptError for an invalid box (out of the image, empty, inverted, non-finite) or options.
 */
export function computeCrop(box: Box, imageSize: ImageSize, options: CropOptions): CropTransform {
  const b = validateBox(box, imageSize);
  validateImageSize(imageSize);
  const { inputSize, contextMargin, minCropSize } = options;
  if (!Number.isInteger(inputSize) || inputSize <= 0)
    throw new PromptError('options.inputSize', `must be a positive integer, got ${inputSize}`);
  if (!Number.isFinite(contextMargin) || contextMargin < 0)
    throw new PromptError(
      'options.contextMargin',
      `must be a finite number >= 0, got ${contextMargin}`,
    );
  if (!Number.isFinite(minCropSize) || minCropSize <= 0)
    throw new PromptError('options.minCropSize', `must be a finite number > 0, got ${minCropSize}`);
  const longer = Math.max(b.x1 - b.x0, b.y1 - b.y0);
  const size = Math.max(longer * (1 + 2 * contextMargin), minCropSize);
  const cx = (b.x0 + b.x1) / 2;
  const cy = (b.y0 + b.y1) / 2;
  return { x0: cx - size / 2, y0: cy - size / 2, size, inputSize, scale: inputSize / size };
}

/** Crop covering the whole image (longer side, top-left anchored) — for prompts without a box. */
export function fullImageCrop(imageSize: ImageSize, inputSize: number): CropTransform {
  const s = validateImageSize(imageSize);
  if (!Number.isInteger(inputSize) || inputSize <= 0)
    throw new PromptError('inputSize', `must be a positive integer, got ${inputSize}`);
  const size = Math.max(s.width, s.height);
  return { x0: 0, y0: 0, size, inputSize, scale: inputSize / size };
}

function checkPoint(p: Point, field: string): void {
  if (!p || !Number.isFinite(p.x))
    throw new PromptError(`${field}.x`, `must be a finite number, got ${p?.x}`);
  if (!Number.isFinite(p.y))
    throw new PromptError(`${field}.y`, `must be a finite number, got ${p.y}`);
}

export function imageToModel(point: Point, crop: CropTransform): Point {
  checkPoint(point, 'point');
  return { x: (point.x - crop.x0) * crop.scale, y: (point.y - crop.y0) * crop.scale };
}

export function modelToImage(point: Point, crop: CropTransform): Point {
  checkPoint(point, 'point');
  return { x: point.x / crop.scale + crop.x0, y: point.y / crop.scale + crop.y0 };
}

export function boxToModel(box: Box, crop: CropTransform): Box {
  const a = imageToModel({ x: box.x0, y: box.y0 }, crop);
  const b = imageToModel({ x: box.x1, y: box.y1 }, crop);
  return { x0: a.x, y0: a.y, x1: b.x, y1: b.y };
}

export function boxToImage(box: Box, crop: CropTransform): Box {
  const a = modelToImage({ x: box.x0, y: box.y0 }, crop);
  const b = modelToImage({ x: box.x1, y: box.y1 }, crop);
  return { x0: a.x, y0: a.y, x1: b.x, y1: b.y };
}

/** The two box corners in model coordinates with SAM labels 2 (top-left) and 3 (bottom-right). */
export function boxToModelPoints(
  box: Box,
  crop: CropTransform,
): { coords: [Point, Point]; labels: [2, 3] } {
  const m = boxToModel(box, crop);
  return {
    coords: [
      { x: m.x0, y: m.y0 },
      { x: m.x1, y: m.y1 },
    ],
    labels: [PROMPT_LABEL.boxTopLeft, PROMPT_LABEL.boxBottomRight],
  };
}

export interface ModelPromptInputs {
  /** N*2 (x, y) pairs in model-input pixels (continuous; the model must NOT add another 0.5). */
  coords: Float32Array;
  /** N SAM labels: 2/3 box corners, 1 positive, 0 negative, -1 padding. */
  labels: Float32Array;
  /** N. */
  count: number;
}

/**
 * Decoder point inputs: box corners first (2, 3), then clicks (1/0) in order. As SAM does, a
 * padding point (0, 0) with label -1 is appended when there is no box. Clicks outside the crop
 * are kept (their model coordinates fall outside 0..inputSize).
 */
export function promptsToModelInputs(
  box: Box | null,
  clicks: readonly ClickPrompt[],
  crop: CropTransform,
): ModelPromptInputs {
  const n = (box ? 2 : 1) + clicks.length;
  const coords = new Float32Array(n * 2);
  const labels = new Float32Array(n);
  let k = 0;
  if (box) {
    const { coords: c, labels: l } = boxToModelPoints(box, crop);
    for (let j = 0; j < 2; j++) {
      coords[2 * k] = c[j]!.x;
      coords[2 * k + 1] = c[j]!.y;
      labels[k++] = l[j]!;
    }
  }
  clicks.forEach((click, i) => {
    if (!Number.isFinite(click.x))
      throw new PromptError(`clicks.${i}.x`, `must be a finite number, got ${click.x}`);
    if (!Number.isFinite(click.y))
      throw new PromptError(`clicks.${i}.y`, `must be a finite number, got ${click.y}`);
    const m = imageToModel(click, crop);
    coords[2 * k] = m.x;
    coords[2 * k + 1] = m.y;
    labels[k++] = click.positive ? PROMPT_LABEL.positive : PROMPT_LABEL.negative;
  });
  if (!box) {
    coords[2 * k] = 0;
    coords[2 * k + 1] = 0;
    labels[k++] = PROMPT_LABEL.padding;
  }
  return { coords, labels, count: n };
}

/**
 * Encode-ahead: a slice embedded ahead of time in another box's crop serves a prediction whose
 * own crop (computeCrop of its box) is within these tolerances of it: the side within 25 %, the
 * centre within 1/8 of the side. Otherwise the slice is encoded again (cold). The volume bench's
 * warm figure and the page's worker use the same rule.
 */
export const ENCODE_AHEAD_TOLERANCE = { size: 0.25, centre: 0.125 };

/** Whether an embedding of crop `cached` may stand in for one of crop `wanted` (see above). */
export function cropFits(cached: CropTransform, wanted: CropTransform): boolean {
  const dc = Math.max(
    Math.abs(cached.x0 + cached.size / 2 - (wanted.x0 + wanted.size / 2)),
    Math.abs(cached.y0 + cached.size / 2 - (wanted.y0 + wanted.size / 2)),
  );
  return (
    Math.abs(wanted.size / cached.size - 1) <= ENCODE_AHEAD_TOLERANCE.size &&
    dc <= ENCODE_AHEAD_TOLERANCE.centre * cached.size
  );
}
