import { maskArea, type Mask } from '@loupe/prompts';
import { describe, expect, it } from 'vitest';
import { removeSpecks } from './remove-specks';

function maskWith(width: number, height: number, pixels: [number, number][]): Mask {
  const data = new Uint8Array(width * height);
  for (const [x, y] of pixels) data[y * width + x] = 1;
  return { width, height, data };
}

describe('removeSpecks', () => {
  const blob: [number, number][] = [];
  for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) blob.push([x, y]);

  it('drops parts under 10 % of the largest and keeps real second parts', () => {
    const withSpeck = maskWith(12, 12, [...blob, [10, 10]]);
    expect(maskArea(removeSpecks(withSpeck))).toBe(16);
    const twoParts = maskWith(12, 12, [...blob, [9, 9], [10, 9], [9, 10], [10, 10]]);
    expect(maskArea(removeSpecks(twoParts))).toBe(20);
  });

  it('returns a single-part mask unchanged', () => {
    const single = maskWith(8, 8, blob);
    expect(removeSpecks(single)).toBe(single);
  });
});
