import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boxToModelPoints,
  computeCrop,
  cropFits,
  fullImageCrop,
  imageToModel,
  modelToImage,
  promptsToModelInputs,
} from './crop';
import { PromptError } from './errors';
import { PROMPT_LABEL } from './labels';

const image = { width: 512, height: 384 };
const opts = { inputSize: 256, contextMargin: 0.25, minCropSize: 64 };

describe('computeCrop', () => {
  it('centres a square crop on the box with context', () => {
    const crop = computeCrop({ x0: 100, y0: 100, x1: 200, y1: 150 }, image, opts);
    expect(crop.size).toBe(150); // 100 * (1 + 2 * 0.25)
    expect(crop.x0).toBe(75);
    expect(crop.y0).toBe(50);
    expect(crop.inputSize).toBe(256);
    expect(crop.scale).toBeCloseTo(256 / 150, 12);
  });

  it('uses minCropSize for tiny boxes and may extend outside the image', () => {
    const crop = computeCrop({ x0: 0, y0: 0, x1: 4, y1: 4 }, image, opts);
    expect(crop.size).toBe(64);
    expect(crop.x0).toBe(-30);
    expect(crop.y0).toBe(-30);
  });

  it('maps box corners into the crop symmetric about the centre', () => {
    const box = { x0: 100, y0: 100, x1: 200, y1: 150 };
    const crop = computeCrop(box, image, opts);
    const { coords, labels } = boxToModelPoints(box, crop);
    expect(labels).toEqual([2, 3]);
    expect((coords[0].x + coords[1].x) / 2).toBeCloseTo(128, 9);
    expect((coords[0].y + coords[1].y) / 2).toBeCloseTo(128, 9);
    expect(coords[1].x - coords[0].x).toBeCloseTo(256 / 1.5, 9);
  });

  it.each([
    [{ x0: 10, y0: 10, x1: 10, y1: 20 }, 'box.x1'],
    [{ x0: 10, y0: 30, x1: 20, y1: 20 }, 'box.y1'],
    [{ x0: -1, y0: 10, x1: 20, y1: 20 }, 'box.x0'],
    [{ x0: 10, y0: 10, x1: 600, y1: 20 }, 'box.x1'],
    [{ x0: 10, y0: 10, x1: 20, y1: NaN }, 'box.y1'],
    [{ x0: 10, y0: 10, x1: Infinity, y1: 20 }, 'box.x1'],
  ])('rejects bad box %o naming %s', (box, field) => {
    try {
      computeCrop(box, image, opts);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PromptError);
      expect((e as PromptError).field).toBe(field);
    }
  });

  it('rejects bad options', () => {
    const box = { x0: 10, y0: 10, x1: 20, y1: 20 };
    expect(() => computeCrop(box, image, { ...opts, inputSize: 0 })).toThrow(/options.inputSize/);
    expect(() => computeCrop(box, image, { ...opts, contextMargin: -1 })).toThrow(
      /options.contextMargin/,
    );
    expect(() => computeCrop(box, image, { ...opts, minCropSize: NaN })).toThrow(
      /options.minCropSize/,
    );
  });
});

describe('imageToModel / modelToImage', () => {
  it('round-trip (property)', () => {
    const coord = fc.double({ min: 0, max: 500, noNaN: true });
    fc.assert(
      fc.property(
        coord,
        coord,
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        coord,
        coord,
        (x0, y0, bw, bh, px, py) => {
          const box = {
            x0: Math.min(x0, 400),
            y0: Math.min(y0, 280),
            x1: Math.min(x0, 400) + bw,
            y1: Math.min(y0, 280) + bh,
          };
          const crop = computeCrop(box, image, opts);
          const p = { x: px, y: py };
          const back = modelToImage(imageToModel(p, crop), crop);
          expect(back.x).toBeCloseTo(p.x, 6);
          expect(back.y).toBeCloseTo(p.y, 6);
          const m = { x: px / 2, y: py / 2 };
          const m2 = imageToModel(modelToImage(m, crop), crop);
          expect(m2.x).toBeCloseTo(m.x, 6);
          expect(m2.y).toBeCloseTo(m.y, 6);
        },
      ),
    );
  });

  it('maps the crop edges to 0 and inputSize', () => {
    const crop = fullImageCrop(image, 1024);
    expect(imageToModel({ x: 0, y: 0 }, crop)).toEqual({ x: 0, y: 0 });
    expect(imageToModel({ x: 512, y: 384 }, crop)).toEqual({ x: 1024, y: 768 });
  });

  it('rejects non-finite points', () => {
    const crop = fullImageCrop(image, 64);
    expect(() => imageToModel({ x: NaN, y: 0 }, crop)).toThrow(/point.x/);
    expect(() => modelToImage({ x: 0, y: Infinity }, crop)).toThrow(/point.y/);
  });
});

describe('promptsToModelInputs', () => {
  const crop = fullImageCrop({ width: 100, height: 100 }, 200);
  it('puts box corners first, then clicks', () => {
    const r = promptsToModelInputs(
      { x0: 10, y0: 20, x1: 30, y1: 40 },
      [
        { x: 5, y: 6, positive: true },
        { x: 7, y: 8, positive: false },
      ],
      crop,
    );
    expect(r.count).toBe(4);
    expect(Array.from(r.coords)).toEqual([20, 40, 60, 80, 10, 12, 14, 16]);
    expect(Array.from(r.labels)).toEqual([2, 3, 1, 0]);
  });
  it('appends a padding point when there is no box (as SAM)', () => {
    const r = promptsToModelInputs(null, [{ x: 5, y: 6, positive: true }], crop);
    expect(Array.from(r.coords)).toEqual([10, 12, 0, 0]);
    expect(Array.from(r.labels)).toEqual([PROMPT_LABEL.positive, PROMPT_LABEL.padding]);
  });
  it('names a bad click', () => {
    expect(() =>
      promptsToModelInputs(
        null,
        [
          { x: 1, y: 1, positive: true },
          { x: NaN, y: 1, positive: true },
        ],
        crop,
      ),
    ).toThrow(/clicks.1.x/);
  });
});

describe('cropFits', () => {
  const crop = (x0: number, y0: number, size: number) => ({
    x0,
    y0,
    size,
    inputSize: 128,
    scale: 128 / size,
  });
  it('takes a crop within a quarter of the side in size and an eighth in centre', () => {
    expect(cropFits(crop(0, 0, 100), crop(0, 0, 100))).toBe(true);
    expect(cropFits(crop(0, 0, 100), crop(-10, -10, 120))).toBe(true);
    expect(cropFits(crop(0, 0, 100), crop(12, 0, 100))).toBe(true);
    expect(cropFits(crop(0, 0, 100), crop(13, 0, 100))).toBe(false);
    expect(cropFits(crop(0, 0, 100), crop(-15, -15, 130))).toBe(false);
  });
});
