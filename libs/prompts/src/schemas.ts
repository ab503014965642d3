/**
 * Prompt types and their zod schemas.
 *
 * Coordinates are continuous image pixels: pixel (col, row) covers [col, col+1) x [row, row+1),
 * so its centre is (col + 0.5, row + 0.5) and a box that exactly covers pixels 0..W-1 is
 * {x0: 0, x1: W}. Valid coordinates lie in [0, W] x [0, H].
 */
import { z } from 'zod';

export const pointSchema = z.object({ x: z.number(), y: z.number() });
export type Point = z.infer<typeof pointSchema>;

const boxShape = { x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() };
const boxOrder = (b: { x0: number; y0: number; x1: number; y1: number }, ctx: z.RefinementCtx) => {
  if (!(b.x1 > b.x0))
    ctx.addIssue({
      code: 'custom',
      path: ['x1'],
      message: 'x1 must be greater than x0 (empty or inverted box)',
    });
  if (!(b.y1 > b.y0))
    ctx.addIssue({
      code: 'custom',
      path: ['y1'],
      message: 'y1 must be greater than y0 (empty or inverted box)',
    });
};
/** Box in image pixels, continuous coordinates, x1 > x0 and y1 > y0. */
export const boxSchema = z.object(boxShape).superRefine(boxOrder);
export type Box = z.infer<typeof boxSchema>;

const clickShape = { x: z.number(), y: z.number(), positive: z.boolean() };
export const clickSchema = z.object(clickShape);
export type ClickPrompt = z.infer<typeof clickSchema>;

const strokeShape = {
  points: z.array(pointSchema).min(1),
  /** Disc radius in image pixels. */
  radius: z.number().positive(),
  mode: z.enum(['brush', 'eraser']),
};
export const brushStrokeSchema = z.object(strokeShape);
export type BrushStroke = z.infer<typeof brushStrokeSchema>;

export const boxPromptSchema = z
  .object({ kind: z.literal('box'), ...boxShape })
  .superRefine(boxOrder);
export const clickPromptSchema = z.object({ kind: z.literal('click'), ...clickShape });
export const brushPromptSchema = z.object({ kind: z.literal('brush'), ...strokeShape });

/** Any annotator action, discriminated on `kind`; the fields are those of Box/ClickPrompt/BrushStroke. */
export const promptSchema = z.discriminatedUnion('kind', [
  boxPromptSchema,
  clickPromptSchema,
  brushPromptSchema,
]);
export type BoxPrompt = z.infer<typeof boxPromptSchema>;
export type ClickPromptItem = z.infer<typeof clickPromptSchema>;
export type BrushPrompt = z.infer<typeof brushPromptSchema>;
export type Prompt = z.infer<typeof promptSchema>;

export const imageSizeSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type ImageSize = z.infer<typeof imageSizeSchema>;

/** An ordered list of prompts (e.g. an annotation's history). */
export const promptListSchema = z.array(promptSchema);

/** Uncompressed COCO RLE: size [height, width], column-major run lengths starting with background. */
export const cocoRleSchema = z.object({
  size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  counts: z.array(z.number().int().nonnegative()),
});

/** COCO RLE as found in annotation JSON: compressed (string) or uncompressed counts. */
export const cocoRleJsonSchema = z.object({
  size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  counts: z.union([z.string(), z.array(z.number().int().nonnegative())]),
});

/** The crop transform (see crop.ts), e.g. when sent from a worker or stored with a prediction. */
export const cropTransformSchema = z.object({
  x0: z.number(),
  y0: z.number(),
  size: z.number().positive(),
  inputSize: z.number().int().positive(),
  scale: z.number().positive(),
});
