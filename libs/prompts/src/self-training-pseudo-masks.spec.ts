import { describe, expect, it } from 'vitest';
import type { BoxOutputs } from './pseudo-mask-from-box';
import type { Box } from './schemas';
import {
  DEFAULT_SELF_TRAINING,
  selfTrainingPseudoMasks,
  type SelfTrainingImage,
} from './self-training-pseudo-masks';

const W = 64;
const H = 48;

/** An image with bright discs (value 1) on a dark background. */
function discs(centres: { x: number; y: number; r: number }[]): SelfTrainingImage<Float32Array> {
  const pixels = new Float32Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if (centres.some((c) => (x - c.x) ** 2 + (y - c.y) ** 2 <= c.r * c.r)) pixels[y * W + x] = 1;
  return { width: W, height: H, pixels };
}

/**
 * A segmenter that reads the image: inside the box, bright pixels are the object. `drift` moves
 * its answer with the box's left edge (an unstable model); `iou` is its IoU head.
 */
function brightnessSegmenter(options: { iou: number; drift?: number }) {
  const calls: Box[] = [];
  const predict = async (image: SelfTrainingImage<Float32Array>, box: Box): Promise<BoxOutputs> => {
    calls.push(box);
    const shift = Math.round((options.drift ?? 0) * (box.x0 % 7));
    const p = new Float32Array(W * H);
    for (let y = Math.floor(box.y0); y < Math.ceil(box.y1); y++)
      for (let x = Math.floor(box.x0); x < Math.ceil(box.x1); x++) {
        const source = x - shift;
        if (source >= 0 && source < W && (image.pixels[y * W + source] as number) > 0.5)
          p[y * W + x] = 0.9;
      }
    return { iouPredictions: [options.iou], fullResolution: () => p };
  };
  return { predict, calls };
}

describe('selfTrainingPseudoMasks', () => {
  it('finds each object, and a stable confident model scores its masks high', async () => {
    const image = discs([
      { x: 14, y: 14, r: 6 },
      { x: 44, y: 30, r: 8 },
    ]);
    const model = brightnessSegmenter({ iou: 0.9 });
    const found = await selfTrainingPseudoMasks(model.predict, image);
    expect(found).toHaveLength(2);
    for (const object of found) {
      expect(object.stability).toBeGreaterThan(0.95);
      expect(object.confidence).toBeCloseTo(0.9 * object.stability, 6);
      expect(object.views).toBe(2 + DEFAULT_SELF_TRAINING.jitterViews);
    }
    // The larger disc, pixel for pixel (the flipped view mapped back onto the image).
    const big = found.find((o) => o.mask.data[30 * W + 44]) as (typeof found)[number];
    const truth = discs([{ x: 44, y: 30, r: 8 }]).pixels;
    let wrong = 0;
    for (let i = 0; i < truth.length; i++) wrong += big.mask.data[i] !== truth[i] ? 1 : 0;
    expect(wrong).toBe(0);
    // One overview, then 1 + jitters + flip per object.
    expect(model.calls).toHaveLength(1 + 2 * (2 + DEFAULT_SELF_TRAINING.jitterViews));
  });

  it('a model whose answer moves with the prompt gets a low stability', async () => {
    const image = discs([{ x: 30, y: 24, r: 7 }]);
    const stable = await selfTrainingPseudoMasks(brightnessSegmenter({ iou: 0.9 }).predict, image);
    const drifting = await selfTrainingPseudoMasks(
      brightnessSegmenter({ iou: 0.9, drift: 1 }).predict,
      image,
    );
    expect(stable[0]?.stability).toBeGreaterThan(0.95);
    expect(drifting[0]?.stability ?? 0).toBeLessThan(0.85);
    expect(drifting[0]?.confidence ?? 0).toBeLessThan(stable[0]?.confidence as number);
  });

  it('finds nothing on an empty image, and ignores background-sized or tiny answers', async () => {
    expect(
      await selfTrainingPseudoMasks(brightnessSegmenter({ iou: 0.9 }).predict, discs([])),
    ).toEqual([]);
    const huge = discs([
      { x: 32, y: 24, r: 40 },
      { x: 2, y: 2, r: 1 },
    ]);
    expect(await selfTrainingPseudoMasks(brightnessSegmenter({ iou: 0.9 }).predict, huge)).toEqual(
      [],
    );
  });

  it('works on 8-bit pixels and caps the objects per image', async () => {
    const float = discs([
      { x: 10, y: 10, r: 4 },
      { x: 30, y: 10, r: 5 },
      { x: 50, y: 30, r: 6 },
    ]);
    const bytes = { width: W, height: H, pixels: Uint8Array.from(float.pixels, (v) => v * 255) };
    const predict = async (image: SelfTrainingImage<Uint8Array>, box: Box) =>
      brightnessSegmenter({ iou: 0.8 }).predict(
        { width: W, height: H, pixels: Float32Array.from(image.pixels, (v) => v / 255) },
        box,
      );
    const found = await selfTrainingPseudoMasks(predict, bytes, {
      ...DEFAULT_SELF_TRAINING,
      maxObjects: 2,
    });
    expect(found).toHaveLength(2);
    // Largest first in the overview: the r=4 disc is the one left out.
    expect(found.some((o) => o.mask.data[10 * W + 10])).toBe(false);
  });

  it('with proposals, skips the whole-image look and views only the proposed objects', async () => {
    const image = discs([
      { x: 14, y: 14, r: 6 },
      { x: 44, y: 30, r: 8 },
    ]);
    const model = brightnessSegmenter({ iou: 0.9 });
    // A finder proposed the small disc only (its box, a little loose).
    const found = await selfTrainingPseudoMasks(model.predict, image, DEFAULT_SELF_TRAINING, [
      { x0: 6, y0: 6, x1: 22, y1: 22 },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]?.mask.data[14 * W + 14]).toBe(1);
    expect(found[0]?.mask.data[30 * W + 44]).toBe(0);
    // No full-image box: 1 + jitters + flip views of the one proposal.
    expect(model.calls).toHaveLength(2 + DEFAULT_SELF_TRAINING.jitterViews);
    expect(model.calls.some((b) => b.x0 === 0 && b.y0 === 0 && b.x1 === W && b.y1 === H)).toBe(
      false,
    );
    expect(await selfTrainingPseudoMasks(model.predict, image, DEFAULT_SELF_TRAINING, [])).toEqual(
      [],
    );
  });
});
