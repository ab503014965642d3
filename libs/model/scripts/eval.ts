/**
 * `npm run eval -- --model <dir> --images <dir> --masks <dir> --out <file.json> [--max-clicks 20]`
 * Box-prompted proposals + simulated clicks for every connected component of each ground-truth
 * mask (8-bit PNG, nonzero = object; same file name as the image), with the exported ONNX files
 * run by onnxruntime-node. Writes { summary, perObject }.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { maskFromData } from '@loupe/prompts';
import { readPngGray } from '../src/data/png';
import { evaluateOnnxModel, type EvalSample } from '../src/eval/evaluate-onnx-model';
import { numberArg, parseArgs } from './cli-args';

const args = parseArgs(process.argv.slice(2));
const usage =
  'usage: npm run eval -- --model <dir> --images <dir> --masks <dir> --out <file.json> [--max-clicks 20]';
const need = (key: string): string => {
  const v = args.get(key);
  if (!v) {
    console.error(`missing --${key}\n${usage}`);
    process.exit(2);
  }
  return path.resolve(v);
};
const modelDir = need('model');
const imagesDir = need('images');
const masksDir = need('masks');
const outFile = need('out');
const maxClicks = numberArg(args, 'max-clicks', 20);

const files = (await readdir(imagesDir)).filter((f) => f.toLowerCase().endsWith('.png')).sort();
const samples: EvalSample[] = [];
for (const file of files) {
  const maskFile = path.join(masksDir, file);
  if (!existsSync(maskFile)) {
    console.warn(`[eval] no mask for ${file} in ${masksDir}: skipped`);
    continue;
  }
  const image = await readPngGray(path.join(imagesDir, file));
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
if (samples.length === 0) throw new Error(`no image/mask pairs found (${imagesDir}, ${masksDir})`);
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
