/**
 * Sub-class exploration (WeakMedSAM, SCE): the image-level features of the images tagged
 * 'present' are clustered (k-means, k-means++ seeding) into K sub-classes, and the classification
 * head is trained on the sub-class labels besides the parent label. A lesion that always appears
 * with the same context (co-occurrence: vessels, the optic disc) then no longer explains the whole
 * parent class; each sub-class has its own activation map. Hand-written (30 lines) rather than a
 * dependency because it must be seeded and deterministic like every other random choice here.
 */
import { createRng } from '../ops/seeded-random';

export interface SubClassClustering {
  /** Sub-class (0..K-1) of each input feature. */
  assignments: number[];
  /** K x C centroids. */
  centroids: Float32Array[];
  /** Sum of squared distances to the assigned centroids. */
  inertia: number;
}

export class SubClassExplorationError extends Error {
  override name = 'SubClassExplorationError';
}

function squaredDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return s;
}

/** k-means with k-means++ seeding; K is capped at the number of features. */
export function exploreSubClasses(
  features: readonly Float32Array[],
  options: { subClasses: number; seed: number; iterations?: number },
): SubClassClustering {
  if (features.length === 0)
    throw new SubClassExplorationError('no positive images to cluster (tag some images present)');
  if (!Number.isInteger(options.subClasses) || options.subClasses < 1)
    throw new SubClassExplorationError(
      `subClasses must be an integer >= 1, got ${options.subClasses}`,
    );
  const dims = (features[0] as Float32Array).length;
  if (features.some((f) => f.length !== dims))
    throw new SubClassExplorationError('features differ in length');
  const k = Math.min(options.subClasses, features.length);
  const rng = createRng(options.seed);
  const centroids: Float32Array[] = [
    Float32Array.from(features[rng.int(features.length)] as Float32Array),
  ];
  while (centroids.length < k) {
    const d = features.map((f) => Math.min(...centroids.map((c) => squaredDistance(f, c))));
    const total = d.reduce((a, b) => a + b, 0);
    let pick = total > 0 ? rng.next() * total : 0;
    let index = d.findIndex((v) => (pick -= v) < 0);
    if (index < 0) index = d.findIndex((v) => v > 0);
    if (index < 0) break; // fewer distinct features than K
    centroids.push(Float32Array.from(features[index] as Float32Array));
  }
  let assignments = features.map(() => 0);
  for (let iter = 0; iter < (options.iterations ?? 50); iter++) {
    const next = features.map((f) => {
      let best = 0;
      let bestD = Infinity;
      centroids.forEach((c, j) => {
        const dist = squaredDistance(f, c);
        if (dist < bestD) [best, bestD] = [j, dist];
      });
      return best;
    });
    const changed = iter === 0 || next.some((a, i) => a !== assignments[i]);
    assignments = next;
    centroids.forEach((c, j) => {
      const members = features.filter((_, i) => assignments[i] === j);
      if (members.length === 0) return; // keeps an empty cluster's centroid
      c.fill(0);
      for (const m of members)
        for (let i = 0; i < dims; i++) c[i] = (c[i] as number) + (m[i] as number);
      for (let i = 0; i < dims; i++) c[i] = (c[i] as number) / members.length;
    });
    if (!changed) break;
  }
  const inertia = features.reduce(
    (s, f, i) => s + squaredDistance(f, centroids[assignments[i] as number] as Float32Array),
    0,
  );
  return { assignments, centroids, inertia };
}
