import { connectedComponents, maskArea } from '@loupe/prompts';
import { describe, expect, it } from 'vitest';
import { generateSyntheticVolumes } from './synthetic-volume';

const area = (m: Uint8Array) => m.reduce((n, v) => n + v, 0);
function centroid(m: Uint8Array, size: number): [number, number] {
  let sx = 0;
  let sy = 0;
  let n = 0;
  m.forEach((v, i) => {
    if (!v) return;
    sx += i % size;
    sy += Math.floor(i / size);
    n += 1;
  });
  return [sx / n, sy / n];
}

describe('generateSyntheticVolumes', () => {
  const volumes = generateSyntheticVolumes(4, { size: 96, depth: 40, seed: 7, splitChance: 1 });

  it('is deterministic and has the requested shape', () => {
    const again = generateSyntheticVolumes(1, { size: 96, depth: 40, seed: 7, splitChance: 1 });
    expect(again[0]!.slices[20]).toEqual(volumes[0]!.slices[20]);
    for (const v of volumes) {
      expect([v.width, v.height, v.depth, v.slices.length]).toEqual([96, 96, 40, 40]);
      expect(v.lesions.length).toBeGreaterThan(0);
      for (const l of v.lesions) expect(l.masks).toHaveLength(40);
    }
  });

  it('lesions appear, grow, drift, split and vanish within the volume', () => {
    const lesions = volumes.flatMap((v) => v.lesions);
    for (const l of lesions) {
      // Empty off its span, present on it.
      expect(l.masks.every((m, k) => (k >= l.first && k <= l.last) === area(m) > 0)).toBe(true);
      const mid = Math.round((l.first + l.last) / 2);
      expect(area(l.masks[mid]!)).toBeGreaterThan(area(l.masks[l.first]!));
      expect(area(l.masks[mid]!)).toBeGreaterThan(area(l.masks[l.last]!));
    }
    const drift = lesions.map((l) => {
      const [x0, y0] = centroid(l.masks[l.first]!, 96);
      const early = l.splitAt === null ? l.last : l.splitAt - 1;
      const [x1, y1] = centroid(l.masks[early]!, 96);
      return Math.hypot(x1 - x0, y1 - y0);
    });
    expect(Math.max(...drift)).toBeGreaterThan(2);
    // With splitChance 1, every long enough lesion is in two parts a few slices after its split.
    const split = lesions.filter((l) => l.splitAt !== null && l.splitAt + 4 <= l.last - 2);
    expect(split.length).toBeGreaterThan(0);
    for (const l of split) {
      const after = { width: 96, height: 96, data: l.masks[l.splitAt! + 4]! };
      expect(connectedComponents(after)).toHaveLength(2);
      expect(maskArea(after)).toBeGreaterThan(0);
    }
  });

  it('lesions are brighter than the background around them', () => {
    const v = volumes[0]!;
    const l = v.lesions[0]!;
    const k = Math.round((l.first + l.last) / 2);
    const mask = l.masks[k]!;
    let inside = 0;
    let outside = 0;
    let nIn = 0;
    let nOut = 0;
    mask.forEach((m, i) => {
      if (m) {
        inside += v.slices[k]![i]!;
        nIn++;
      } else {
        outside += v.slices[k]![i]!;
        nOut++;
      }
    });
    expect(inside / nIn).toBeGreaterThan(outside / nOut + 20);
  });
});
