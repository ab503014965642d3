/**
 * The ceiling the mask grid puts on quality (#13): a ground-truth object passed through the
 * model's M x M logit grid over its box-centred crop and pasted back exactly as predictions are
 * (pasteMaskLogits: bilinear logits, threshold 0). A model can do no better than this, whatever
 * it learns. Two versions:
 *   coverage  the best grid: each cell's logit from the share of the cell the object covers
 *             (4 x 4 sub-samples per cell), clamped to +-8;
 *   target    the grid the model is trained to reproduce (training-sample targetOnCrop: bilinear
 *             sample at the cell centre, >= 0.5), as +-8 logits.
 * Browser-safe: no tfjs, no node: imports.
 */
import {
  computeCrop,
  iou,
  maskBoundingBox,
  pasteMaskLogits,
  sampleCropBilinear,
  type Mask,
} from '@loupe/prompts';
import type { ModelManifest } from '../contract';

export interface MaskGridCeiling {
  area: number;
  /** IoU with the ground truth of the best M x M grid (cell coverage as logits). */
  coverageIou: number;
  /** IoU with the ground truth of the training target's grid (binary cells). */
  targetIou: number;
}

const SUB = 4;
const CLAMP = 8;

export function maskGridCeiling(
  gt: Mask,
  geometry: Pick<ModelManifest, 'inputSize' | 'maskSize' | 'crop'>,
): MaskGridCeiling {
  const box = maskBoundingBox(gt);
  if (!box) throw new Error('maskGridCeiling: empty ground truth');
  const m = geometry.maskSize;
  const crop = computeCrop(
    box,
    { width: gt.width, height: gt.height },
    { inputSize: geometry.inputSize, ...geometry.crop },
  );
  const fine = sampleCropBilinear(gt.data, gt.width, gt.height, crop, m * SUB);
  const coverage = new Float32Array(m * m);
  for (let y = 0; y < m * SUB; y++)
    for (let x = 0; x < m * SUB; x++) {
      const cell = Math.floor(y / SUB) * m + Math.floor(x / SUB);
      coverage[cell] = (coverage[cell] as number) + (fine[y * m * SUB + x] as number);
    }
  const logit = (p: number) => Math.max(-CLAMP, Math.min(CLAMP, Math.log(p / (1 - p))));
  for (let i = 0; i < coverage.length; i++)
    coverage[i] = logit((coverage[i] as number) / (SUB * SUB));
  const target = sampleCropBilinear(gt.data, gt.width, gt.height, crop, m).map((v) =>
    v >= 0.5 ? CLAMP : -CLAMP,
  );
  const paste = (logits: Float32Array) => pasteMaskLogits(logits, m, crop, gt.width, gt.height, 0);
  return {
    area: gt.data.reduce((a, v) => a + v, 0),
    coverageIou: iou(paste(coverage), gt),
    targetIou: iou(paste(target), gt),
  };
}

/** Ellipse masks of given areas (px) centred in a square image: the ceiling's test objects. */
export function ellipseMask(area: number, aspect: number, imageSide: number): Mask {
  const a = Math.sqrt((area * aspect) / Math.PI);
  const b = a / aspect;
  const c = imageSide / 2 + 0.3;
  const data = new Uint8Array(imageSide * imageSide);
  for (let y = 0; y < imageSide; y++)
    for (let x = 0; x < imageSide; x++) {
      const dx = (x + 0.5 - c) / a;
      const dy = (y + 0.5 - c) / b;
      if (dx * dx + dy * dy <= 1) data[y * imageSide + x] = 1;
    }
  return { width: imageSide, height: imageSide, data };
}
