import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelDir } from '../inference/open-model-dir';
import type { SamPredictor } from '../inference/sam-predictor';
import { createRng } from '../ops/seeded-random';
import { encodeFeatureGrid, FeatureGridError, meanFeature } from './feature-grid';

const starterDir = fileURLToPath(new URL('../../../../models/starter', import.meta.url));
let predictor: SamPredictor;

beforeAll(async () => {
  predictor = await openModelDir(starterDir);
});
afterAll(async () => {
  await predictor?.release();
});

function noiseImage(width: number, height: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: width * height }, () => 0.3 + 0.2 * rng.next());
}

describe('encodeFeatureGrid (starter model)', () => {
  it('tiles the image at native scale: grid size, stride and channels follow the encoder', async () => {
    const s = predictor.manifest.inputSize;
    const width = s + 40;
    const height = s - 8;
    const lum = noiseImage(width, height, 1);
    const embedding = await encodeFeatureGrid(predictor, lum, width, height, 'embedding');
    const high = await encodeFeatureGrid(predictor, lum, width, height, 'highRes');
    const both = await encodeFeatureGrid(predictor, lum, width, height, 'both');
    expect(embedding.stride).toBe(8);
    expect([embedding.width, embedding.height]).toEqual([
      Math.ceil(width / 8),
      Math.ceil(height / 8),
    ]);
    expect(high.stride).toBe(4);
    expect(both.stride).toBe(4);
    expect(both.channels).toBe(embedding.channels + high.channels);
    // 'both' = the embedding cell over each fine cell, then that cell's high-res features.
    const fine = (x: number, y: number) => (y * both.width + x) * both.channels;
    const coarse = (x: number, y: number) => (y * embedding.width + x) * embedding.channels;
    const fineHigh = (x: number, y: number) => (y * high.width + x) * high.channels;
    for (const [x, y] of [
      [0, 0],
      [5, 3],
      [both.width - 1, both.height - 1],
    ] as const) {
      expect(both.data[fine(x, y)]).toBeCloseTo(
        embedding.data[coarse(Math.floor(x / 2), Math.floor(y / 2))] as number,
        5,
      );
      expect(both.data[fine(x, y) + embedding.channels]).toBeCloseTo(
        high.data[fineHigh(x, y)] as number,
        5,
      );
    }
    expect(embedding.data.every(Number.isFinite)).toBe(true);
    expect(meanFeature(embedding)).toHaveLength(embedding.channels);
  });

  it('changes features near a bright spot more than far from it', async () => {
    const s = predictor.manifest.inputSize;
    const lum = noiseImage(2 * s, s, 2);
    const spotted = Float32Array.from(lum);
    for (let y = 50; y < 70; y++) for (let x = 50; x < 70; x++) spotted[y * 2 * s + x] = 0.95;
    const a = await encodeFeatureGrid(predictor, lum, 2 * s, s, 'embedding');
    const b = await encodeFeatureGrid(predictor, spotted, 2 * s, s, 'embedding');
    const change = (x: number, y: number) => {
      let d = 0;
      for (let c = 0; c < a.channels; c++) {
        const i = (y * a.width + x) * a.channels + c;
        d += ((a.data[i] as number) - (b.data[i] as number)) ** 2;
      }
      return Math.sqrt(d);
    };
    // Same tile, at the spot vs the other tile (which never saw it).
    expect(change(7, 7)).toBeGreaterThan(0);
    expect(change(a.width - 2, 7)).toBeLessThan(change(7, 7));
  });

  it('refuses luminance of the wrong size', async () => {
    await expect(encodeFeatureGrid(predictor, new Float32Array(10), 4, 4)).rejects.toThrow(
      FeatureGridError,
    );
  });
});
