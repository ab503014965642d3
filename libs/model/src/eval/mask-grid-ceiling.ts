/**
 * The ceiling the mask grid puts on quality (#13): a ground-truth object passed through the
 * model's M x M logit grid over its box-centred crop and pasted back exactly as predictions are
 * (pasteMaskLogits: bilinear logits, threshold 0). A model can do no better than this, whatever
 * it learns. Three grids:
 *   coverage  each cell's logit from the share of the cell the object covers (4 x 4 sub-samples
 *             per cell), clamped to +-8;
 *   signed distance  each cell's logit from the object's signed distance at the cell centre (in
 *             cells, clamped to +-8): bilinear interpolation of a linear ramp is exact, so the
 *             pasted edge sits on the true one wherever the outline is locally straight. Coverage
 *             logits bend that ramp (logit(share) is not linear in the edge's position), which
 *             cost up to 2.4 IoU points on large elongated objects (cells of 4-12 px);
 *   target    the grid the model is trained to reproduce (training-sample targetOnCrop: bilinear
 *             sample at the cell centre, >= 0.5), as +-8 logits.
 * The grid's ceiling is the best of the grids it can hold (bestIou): any of them is a decoder
 * output the same paste turns into that IoU.
 * Browser-safe: no tfjs, no node: imports.
 */
import {
  computeCrop,
  distanceTransform,
  iou,
  maskBoundingBox,
  pasteMaskLogits,
  sampleCropBilinear,
  type CropTransform,
  type Mask,
} from '@loupe/prompts';
import type { ModelManifest } from '../contract';

export interface MaskGridCeiling {
  area: number;
  /** IoU with the ground truth of the best M x M grid (cell coverage as logits). */
  coverageIou: number;
  /** IoU with the ground truth of the signed-distance grid. */
  signedDistanceIou: number;
  /** The higher of coverageIou and signedDistanceIou: what the grid allows. */
  bestIou: number;
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
  const cellPx = crop.size / m;
  const signedDistance = sampleCropBilinear(
    signedDistancePlane(gt, crop),
    gt.width,
    gt.height,
    crop,
    m,
  ).map((d) => Math.max(-CLAMP, Math.min(CLAMP, d / cellPx)));
  const paste = (logits: Float32Array) => pasteMaskLogits(logits, m, crop, gt.width, gt.height, 0);
  const coverageIou = iou(paste(coverage), gt);
  const signedDistanceIou = iou(paste(signedDistance), gt);
  return {
    area: gt.data.reduce((a, v) => a + v, 0),
    coverageIou,
    signedDistanceIou,
    bestIou: Math.max(coverageIou, signedDistanceIou),
    targetIou: iou(paste(target), gt),
  };
}

/**
 * Signed distance (px) from each pixel centre to the object's outline: + inside, - outside, 0
 * beyond the crop. The outline lies half a pixel before the nearest pixel of the other side.
 * Computed on the crop's part of the image only: the object's box is inside the crop, so every
 * nearest pixel of the other side is too (the image's edge counts as outside).
 */
function signedDistancePlane(gt: Mask, crop: CropTransform): Float32Array {
  const x0 = Math.max(0, Math.floor(crop.x0));
  const y0 = Math.max(0, Math.floor(crop.y0));
  const x1 = Math.min(gt.width, Math.ceil(crop.x0 + crop.size));
  const y1 = Math.min(gt.height, Math.ceil(crop.y0 + crop.size));
  const w = x1 - x0;
  const h = y1 - y0;
  const sub = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    sub.set(gt.data.subarray((y0 + y) * gt.width + x0, (y0 + y) * gt.width + x1), y * w);
  const inside = distanceTransform(sub, w, h, { zeroBorder: true });
  const outside = distanceTransform(
    sub.map((v) => (v ? 0 : 1)),
    w,
    h,
  );
  const out = new Float32Array(gt.data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      out[(y0 + y) * gt.width + x0 + x] = sub[i]
        ? (inside[i] as number) - 0.5
        : 0.5 - (outside[i] as number);
    }
  return out;
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
