import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_CONFIG } from '../config';
import { createSegmenter, type SegmenterModel } from '../segmenter-model';
import { useTrainingBackend } from '../test-setup';
import { fineTune } from '../training/fine-tune';
import { pretrainMae } from '../training/mae';
import { driveDataDir } from './drive-pseudo-fa';
import {
  EvaluationOnlyDataError,
  assertTrainable,
  isEvaluationOnly,
  markEvaluationOnly,
} from './evaluation-only';
import { writeLabeledFolder } from './write-labeled-folder';
import { loadMetaballLeakageFa } from './metaball-leakage-fa';
import { generateSyntheticFaDataset } from './synthetic-fa';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('evaluation-only data is never trained on', () => {
  let model: SegmenterModel;
  let dir: string;
  beforeAll(async () => {
    await useTrainingBackend();
    model = createSegmenter(TINY_CONFIG, { seed: 1 });
    dir = await mkdtemp(path.join(tmpdir(), 'loupe-eval-only-'));
  });
  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('marks buffers and their views; unmarked data passes', () => {
    const [a, b] = generateSyntheticFaDataset({ count: 2, size: 32, seed: 1 });
    if (!a || !b) throw new Error('no samples');
    markEvaluationOnly(a.image, 'test set X');
    expect(isEvaluationOnly(a.image)).toBe(true);
    expect(isEvaluationOnly(a.image.subarray(4))).toBe(true);
    expect(isEvaluationOnly(b.image)).toBe(false);
    expect(() => assertTrainable([b.image], 'here')).not.toThrow();
    expect(() => assertTrainable([b.image, a.image], 'here')).toThrow(
      /here: image 1 belongs to test set X/,
    );
  });

  it('fineTune, pretrainMae and writeLabeledFolder refuse it before doing anything', async () => {
    const [sample] = generateSyntheticFaDataset({ count: 1, size: 64, seed: 2, radius: [4, 8] });
    if (!sample?.lesions[0]) throw new Error('no sample');
    markEvaluationOnly(sample.image, 'test set Y');
    const item = { image: sample.image, width: 64, height: 64, mask: sample.lesions[0] };
    await expect(fineTune({ model, samples: [item], epochs: 1 })).rejects.toThrow(
      EvaluationOnlyDataError,
    );
    await expect(
      pretrainMae({ model, images: [{ pixels: sample.image, width: 64, height: 64 }], steps: 1 }),
    ).rejects.toThrow(/pretrainMae: image 0 belongs to test set Y/);
    const out = path.join(dir, 'refused');
    await expect(
      writeLabeledFolder(out, [
        { name: 'a.png', pixels: sample.image, width: 64, height: 64, mask: sample.mask },
      ]),
    ).rejects.toThrow(EvaluationOnlyDataError);
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!existsSync(path.join(driveDataDir(), 'images')))(
    "refuses the out-of-distribution set's evaluation split, accepts its domain split",
    async () => {
      const [evaluation] = await loadMetaballLeakageFa({ split: 'evaluation', count: 1 });
      const [domain] = await loadMetaballLeakageFa({ split: 'domain', count: 1 });
      if (!evaluation?.lesions[0] || !domain?.lesions[0]) throw new Error('no samples');
      const as = (s: typeof evaluation) => ({
        image: s.image,
        width: s.width,
        height: s.height,
        mask: s.lesions[0] as (typeof s.lesions)[number],
      });
      await expect(fineTune({ model, samples: [as(evaluation)], epochs: 1 })).rejects.toThrow(
        /out-of-distribution evaluation set/,
      );
      const trained = await fineTune({ model, samples: [as(domain)], epochs: 1, batchSize: 1 });
      trained.optimizer.dispose();
      expect(trained.steps).toBe(1);
    },
  );
});

/** Source files under `dir` (TypeScript, no specs), skipping dependencies and build output. */
async function sources(dir: string, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (['node_modules', '.next', 'dist', '.data', '.git', '.artifacts'].includes(entry.name))
      continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await sources(full, out);
    else if (/\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

describe('the out-of-distribution evaluation split stays out of training code', () => {
  it('no training entry point imports the OOD generator', async () => {
    const trainingPaths = [
      ...(await sources(path.join(repoRoot, 'apps/trainer/src'))),
      ...(await sources(path.join(repoRoot, 'libs/model/src/training'))),
      path.join(repoRoot, 'libs/model/scripts/train-starter.ts'),
    ].filter((f) => !f.endsWith('.spec.ts'));
    expect(trainingPaths.length).toBeGreaterThan(10);
    for (const file of trainingPaths)
      expect(await readFile(file, 'utf8'), path.relative(repoRoot, file)).not.toMatch(
        /metaball-leakage|loadMetaballLeakageFa/,
      );
  });

  it("only evaluation code asks for split 'evaluation'", async () => {
    // bench:mae and bench:weak's new-domain budget train on the domain split and only score on this
    // one (fineTune/pretrainMae refuse it).
    const allowed = new Set([
      'bench/parts/quality.ts',
      'bench/parts/mae.ts',
      'bench/parts/weak-budget.ts',
      'libs/model/scripts/eval.ts',
      'libs/model/scripts/preview-lesions.ts',
      'libs/model/src/data/metaball-leakage-fa.ts',
    ]);
    const users: string[] = [];
    for (const top of ['apps', 'libs', 'bench', 'scripts', 'tests']) {
      if (!existsSync(path.join(repoRoot, top))) continue;
      for (const file of await sources(path.join(repoRoot, top))) {
        if (file.endsWith('.spec.ts')) continue;
        if (/split:\s*'evaluation'/.test(await readFile(file, 'utf8')))
          users.push(path.relative(repoRoot, file));
      }
    }
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((f) => !allowed.has(f))).toEqual([]);
  });
});
