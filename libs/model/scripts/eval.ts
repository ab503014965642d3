/**
 * `npm run eval -- [--model <dir>] (--data <dir> | --images <dir> --masks <dir> | --ood) [--out <file.json>] [--max-clicks 20]`
 * Box-prompted proposals + simulated clicks for every connected component of each ground-truth
 * mask, with the exported ONNX files run by onnxruntime-node. Writes { summary, perObject }.
 *   --model   model folder (manifest.json, encoder.onnx, decoder.onnx); default models/starter
 *   --data    a labeled folder: <dir>/images/*.png and <dir>/masks/*.png with the same names
 *             (nonzero = object); any problem in it is an error that lists every bad file
 *   --images/--masks  the older form: PNGs by name, images without a mask skipped with a warning
 *   --ood     the out-of-distribution evaluation set (metaball-leakage-fa on DRIVE, in memory;
 *             --count N images, default 32)
 *   --out     default .artifacts/eval/<data folder name | ood>.json
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskFromData } from '@loupe/prompts';
import { driveDataDir } from '../src/data/drive-pseudo-fa';
import { LabeledFolderError, loadLabeledFolder } from '../src/data/labeled-folder';
import { loadMetaballLeakageFa } from '../src/data/metaball-leakage-fa';
import { readPngGray } from '../src/data/png';
import { evaluateOnnxModel, type EvalSample } from '../src/eval/evaluate-onnx-model';
import { numberArg, parseArgs } from './cli-args';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = parseArgs(process.argv.slice(2));
const usage =
  'usage: npm run eval -- [--model <dir>] (--data <dir> | --images <dir> --masks <dir> | --ood [--count N]) [--out <file.json>] [--max-clicks 20]';
const fail = (message: string): never => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};
const pathArg = (key: string): string | undefined => {
  const v = args.get(key);
  if (v === 'true') fail(`--${key} needs a value`);
  return v === undefined ? undefined : path.resolve(v);
};
const modelDir = pathArg('model') ?? path.join(repoRoot, 'models', 'starter');
const maxClicks = numberArg(args, 'max-clicks', 20);
const dataDir = pathArg('data');
const imagesDir = pathArg('images');
const masksDir = pathArg('masks');
const ood = args.get('ood') === 'true';
const sources = [dataDir !== undefined, imagesDir !== undefined || masksDir !== undefined, ood];
if (sources.filter(Boolean).length !== 1)
  fail('give exactly one of --data, --images with --masks, or --ood');

async function fromImagesAndMasks(images: string, masks: string): Promise<EvalSample[]> {
  const files = (await readdir(images)).filter((f) => f.toLowerCase().endsWith('.png')).sort();
  const samples: EvalSample[] = [];
  for (const file of files) {
    const maskFile = path.join(masks, file);
    if (!existsSync(maskFile)) {
      console.warn(`[eval] no mask for ${file} in ${masks}: skipped`);
      continue;
    }
    const image = await readPngGray(path.join(images, file));
    const mask = await readPngGray(maskFile);
    if (mask.width !== image.width || mask.height !== image.height)
      throw new Error(
        `${file}: mask ${mask.width}x${mask.height} does not match image ${image.width}x${image.height}`,
      );
    samples.push({
      id: file,
      image: { pixels: image.pixels, width: image.width, height: image.height },
      gtMask: maskFromData(mask.width, mask.height, mask.pixels),
    });
  }
  if (samples.length === 0) throw new Error(`no image/mask pairs found (${images}, ${masks})`);
  return samples;
}

let samples: EvalSample[];
let defaultName: string;
if (dataDir) {
  try {
    samples = (await loadLabeledFolder(dataDir)).map((item) => ({
      id: item.name,
      image: { pixels: item.pixels, width: item.width, height: item.height },
      gtMask: item.mask,
    }));
  } catch (error) {
    if (!(error instanceof LabeledFolderError)) throw error;
    console.error(`[eval] ${error.message}`);
    process.exit(2);
  }
  defaultName = path.basename(dataDir);
} else if (ood) {
  const count = numberArg(args, 'count', 32);
  const generated = await loadMetaballLeakageFa({ split: 'evaluation', count, seed: 1 });
  if (generated.length === 0) {
    console.error(`[eval] --ood needs DRIVE at ${driveDataDir()}: nothing evaluated`);
    process.exit(1);
  }
  samples = generated.map((s, i) => ({
    id: `ood-${i}`,
    image: { pixels: s.image, width: s.width, height: s.height },
    gtMask: s.mask,
  }));
  defaultName = 'ood';
} else {
  if (!imagesDir || !masksDir) fail('--images and --masks go together');
  samples = await fromImagesAndMasks(imagesDir as string, masksDir as string);
  defaultName = path.basename(imagesDir as string);
}
const outFile = pathArg('out') ?? path.join(repoRoot, '.artifacts', 'eval', `${defaultName}.json`);

const started = Date.now();
const result = await evaluateOnnxModel({
  modelDir,
  samples,
  maxClicks,
  onProgress: (done, total) =>
    console.log(`[eval] ${done}/${total} images (${((Date.now() - started) / 1000).toFixed(0)} s)`),
});
await mkdir(path.dirname(outFile), { recursive: true });
await writeFile(
  outFile,
  `${JSON.stringify({ summary: result.summary, perObject: result.perObject }, null, 2)}\n`,
);
const s = result.summary;
console.log(
  `[eval] ${s.objects} objects in ${s.images} images: Dice ${s.dice.toFixed(3)} IoU ${s.iou.toFixed(3)} HD95 ${s.hd95.toFixed(2)} NoC@85 ${s.noc85.toFixed(2)} NoC@90 ${s.noc90.toFixed(2)} NoF@90 ${s.nof90} -> ${outFile}`,
);
