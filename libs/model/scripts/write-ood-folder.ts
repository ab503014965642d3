/**
 * `npm run data:ood -- --out <dir> [--count 130] [--seed 1]`
 * Writes a labeled folder (images/*.png, masks/*.png, README.txt) of the out-of-distribution lesion
 * domain (metaball-leakage-fa, 'domain' split: its own DRIVE backgrounds and seed stream), so the
 * whole loop can be run on it: `npm run bench:loop -- --data <dir>`. The 'evaluation' split that
 * bench:quality reports is never written to disk (writeLabeledFolder refuses it), so it cannot end
 * up in a project. Needs ../shared/data/drive-train (research use only: keep the folder private).
 */
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { driveDataDir } from '../src/data/drive-pseudo-fa';
import { writeLabeledFolder } from '../src/data/write-labeled-folder';
import { loadMetaballLeakageFa } from '../src/data/metaball-leakage-fa';
import { numberArg, parseArgs } from './cli-args';

const args = parseArgs(process.argv.slice(2));
const usage = 'usage: npm run data:ood -- --out <dir> [--count 130] [--seed 1]';
const out = args.get('out');
if (!out || out === 'true') {
  console.error(`missing --out\n${usage}`);
  process.exit(2);
}
if (args.has('split') && args.get('split') !== 'domain') {
  console.error(
    `--split ${args.get('split')}: only the 'domain' split is written; the evaluation split stays in memory (bench:quality, npm run eval -- --ood)`,
  );
  process.exit(2);
}
const dir = path.resolve(out);
if (existsSync(path.join(dir, 'images')) && (await readdir(path.join(dir, 'images'))).length > 0) {
  console.error(`${dir}/images is not empty: choose a new folder (nothing was written)`);
  process.exit(2);
}
const count = numberArg(args, 'count', 130);
const seed = numberArg(args, 'seed', 1);
if (!Number.isInteger(count) || count < 1) throw new Error(`--count must be a whole number >= 1`);
const samples = await loadMetaballLeakageFa({ split: 'domain', count, seed });
if (samples.length === 0) {
  console.error(`DRIVE not found at ${driveDataDir()}: nothing written`);
  process.exit(1);
}
await writeLabeledFolder(
  dir,
  samples.map((s, i) => ({
    name: `ood-${String(i + 1).padStart(4, '0')}.png`,
    pixels: s.image,
    width: s.width,
    height: s.height,
    mask: s.mask,
  })),
);
const objects = samples.reduce((n, s) => n + s.lesions.length, 0);
await writeFile(
  path.join(dir, 'README.txt'),
  [
    `Out-of-distribution leakage lesions (libs/model/src/data/metaball-leakage-fa.ts, split 'domain', seed ${seed}),`,
    `${samples.length} images, ${objects} objects, on pseudo-FA backgrounds made from DRIVE (research use only: do not publish).`,
    'images/NAME.png: 8-bit gray; masks/NAME.png: 0/255, objects = 8-connected components.',
    '',
  ].join('\n'),
);
console.log(`[data:ood] ${samples.length} images, ${objects} objects -> ${dir}`);
