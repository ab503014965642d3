import { existsSync } from 'node:fs';
import path from 'node:path';
import { connectedComponents, distanceTransform, maskBoundingBox, type Mask } from '@loupe/prompts';
import { beforeAll, describe, expect, it } from 'vitest';
import { driveDataDir, loadDrivePseudoFa } from './drive-pseudo-fa';
import { isEvaluationOnly } from './evaluation-only';
import {
  loadMetaballLeakageFa,
  metaballLeakageBackgrounds,
  type MetaballLeakageSample,
} from './metaball-leakage-fa';
import type { SyntheticFaSample } from './synthetic-fa';

const hasDrive = existsSync(path.join(driveDataDir(), 'images'));

/** Per lesion: interior coefficient of variation, core vs. surrounding ring, and edge step. */
function lesionStats(sample: SyntheticFaSample, lesion: Mask) {
  const box = maskBoundingBox(lesion);
  if (!box) throw new Error('empty lesion');
  // Work on the lesion's box plus a 10 px margin (distance transforms of whole images are slow).
  const x0 = Math.max(0, box.x0 - 10);
  const y0 = Math.max(0, box.y0 - 10);
  const w = Math.min(sample.width, box.x1 + 10) - x0;
  const h = Math.min(sample.height, box.y1 + 10) - y0;
  const at = (i: number) => (Math.floor(i / w) + y0) * sample.width + (i % w) + x0;
  const own = new Uint8Array(w * h).map((_, i) => lesion.data[at(i)] as number);
  const background = new Uint8Array(w * h).map((_, i) => (sample.mask.data[at(i)] ? 0 : 1));
  const inner = distanceTransform(own, w, h);
  const outer = distanceTransform(background, w, h);
  const acc = {
    core: 0,
    coreSq: 0,
    coreN: 0,
    ring: 0,
    ringN: 0,
    in1: 0,
    in1N: 0,
    out1: 0,
    out1N: 0,
  };
  for (let i = 0; i < w * h; i++) {
    const v = sample.image[at(i)] as number;
    if (own[i]) {
      if ((inner[i] as number) >= 3) {
        acc.core += v;
        acc.coreSq += v * v;
        acc.coreN++;
      }
      if ((inner[i] as number) <= 1) {
        acc.in1 += v;
        acc.in1N++;
      }
    } else if ((outer[i] as number) >= 4 && (outer[i] as number) < 8) {
      acc.ring += v;
      acc.ringN++;
    } else if ((outer[i] as number) > 0 && (outer[i] as number) <= 1) {
      acc.out1 += v;
      acc.out1N++;
    }
  }
  const core = acc.core / acc.coreN;
  const ring = acc.ring / acc.ringN;
  return {
    hasCore: acc.coreN > 5,
    cov: Math.sqrt(Math.max(0, acc.coreSq / acc.coreN - core * core)) / Math.max(1, core),
    darker: core < ring,
    /** Share of the core-to-ring contrast crossed in the two pixels either side of the edge. */
    edgeStep: (acc.in1 / acc.in1N - acc.out1 / acc.out1N) / (core - ring),
    contrast: Math.abs(core - ring),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

describe('metaballLeakageBackgrounds', () => {
  it('gives the splits disjoint DRIVE images: evaluation the last 30 % by name', () => {
    const files = Array.from({ length: 20 }, (_, i) => `${21 + i}.png`).reverse();
    const evaluation = metaballLeakageBackgrounds(files, 'evaluation');
    const domain = metaballLeakageBackgrounds(files, 'domain');
    expect(evaluation).toEqual(['35.png', '36.png', '37.png', '38.png', '39.png', '40.png']);
    expect(domain).toHaveLength(14);
    expect(domain.some((f) => evaluation.includes(f))).toBe(false);
    expect(() => metaballLeakageBackgrounds(['21.png'], 'domain')).toThrow(/at least 2/);
  });
});

describe('loadMetaballLeakageFa', () => {
  it('returns [] with one log line when the data folder is absent', async () => {
    const lines: string[] = [];
    const out = await loadMetaballLeakageFa({
      split: 'evaluation',
      count: 2,
      dataDir: path.join(driveDataDir(), 'does-not-exist'),
      log: (l) => lines.push(l),
    });
    expect(out).toEqual([]);
    expect(lines).toEqual([expect.stringMatching(/DRIVE data not found .*skipping/)]);
  });

  describe.skipIf(!hasDrive)('on DRIVE backgrounds', () => {
    let evaluation: MetaballLeakageSample[];
    let training: SyntheticFaSample[];
    beforeAll(async () => {
      evaluation = await loadMetaballLeakageFa({ split: 'evaluation', count: 6, seed: 3 });
      training = await loadDrivePseudoFa({ count: 6, seed: 3 });
    });

    it('is deterministic per (split, seed), and the splits never share an image', async () => {
      const again = await loadMetaballLeakageFa({ split: 'evaluation', count: 2, seed: 3 });
      const domain = await loadMetaballLeakageFa({ split: 'domain', count: 2, seed: 3 });
      const other = await loadMetaballLeakageFa({ split: 'evaluation', count: 2, seed: 4 });
      const same = (a?: SyntheticFaSample, b?: SyntheticFaSample) =>
        Buffer.from(a?.image ?? []).equals(Buffer.from(b?.image ?? []));
      expect(same(again[0], evaluation[0])).toBe(true);
      expect(same(again[1], evaluation[1])).toBe(true);
      expect(same(domain[0], evaluation[0])).toBe(false);
      expect(same(other[0], evaluation[0])).toBe(false);
      expect(isEvaluationOnly(evaluation[0]?.image as Uint8Array)).toBe(true);
      expect(isEvaluationOnly(domain[0]?.image as Uint8Array)).toBe(false);
    });

    it('with lesions [0, n] some images have none (absent, to tag), by default every one has one', async () => {
      const pool = await loadMetaballLeakageFa({
        split: 'domain',
        count: 12,
        seed: 21,
        lesions: [0, 4],
      });
      const empty = pool.filter((s) => s.lesions.length === 0);
      expect(empty.length).toBeGreaterThan(0);
      expect(empty.length).toBeLessThan(pool.length);
      expect(empty.every((s) => s.mask.data.every((v) => v === 0))).toBe(true);
      expect(evaluation.every((s) => s.lesions.length > 0)).toBe(true);
    });

    it('gives exact masks: one 8-connected object per lesion, 40 px up to thousands', () => {
      const areas: number[] = [];
      for (const sample of evaluation) {
        expect([sample.width, sample.height]).toEqual([565, 584]);
        expect(sample.lesions.length).toBeGreaterThanOrEqual(1);
        const union = new Uint8Array(sample.mask.data.length);
        for (const lesion of sample.lesions) {
          expect(connectedComponents(lesion, 8)).toHaveLength(1);
          const area = lesion.data.reduce((a, v) => a + v, 0);
          expect(area).toBeGreaterThanOrEqual(40);
          areas.push(area);
          lesion.data.forEach((v, i) => {
            if (v) union[i] = 1;
          });
        }
        expect(Buffer.from(union).equals(Buffer.from(sample.mask.data))).toBe(true);
        // In the order evaluateOnnxModel finds the objects, so polarity[k] labels its object k.
        const components = connectedComponents(sample.mask, 8);
        expect(components).toHaveLength(sample.lesions.length);
        components.forEach((c, k) =>
          expect(Buffer.from(c.data).equals(Buffer.from(sample.lesions[k]?.data ?? []))).toBe(true),
        );
        expect(sample.polarity).toHaveLength(sample.lesions.length);
        // Inside DRIVE's circular field of view (centre ~(283, 292), radius ~270 px).
        sample.mask.data.forEach((v, i) => {
          if (v) expect(Math.hypot((i % 565) - 283, Math.floor(i / 565) - 292)).toBeLessThan(272);
        });
      }
      expect(Math.min(...areas)).toBeLessThan(150);
      expect(Math.max(...areas)).toBeGreaterThan(1500);
    });

    it('differs from the training lesions in texture, edge and polarity', () => {
      const ood = evaluation.flatMap((s) =>
        s.lesions.map((l, k) => ({ ...lesionStats(s, l), polarity: s.polarity[k] })),
      );
      const train = training.flatMap((s) => s.lesions.map((l) => lesionStats(s, l)));
      const withCore = (xs: ReturnType<typeof lesionStats>[]) =>
        xs.filter((x) => x.hasCore && x.contrast > 8);
      // Granular vs smooth interior.
      expect(median(withCore(ood).map((x) => x.cov))).toBeGreaterThan(
        2.5 * median(withCore(train).map((x) => x.cov)),
      );
      // Sharp vs soft edge: more of the contrast is crossed right at the mask's boundary.
      expect(median(withCore(ood).map((x) => x.edgeStep))).toBeGreaterThan(
        1.8 * median(withCore(train).map((x) => x.edgeStep)),
      );
      // Both polarities (training lesions are always brighter than their surroundings).
      const darker = ood.filter((x) => x.darker).length;
      expect(darker).toBeGreaterThan(ood.length * 0.15);
      expect(darker).toBeLessThan(ood.length * 0.6);
      expect(train.filter((x) => x.darker)).toHaveLength(0);
      // The recorded polarity is what the pixels show.
      expect(ood.filter((x) => (x.polarity === 'dark') === x.darker).length).toBeGreaterThan(
        ood.length * 0.9,
      );
    });
  });
});
