/**
 * Simulated annotator: the standard clicker of RITM / SimpleClick (isegm/inference/clicker.py).
 */
import { PromptError } from './errors';
import type { Mask } from './mask';
import { assertMaskSize, createMask } from './mask';
import { distanceTransform } from './distance-transform';
import { iou } from './metrics';
import { thresholdProbabilities } from './sample';
import type { Box, ClickPrompt } from './schemas';
import { validateBox } from './validate';

/** Probability threshold for predictions (RITM's pred_thr). */
export const CLICK_PRED_THRESHOLD = 0.49;

/**
 * Next corrective click. FN = gt & !pred & !clicked, FP = !gt & pred & !clicked; the L2 distance
 * transform of each (outside the image counts as background, a 1-px zero border) is taken, and the
 * click goes to the argmax of the region with the larger maximum distance - positive for FN
 * (ties go to FP, as in RITM). Among equal distances, the first pixel in row-major order wins.
 * The click is at the pixel centre (col + 0.5, row + 0.5). Returns null when pred == gt outside
 * clicked pixels.
 */
export function nextClick(gt: Mask, predicted: Mask, clicked: Mask): ClickPrompt | null {
  const { width: w, height: h } = gt;
  assertMaskSize(gt, w, h, 'gt');
  assertMaskSize(predicted, w, h, 'predicted');
  assertMaskSize(clicked, w, h, 'clicked');
  const n = w * h;
  const fn = new Uint8Array(n);
  const fp = new Uint8Array(n);
  // Bounding boxes of each region: the distance transform is only needed there (see argmax).
  const bbFn = [w, h, -1, -1];
  const bbFp = [w, h, -1, -1];
  const grow = (bb: number[], x: number, y: number) => {
    if (x < (bb[0] as number)) bb[0] = x;
    if (y < (bb[1] as number)) bb[1] = y;
    if (x > (bb[2] as number)) bb[2] = x;
    if (y > (bb[3] as number)) bb[3] = y;
  };
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      if (clicked.data[i]) continue;
      const g = gt.data[i];
      const p = predicted.data[i];
      if (g && !p) {
        fn[i] = 1;
        grow(bbFn, x, y);
      } else if (!g && p) {
        fp[i] = 1;
        grow(bbFp, x, y);
      }
    }
  }
  const anyFn = (bbFn[2] as number) >= 0;
  const anyFp = (bbFp[2] as number) >= 0;
  if (!anyFn && !anyFp) return null;
  /**
   * Max of the region's distance transform (1-px zero border) and its first row-major argmax.
   * Computed on the region's bounding box with a zero border: every pixel outside the box is 0,
   * and for any such zero the nearest point of the box's 1-px ring is no farther, so this equals
   * the full-image transform while costing only the box.
   */
  const argmax = (region: Uint8Array, bb: number[]): [number, number] => {
    const [bx0, by0, bx1, by1] = bb as [number, number, number, number];
    if (bx1 < 0) return [0, -1];
    const bw = bx1 - bx0 + 1;
    const bh = by1 - by0 + 1;
    const sub = new Uint8Array(bw * bh);
    for (let y = 0; y < bh; y++)
      sub.set(region.subarray((by0 + y) * w + bx0, (by0 + y) * w + bx0 + bw), y * bw);
    const dt = distanceTransform(sub, bw, bh, { zeroBorder: true });
    let best = 0;
    let at = -1;
    for (let i = 0; i < dt.length; i++) {
      const d = dt[i] as number;
      if (d > best) {
        best = d;
        at = i;
      }
    }
    if (at < 0) return [0, -1];
    const sy = Math.floor(at / bw);
    return [best, (by0 + sy) * w + bx0 + (at - sy * bw)];
  };
  const [fnMax, fnAt] = argmax(fn, bbFn);
  const [fpMax, fpAt] = argmax(fp, bbFp);
  const positive = fnMax > fpMax;
  const at = positive ? fnAt : fpAt;
  const row = Math.floor(at / w);
  const col = at - row * w;
  return { x: col + 0.5, y: row + 0.5, positive };
}

export type PredictFn = (
  box: Box | null,
  clicks: ClickPrompt[],
) => Promise<Float32Array> | Float32Array;

/**
 * The IoU at which an annotator accepts a mask without further edits: the clicker stops there, the
 * loop's scripted annotator accepts there, and NoC@90 counts clicks to it.
 */
export const ACCEPT_IOU = 0.9;

/** ACCEPT_IOU as Dice (2 IoU / (1 + IoU) = 0.947): a mask this good is accepted as it is. */
export const ACCEPT_DICE = (2 * ACCEPT_IOU) / (1 + ACCEPT_IOU);

export interface ClickSessionOptions {
  gt: Mask;
  /** The box given first (index 0 of iouPerClick); null for a clicks-only session. */
  box: Box | null;
  /** Full-resolution probabilities (gt.width * gt.height) for the box and clicks so far. */
  predict: PredictFn;
  maxClicks?: number;
  /** Stop once IoU >= targetIou (default ACCEPT_IOU); use a value > 1 to always run maxClicks. */
  targetIou?: number;
  /** Probability threshold (default 0.49). */
  threshold?: number;
}

export interface ClickSessionResult {
  /** Index 0 = box only, k = after k clicks. */
  iouPerClick: number[];
  clicks: ClickPrompt[];
  /** Per click: the clicked pixel is inside (positive) / outside (negative) the mask right after it. */
  clickHonoured: boolean[];
  finalMask: Mask;
}

/**
 * Box first, then corrective clicks from nextClick until IoU >= targetIou or maxClicks clicks.
 * For a clicks-only session (box null) the first prediction is made with no prompts.
 */
export async function runClickSession(options: ClickSessionOptions): Promise<ClickSessionResult> {
  const { gt, box, predict } = options;
  const maxClicks = options.maxClicks ?? 20;
  const target = options.targetIou ?? ACCEPT_IOU;
  const thr = options.threshold ?? CLICK_PRED_THRESHOLD;
  assertMaskSize(gt, gt.width, gt.height, 'gt');
  if (box) validateBox(box, { width: gt.width, height: gt.height });
  if (!Number.isInteger(maxClicks) || maxClicks < 0)
    throw new PromptError('maxClicks', `must be an integer >= 0, got ${maxClicks}`);
  const { width: w, height: h } = gt;
  const clicks: ClickPrompt[] = [];
  const clicked = createMask(w, h);
  const run = async (): Promise<Mask> => {
    const probs = await predict(box, clicks.slice());
    if (!(probs instanceof Float32Array) || probs.length !== w * h)
      throw new PromptError(
        'probabilities',
        `predict must return a Float32Array of ${w}x${h}, got length ${probs?.length}`,
      );
    return thresholdProbabilities(probs, w, h, thr);
  };
  let pred = await run();
  const iouPerClick = [iou(gt, pred)];
  const clickHonoured: boolean[] = [];
  while ((iouPerClick[iouPerClick.length - 1] as number) < target && clicks.length < maxClicks) {
    const click = nextClick(gt, pred, clicked);
    if (!click) break;
    clicks.push(click);
    const at = Math.floor(click.y) * w + Math.floor(click.x);
    clicked.data[at] = 1;
    pred = await run();
    iouPerClick.push(iou(gt, pred));
    clickHonoured.push((pred.data[at] === 1) === click.positive);
  }
  return { iouPerClick, clicks, clickHonoured, finalMask: pred };
}
