/** Validation against an image: zod shape first, then ranges. Every failure is a PromptError. */
import type { z } from 'zod';
import { PromptError } from './errors';
import type { Box, BrushStroke, ClickPrompt, ImageSize, Point, Prompt } from './schemas';
import {
  boxSchema,
  brushStrokeSchema,
  clickSchema,
  imageSizeSchema,
  pointSchema,
  promptSchema,
} from './schemas';

/** Parses with zod and turns the first issue into a PromptError naming the field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path =
    issue && issue.path.length > 0 ? `${field}.${issue.path.map(String).join('.')}` : field;
  throw new PromptError(path, issue?.message ?? 'invalid');
}

export function validateImageSize(size: unknown, field = 'imageSize'): ImageSize {
  return parseOrThrow(imageSizeSchema, size, field);
}

function checkCoord(v: number, max: number, field: string, axis: 'width' | 'height'): void {
  if (!Number.isFinite(v)) throw new PromptError(field, `must be a finite number, got ${v}`);
  if (v < 0 || v > max)
    throw new PromptError(field, `${v} is outside the image (0..${max}, image ${axis} ${max})`);
}

/** A point inside [0, W] x [0, H]. */
export function validatePoint(point: unknown, imageSize: ImageSize, field = 'point'): Point {
  const p = parseOrThrow(pointSchema, point, field);
  const s = validateImageSize(imageSize);
  checkCoord(p.x, s.width, `${field}.x`, 'width');
  checkCoord(p.y, s.height, `${field}.y`, 'height');
  return p;
}

/** A non-empty, non-inverted box inside [0, W] x [0, H]. */
export function validateBox(box: unknown, imageSize: ImageSize, field = 'box'): Box {
  const b = parseOrThrow(boxSchema, box, field);
  const s = validateImageSize(imageSize);
  checkCoord(b.x0, s.width, `${field}.x0`, 'width');
  checkCoord(b.x1, s.width, `${field}.x1`, 'width');
  checkCoord(b.y0, s.height, `${field}.y0`, 'height');
  checkCoord(b.y1, s.height, `${field}.y1`, 'height');
  return b;
}

export function validateClick(click: unknown, imageSize: ImageSize, field = 'click'): ClickPrompt {
  const c = parseOrThrow(clickSchema, click, field);
  validatePoint({ x: c.x, y: c.y }, imageSize, field);
  return c;
}

export function validateClicks(
  clicks: unknown,
  imageSize: ImageSize,
  field = 'clicks',
): ClickPrompt[] {
  if (!Array.isArray(clicks)) throw new PromptError(field, 'must be an array of clicks');
  return clicks.map((c, i) => validateClick(c, imageSize, `${field}.${i}`));
}

/** Stroke points must lie in the image; the disc may reach past the edge (it is clipped). */
export function validateBrushStroke(
  stroke: unknown,
  imageSize: ImageSize,
  field = 'stroke',
): BrushStroke {
  const st = parseOrThrow(brushStrokeSchema, stroke, field);
  st.points.forEach((p, i) => validatePoint(p, imageSize, `${field}.points.${i}`));
  return st;
}

export function validatePrompt(prompt: unknown, imageSize: ImageSize, field = 'prompt'): Prompt {
  const p = parseOrThrow(promptSchema, prompt, field);
  if (p.kind === 'box') validateBox({ x0: p.x0, y0: p.y0, x1: p.x1, y1: p.y1 }, imageSize, field);
  else if (p.kind === 'click') validatePoint({ x: p.x, y: p.y }, imageSize, field);
  else validateBrushStroke({ points: p.points, radius: p.radius, mode: p.mode }, imageSize, field);
  return p;
}

/**
 * Clamps a finite box to [0, W] x [0, H] (e.g. a drag that left the canvas). Throws when the
 * result is empty, so callers still get a PromptError for a box entirely outside the image.
 */
export function clampBox(box: Box, imageSize: ImageSize, field = 'box'): Box {
  const s = validateImageSize(imageSize);
  for (const k of ['x0', 'y0', 'x1', 'y1'] as const)
    if (!Number.isFinite(box?.[k]))
      throw new PromptError(`${field}.${k}`, `must be a finite number, got ${box?.[k]}`);
  const c = {
    x0: Math.min(Math.max(box.x0, 0), s.width),
    y0: Math.min(Math.max(box.y0, 0), s.height),
    x1: Math.min(Math.max(box.x1, 0), s.width),
    y1: Math.min(Math.max(box.y1, 0), s.height),
  };
  return validateBox(c, s, field);
}
