/**
 * Tuning of decodeClick's full-resolution click refinement (#13) on TUNING data only:
 *   synthetic  generateSyntheticFaDataset seed 1003 (train:starter's own seeds, never bench:quality's)
 *   drive      loadDrivePseudoFa seed 11 (its default, train:starter's; bench:quality uses 8675309)
 *   ood        loadMetaballLeakageFa split 'domain' (the backgrounds and seed stream the evaluation
 *              split never uses), seed 7
 * `npx tsx libs/model/scripts/tune-click-refine.ts --set synthetic --count 12 [--configs file.json]`
 * configs: a JSON array of { name, refine } (refine null = off); prints one JSON line per config.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickRefineOptions } from '@loupe/prompts';
import { generateSyntheticFaDataset } from '../src/data/synthetic-fa';
import { loadDrivePseudoFa } from '../src/data/drive-pseudo-fa';
import { loadMetaballLeakageFa } from '../src/data/metaball-leakage-fa';
import { evaluateOnnxModel, type EvalSample } from '../src/eval/evaluate-onnx-model';
import { openModelDir } from '../src/inference/open-model-dir';
import { numberArg, parseArgs } from './cli-args';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = parseArgs(process.argv.slice(2));
const set = args.get('set') ?? 'synthetic';
const count = numberArg(args, 'count', 12);
const maxClicks = numberArg(args, 'max-clicks', 20);
const configsFile = args.get('configs');
const configs: Array<{ name: string; refine: ClickRefineOptions | null }> = configsFile
  ? JSON.parse(await readFile(configsFile, 'utf8'))
  : [{ name: 'off', refine: null }];

const toSample = (
  d: { image: Uint8Array | Uint16Array; width: number; height: number; mask: EvalSample['gtMask'] },
  i: number,
): EvalSample => ({
  id: `${set}-${i}`,
  image: { pixels: d.image, width: d.width, height: d.height, channels: 1 },
  gtMask: d.mask,
});
let samples: EvalSample[];
if (set === 'synthetic')
  samples = generateSyntheticFaDataset({ count, size: 256, seed: 1003 }).map(toSample);
else if (set === 'drive') samples = (await loadDrivePseudoFa({ count, seed: 11 })).map(toSample);
else if (set === 'ood')
  samples = (await loadMetaballLeakageFa({ split: 'domain', count, seed: 7 })).map(toSample);
else throw new Error(`--set must be synthetic, drive or ood, got ${set}`);

const predictor = await openModelDir(path.join(repoRoot, 'models', 'starter'));
try {
  for (const config of configs) {
    const started = performance.now();
    const r = await evaluateOnnxModel({
      predictor,
      samples,
      maxClicks,
      clickOptions: { refine: config.refine },
    });
    const c = r.summary.clickCorrectness;
    if (args.get('verbose') === 'true')
      for (const o of r.perObject)
        console.log(
          `${o.image}/${o.object} area ${o.area}: ` +
            o.iouPerClick
              .map((v, i) => `${i > 0 ? (o.clickPositive[i - 1] ? '+' : '-') : ''}${v.toFixed(2)}`)
              .join(' '),
        );
    // Harmful clicks by polarity and the IoU they cost (what a tuning step looks at).
    let harmfulPositive = 0;
    let drop = 0;
    for (const o of r.perObject)
      o.clickPositive.forEach((positive, i) => {
        const d = (o.iouPerClick[i] as number) - (o.iouPerClick[i + 1] as number);
        if (d <= 0.01) return;
        drop += d;
        if (positive) harmfulPositive++;
      });
    console.log(
      JSON.stringify({
        set,
        config: config.name,
        objects: r.objects,
        dice: +r.dice.toFixed(4),
        noc85: +r.noc85.toFixed(3),
        noc90: +r.noc90.toFixed(3),
        nof90: r.nof90,
        miou5: +(r.miouAtK[5] ?? NaN).toFixed(4),
        miou10: +(r.miouAtK[10] ?? NaN).toFixed(4),
        harmful: c.harmfulClicks,
        harmfulShare: +c.harmfulShare.toFixed(4),
        harmfulPositive,
        meanHarmfulDrop: +(drop / Math.max(1, c.harmfulClicks)).toFixed(3),
        honoured: +c.honouredShare.toFixed(4),
        seconds: Math.round((performance.now() - started) / 1000),
      }),
    );
  }
} finally {
  await predictor.release();
}
