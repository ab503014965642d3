import { describe, expect, it } from 'vitest';
import { normalizeCrop, preprocessCrop, toLuminance } from './preprocess';

describe('pre-processing', () => {
  it('converts RGB(A) and gray to luminance in 0..1', () => {
    expect(Array.from(toLuminance(Uint8Array.of(255, 0, 0, 0, 255, 0), 2, 1, 3))).toEqual([
      expect.closeTo(0.299, 5),
      expect.closeTo(0.587, 5),
    ]);
    expect(Array.from(toLuminance(Uint8Array.of(0, 255), 2, 1, 1))).toEqual([0, 1]);
    expect(() => toLuminance(Uint8Array.of(1, 2, 3), 2, 1, 1)).toThrow(/expected 2 values/);
  });

  it('scales 16-bit samples by 65535 and 8-bit ones by 255', () => {
    expect(Array.from(toLuminance(Uint16Array.of(0, 65535, 257 * 51), 3, 1))).toEqual([
      0,
      1,
      expect.closeTo(0.2, 6),
    ]);
    expect(Array.from(toLuminance(Uint16Array.of(65535, 0, 0, 0), 1, 1, 4))).toEqual([
      expect.closeTo(0.299, 5),
    ]);
    expect(Array.from(toLuminance(Float32Array.of(0.25), 1, 1))).toEqual([0.25]);
  });

  it('z-scores the crop and keeps a flat crop finite', () => {
    const z = normalizeCrop(Float32Array.of(1, 2, 3, 4));
    const mean = z.reduce((a, b) => a + b) / 4;
    const std = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    expect(mean).toBeCloseTo(0, 6);
    expect(std).toBeCloseTo(1, 5);
    expect(Array.from(normalizeCrop(new Float32Array(4).fill(0.5)))).toEqual([0, 0, 0, 0]);
  });

  it('zooms in on a small box: a 10-px object fills a good part of the crop', () => {
    const w = 600;
    const lum = new Float32Array(w * w);
    for (let y = 300; y < 310; y++) for (let x = 200; x < 210; x++) lum[y * w + x] = 1;
    const { crop, input } = preprocessCrop(
      lum,
      w,
      w,
      { x0: 200, y0: 300, x1: 210, y1: 310 },
      { inputSize: 64, contextMargin: 0.5, minCropSize: 24 },
    );
    expect(crop.size).toBe(24);
    const bright = input.filter((v) => v > 0).length;
    expect(bright / input.length).toBeGreaterThan(0.1);
  });
});
