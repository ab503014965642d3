import { describe, expect, it } from 'vitest';
import { buyLabels, equalComputeSamples, labelSeconds, sampleHash } from './weak-budget-plan';

describe('labelSeconds', () => {
  it('prices a tag 1 s, a box 3 s per object, a mask 3 s + 1.5 s per click per object', () => {
    const image = { objectClicks: [0, 2] };
    expect(labelSeconds(image, 'tag')).toBe(1);
    expect(labelSeconds(image, 'box')).toBe(6);
    expect(labelSeconds(image, 'mask')).toBe(3 + 3 + 3);
  });

  it('prices an image with no object as a tag whatever the kind', () => {
    for (const kind of ['mask', 'box', 'tag'] as const)
      expect(labelSeconds({ objectClicks: [] }, kind)).toBe(1);
  });
});

describe('buyLabels', () => {
  const pool = [
    { objectClicks: [1] }, // mask 4.5, box 3
    { objectClicks: [] }, // 1
    { objectClicks: [0, 0] }, // mask 6, box 6
    { objectClicks: [4] }, // mask 9, box 3
  ];

  it('labels images in pool order until the next one no longer fits', () => {
    const { purchases, seconds, poolExhausted } = buyLabels(pool, [{ kind: 'mask', share: 1 }], 12);
    expect(purchases.map((p) => p.image)).toEqual([0, 1, 2]);
    expect(seconds).toBeCloseTo(11.5);
    expect(poolExhausted).toBe(false);
  });

  it('gives each phase its share, carries the rest over, and continues with the next images', () => {
    const { purchases } = buyLabels(
      pool,
      [
        { kind: 'mask', share: 0.5 },
        { kind: 'box', share: 0.5 },
      ],
      14,
    );
    // masks: 4.5 + 1 = 5.5 of 7 (image 2 at 6 more does not fit); boxes: the 7 + 1.5 left over
    // buy image 2 (6 s, 11.5 in all); image 3 (3 s) would make 14.5 > 14.
    expect(purchases.map((p) => `${p.image}:${p.kind}`)).toEqual(['0:mask', '1:mask', '2:box']);
  });

  it('says when the pool ran out before the budget', () => {
    const { purchases, poolExhausted } = buyLabels(pool, [{ kind: 'tag', share: 1 }], 100);
    expect(purchases).toHaveLength(4);
    expect(poolExhausted).toBe(true);
  });

  it('refuses shares that do not add up to 1', () => {
    expect(() => buyLabels(pool, [{ kind: 'tag', share: 0.5 }], 10)).toThrow(/add up to 1/);
  });
});

describe('equalComputeSamples', () => {
  const steps = (n: number, epochs: number) => Math.ceil(n / 4) * epochs;
  const rank = (v: number) => (v * 2654435761) % 1000;

  it('repeats few samples for whole epochs near the step count', () => {
    const out = equalComputeSamples([1, 2, 3, 4, 5, 6, 7], 8, 4, rank);
    expect(out.samples).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(out.epochs).toBe(5);
    expect(steps(7, out.epochs)).toBe(10);
  });

  it('runs exactly the step count over the first-ranked of many, displacing few when more come', () => {
    const many = Array.from({ length: 103 }, (_, i) => i);
    const a = equalComputeSamples(many, 8, 4, rank);
    expect(a.samples).toHaveLength(32);
    expect(a.epochs).toBe(1);
    expect(steps(a.samples.length, a.epochs)).toBe(8);
    expect(new Set(a.samples).size).toBe(32);
    expect(Math.max(...a.samples)).toBeGreaterThan(60); // not just the first ones
    const more = equalComputeSamples([...many, 103, 104, 105, 106], 8, 4, rank);
    const kept = more.samples.filter((v) => a.samples.includes(v));
    expect(kept.length).toBeGreaterThanOrEqual(28);
  });
});

describe('sampleHash', () => {
  it('tells apart samples of the same image with different masks', () => {
    const image = new Uint8Array(400).fill(7);
    const m1 = new Uint8Array(400);
    const m2 = new Uint8Array(400);
    m1[10] = 1;
    m2[11] = 1;
    expect(sampleHash({ image, mask: { data: m1 } })).not.toBe(
      sampleHash({ image, mask: { data: m2 } }),
    );
    expect(sampleHash({ image, mask: { data: m1 } })).toBe(
      sampleHash({ image, mask: { data: m1.slice() } }),
    );
  });
});
