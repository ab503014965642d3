import { evaluateOnnxModel, generateSyntheticFaDataset } from '@loupe/model/node';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byLabel, bySize, CEILING_AREAS, shapeCeiling, summarizeObjects } from './quality';

const starterDir = join(__dirname, '..', '..', 'models', 'starter');

describe('quality metrics by lesion size', () => {
  it('puts objects in the small/medium/large buckets at 100 and 1000 px', () => {
    const object = (area: number, reaches90: boolean) => ({
      image: 'x',
      object: 0,
      area,
      box: { x0: 0, y0: 0, x1: 1, y1: 1 },
      dice: area / 10_000,
      iou: 0,
      hd95: area === 99 ? null : 2,
      predictedIou: 0,
      iouPerClick: reaches90 ? [0.5, 0.95] : [0.5, 0.6],
      noc85: reaches90 ? 1 : 20,
      noc90: reaches90 ? 1 : 20,
      clickHonoured: [true],
      clickPositive: [true],
      clickHonouredByModel: [false],
    });
    const buckets = bySize(
      [object(99, true), object(100, false), object(999, true), object(1000, false)],
      20,
    );
    expect(Object.keys(buckets)).toEqual(['small', 'medium', 'large']);
    expect(buckets['small']).toMatchObject({ objects: 1, nof90: 0, noc90: 1 });
    expect(buckets['small']?.hd95).toBeNaN(); // its only proposal was empty
    expect(buckets['medium']).toMatchObject({ objects: 2, nof90: 1, noc90: 10.5, hd95: 2 });
    expect(buckets['medium']?.dice).toBeCloseTo((100 + 999) / 2 / 10_000, 10);
    expect(buckets['large']).toMatchObject({ objects: 1, nof90: 1, noc90: 20 });
  });

  it('reports the mask grid ceiling for every test area and shape, finer grids higher', () => {
    const geometry = {
      inputSize: 128,
      maskSize: 64,
      crop: { contextMargin: 0.5, minCropSize: 48 },
    };
    const fine = shapeCeiling(geometry);
    expect(fine.rows).toHaveLength(CEILING_AREAS.length * 2);
    expect(fine.minCoverageIou).toBe(Math.min(...fine.rows.map((r) => r.coverageIou)));
    expect(fine.minCoverageIou).toBeGreaterThan(0.9);
    expect(fine.minBestIou).toBe(Math.min(...fine.rows.map((r) => r.bestIou)));
    expect(fine.minBestIou).toBeGreaterThanOrEqual(0.98);
    const coarse = shapeCeiling({ ...geometry, maskSize: 16 });
    expect(coarse.minCoverageIou).toBeLessThan(fine.minCoverageIou);
    expect(coarse.minBestIou).toBeLessThan(fine.minBestIou);
  });

  it('groups objects by a label (e.g. polarity) and leaves unlabelled objects out', () => {
    const object = (image: string, index: number, dice: number) => ({
      image,
      object: index,
      area: 50,
      box: { x0: 0, y0: 0, x1: 1, y1: 1 },
      dice,
      iou: dice,
      hd95: 1,
      predictedIou: 0,
      iouPerClick: [dice],
      noc85: 20,
      noc90: 20,
      clickHonoured: [],
      clickPositive: [],
      clickHonouredByModel: [],
    });
    const labels: Record<string, string[]> = { a: ['dark', 'bright'], b: ['bright'] };
    const groups = byLabel(
      [object('a', 0, 0.1), object('a', 1, 0.9), object('b', 0, 0.7), object('c', 0, 0.5)],
      20,
      (o) => labels[o.image]?.[o.object],
    );
    expect(Object.keys(groups)).toEqual(['bright', 'dark']);
    expect(groups['bright']?.objects).toBe(2);
    expect(groups['bright']?.dice).toBeCloseTo(0.8, 10);
    expect(groups['dark']).toMatchObject({ objects: 1, dice: 0.1, nof90: 1 });
  });

  it('agrees with evaluateOnnxModel over all objects (same definitions as the lib)', async () => {
    const samples = generateSyntheticFaDataset({ count: 2, size: 128, seed: 77 }).map((d) => ({
      image: { pixels: d.image, width: d.width, height: d.height, channels: 1 as const },
      gtMask: d.mask,
    }));
    const result = await evaluateOnnxModel({ modelDir: starterDir, samples, maxClicks: 3 });
    const ours = summarizeObjects(result.perObject, 3);
    expect(ours.objects).toBe(result.summary.objects);
    expect(ours.dice).toBeCloseTo(result.summary.dice, 10);
    expect(ours.iou).toBeCloseTo(result.summary.iou, 10);
    expect(ours.noc90).toBeCloseTo(result.summary.noc90, 10);
    expect(ours.nof90).toBe(result.summary.nof90);
  });
});
