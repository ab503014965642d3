import { describe, expect, it } from 'vitest';
import {
  assignDatasetSplits,
  lesionSizeBucket,
  type LesionSizeBucket,
  type SplitCandidate,
} from './assign-dataset-splits';

function candidates(n: number, bucket: LesionSizeBucket, offset = 0): SplitCandidate[] {
  return Array.from({ length: n }, (_, i) => ({
    imageId: `${bucket}-${i + offset}`,
    bucket,
    firstAcceptedAt: new Date(1_000 * (i + offset)),
  }));
}

describe('lesionSizeBucket', () => {
  it('buckets by the foreground share of the image', () => {
    expect(lesionSizeBucket(0, 100)).toBe('empty');
    expect(lesionSizeBucket(50, 10_000)).toBe('small');
    expect(lesionSizeBucket(300, 10_000)).toBe('medium');
    expect(lesionSizeBucket(900, 10_000)).toBe('large');
  });
});

describe('assignDatasetSplits', () => {
  it('holds out the fraction within every bucket', () => {
    const pending = [
      ...candidates(50, 'small'),
      ...candidates(30, 'medium'),
      ...candidates(20, 'large'),
    ];
    const splits = assignDatasetSplits([], pending, 0.2);
    for (const [bucket, n] of [
      ['small', 50],
      ['medium', 30],
      ['large', 20],
    ] as const) {
      const validation = pending.filter(
        (c) => c.bucket === bucket && splits.get(c.imageId) === 'VALIDATION',
      ).length;
      expect(validation).toBe(Math.round(n * 0.2));
    }
  });

  it('is deterministic whatever order the candidates arrive in', () => {
    const pending = [...candidates(17, 'small'), ...candidates(9, 'large')];
    const a = assignDatasetSplits([], pending, 0.2);
    const b = assignDatasetSplits([], [...pending].reverse(), 0.2);
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  it('keeps earlier decisions and tops up the share with new images only', () => {
    const first = candidates(10, 'medium');
    const firstSplits = assignDatasetSplits([], first, 0.2);
    const assigned = first.map((c) => ({ bucket: c.bucket, split: firstSplits.get(c.imageId)! }));
    const next = assignDatasetSplits(assigned, candidates(10, 'medium', 10), 0.2);
    const totalValidation = [...firstSplits.values(), ...next.values()].filter(
      (s) => s === 'VALIDATION',
    ).length;
    expect(totalValidation).toBe(4);
    expect(next.size).toBe(10);
  });

  it('gives a first round of 20 masks a validation set', () => {
    const splits = assignDatasetSplits([], candidates(20, 'small'), 0.2);
    expect([...splits.values()].filter((s) => s === 'VALIDATION')).toHaveLength(4);
  });

  it('rejects a fraction outside [0, 1)', () => {
    expect(() => assignDatasetSplits([], [], 1)).toThrow(RangeError);
  });
});
