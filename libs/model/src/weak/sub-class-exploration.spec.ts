import { describe, expect, it } from 'vitest';
import { createRng } from '../ops/seeded-random';
import { exploreSubClasses, SubClassExplorationError } from './sub-class-exploration';

function blob(center: number[], count: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () =>
    Float32Array.from(center, (c) => c + rng.normal() * 0.1),
  );
}

describe('exploreSubClasses', () => {
  it('separates well-apart clusters into their own sub-classes', () => {
    const a = blob([0, 0, 0], 10, 1);
    const b = blob([5, 5, 0], 10, 2);
    const c = blob([0, 5, 5], 10, 3);
    const { assignments, centroids } = exploreSubClasses([...a, ...b, ...c], {
      subClasses: 3,
      seed: 7,
    });
    expect(centroids).toHaveLength(3);
    const groups = [0, 10, 20].map((s) => new Set(assignments.slice(s, s + 10)));
    for (const g of groups) expect(g.size).toBe(1);
    expect(new Set(groups.map((g) => [...g][0])).size).toBe(3);
    // Centroid of the first group is near its centre.
    const first = centroids[assignments[0] as number] as Float32Array;
    expect(Math.hypot(...first)).toBeLessThan(0.2);
  });

  it('is deterministic for a seed and caps K at the number of features', () => {
    const features = blob([1, 2], 5, 4);
    const one = exploreSubClasses(features, { subClasses: 2, seed: 3 });
    const two = exploreSubClasses(features, { subClasses: 2, seed: 3 });
    expect(one.assignments).toEqual(two.assignments);
    expect(
      exploreSubClasses(features.slice(0, 2), { subClasses: 5, seed: 1 }).centroids,
    ).toHaveLength(2);
  });

  it('lowers inertia with more sub-classes', () => {
    const features = [...blob([0, 0], 8, 5), ...blob([3, 3], 8, 6)];
    const k1 = exploreSubClasses(features, { subClasses: 1, seed: 1 }).inertia;
    const k2 = exploreSubClasses(features, { subClasses: 2, seed: 1 }).inertia;
    expect(k2).toBeLessThan(k1 / 10);
  });

  it('refuses no features, a bad K and ragged features', () => {
    expect(() => exploreSubClasses([], { subClasses: 2, seed: 1 })).toThrow(
      SubClassExplorationError,
    );
    expect(() => exploreSubClasses(blob([0], 3, 1), { subClasses: 0, seed: 1 })).toThrow(
      /subClasses/,
    );
    expect(() =>
      exploreSubClasses([new Float32Array(2), new Float32Array(3)], { subClasses: 1, seed: 1 }),
    ).toThrow(/differ/);
  });
});
