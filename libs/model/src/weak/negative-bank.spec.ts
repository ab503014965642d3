import { describe, expect, it } from 'vitest';
import { createRng } from '../ops/seeded-random';
import type { FeatureGrid } from './feature-grid';
import { buildNegativeBank, NegativeBankError, noveltyMap } from './negative-bank';

/** 8 x 8 grid of 4-channel features drawn around `centre`, with optional cells set to `odd`. */
function grid(seed: number, odd: { cells: number[]; value: number[] } | null = null): FeatureGrid {
  const rng = createRng(seed);
  const data = new Float32Array(8 * 8 * 4);
  for (let i = 0; i < 64; i++)
    for (let c = 0; c < 4; c++) data[i * 4 + c] = (c === 0 ? 1 : 0) + 0.1 * rng.normal();
  for (const i of odd?.cells ?? []) for (let c = 0; c < 4; c++) data[i * 4 + c] = odd!.value[c]!;
  return { width: 8, height: 8, channels: 4, stride: 8, data };
}

describe('buildNegativeBank', () => {
  const absent = [1, 2, 3, 4, 5, 6, 7, 8].map((s) => grid(s));

  it('calibrates a threshold that absent cells rarely pass', () => {
    const bank = buildNegativeBank(absent, {
      maxSize: 1000,
      calibrationShare: 0.25,
      quantile: 0.99,
      seed: 3,
    });
    expect(bank.size).toBe(8 * 64);
    expect(bank.threshold).toBeGreaterThan(0);
    const map = noveltyMap(bank, grid(99));
    const active = map.values.filter((v) => v > 0).length;
    expect(active).toBeLessThan(64 * 0.1);
  });

  it('marks cells unlike any absent cell, and nothing else, at full novelty', () => {
    const bank = buildNegativeBank(absent, {
      maxSize: 300,
      calibrationShare: 0.25,
      quantile: 0.995,
      seed: 3,
    });
    expect(bank.size).toBe(300);
    const lesion = [18, 19, 26, 27];
    const map = noveltyMap(bank, grid(42, { cells: lesion, value: [0, 3, 3, 0] }));
    for (const i of lesion) expect(map.values[i]).toBe(1);
    const elsewhere = map.values.filter((v, i) => !lesion.includes(i) && v > 0.5).length;
    expect(elsewhere).toBeLessThanOrEqual(1);
    expect(map.width).toBe(8);
    expect(map.stride).toBe(8);
  });

  it('refuses fewer than two absent images and mismatched channels', () => {
    expect(() => buildNegativeBank([grid(1)])).toThrow(NegativeBankError);
    const bank = buildNegativeBank(absent);
    const other: FeatureGrid = {
      width: 2,
      height: 2,
      channels: 3,
      stride: 8,
      data: new Float32Array(12),
    };
    expect(() => noveltyMap(bank, other)).toThrow(/3 channels/);
  });
});
