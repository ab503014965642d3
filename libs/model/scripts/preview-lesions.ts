/**
 * `npx tsx libs/model/scripts/preview-lesions.ts [--out .artifacts/previews] [--seed 3]`
 * PNG previews of the lesions each generator draws, side by side: the training generator
 * (synthetic-fa on its own backgrounds, and on DRIVE pseudo-FA backgrounds) and the
 * out-of-distribution set (metaball-leakage-fa, evaluation split). Per generator one row of lesion
 * crops (as the model's box crop sees them, 2x context), each shown plain and with the exact mask's
 * outline in red; and one full image with outlines. DRIVE rows are left out when DRIVE is absent.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskBoundingBox, type Mask } from '@loupe/prompts';
import { PNG } from 'pngjs';
import { loadDrivePseudoFa } from '../src/data/drive-pseudo-fa';
import { loadMetaballLeakageFa } from '../src/data/metaball-leakage-fa';
import { generateSyntheticFaDataset, type SyntheticFaSample } from '../src/data/synthetic-fa';
import { numberArg, parseArgs } from './cli-args';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = parseArgs(process.argv.slice(2));
const outDir = path.resolve(repoRoot, args.get('out') ?? '.artifacts/previews');
const seed = numberArg(args, 'seed', 3);
const TILE = 128;
const PER_ROW = 6;

interface Rgb {
  data: Uint8Array;
  width: number;
  height: number;
}

function outline(mask: Mask, x: number, y: number): boolean {
  const { width: w, height: h, data } = mask;
  if (!data[y * w + x]) return false;
  return (
    x === 0 ||
    y === 0 ||
    x === w - 1 ||
    y === h - 1 ||
    !data[y * w + x - 1] ||
    !data[y * w + x + 1] ||
    !data[(y - 1) * w + x] ||
    !data[(y + 1) * w + x]
  );
}

/** A TILE x TILE crop around the lesion's box (the box plus its side on each side), nearest. */
function tile(sample: SyntheticFaSample, lesion: Mask, withOutline: boolean): Rgb {
  const box = maskBoundingBox(lesion);
  if (!box) throw new Error('empty lesion');
  const side = Math.max(box.x1 - box.x0, box.y1 - box.y0, 12) * 2;
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  const data = new Uint8Array(TILE * TILE * 3);
  for (let ty = 0; ty < TILE; ty++)
    for (let tx = 0; tx < TILE; tx++) {
      const x = Math.floor(cx - side / 2 + ((tx + 0.5) * side) / TILE);
      const y = Math.floor(cy - side / 2 + ((ty + 0.5) * side) / TILE);
      const o = (ty * TILE + tx) * 3;
      if (x < 0 || y < 0 || x >= sample.width || y >= sample.height) continue;
      const v = sample.image[y * sample.width + x] as number;
      const edge = withOutline && outline(lesion, x, y);
      data[o] = edge ? 255 : v;
      data[o + 1] = edge ? 40 : v;
      data[o + 2] = edge ? 40 : v;
    }
  return { data, width: TILE, height: TILE };
}

function full(sample: SyntheticFaSample): Rgb {
  const data = new Uint8Array(sample.width * sample.height * 3);
  for (let y = 0; y < sample.height; y++)
    for (let x = 0; x < sample.width; x++) {
      const v = sample.image[y * sample.width + x] as number;
      const edge = outline(sample.mask, x, y);
      const o = (y * sample.width + x) * 3;
      data[o] = edge ? 255 : v;
      data[o + 1] = edge ? 40 : v;
      data[o + 2] = edge ? 40 : v;
    }
  return { data, width: sample.width, height: sample.height };
}

function grid(rows: Rgb[][], gap = 4): Rgb {
  const width = Math.max(...rows.map((r) => r.reduce((a, t) => a + t.width + gap, gap)));
  const height = rows.reduce((a, r) => a + Math.max(...r.map((t) => t.height)) + gap, gap);
  const data = new Uint8Array(width * height * 3).fill(48);
  let y0 = gap;
  for (const row of rows) {
    let x0 = gap;
    for (const t of row) {
      for (let y = 0; y < t.height; y++)
        data.set(
          t.data.subarray(y * t.width * 3, (y + 1) * t.width * 3),
          ((y0 + y) * width + x0) * 3,
        );
      x0 += t.width + gap;
    }
    y0 += Math.max(...row.map((t) => t.height)) + gap;
  }
  return { data, width, height };
}

async function writeRgb(file: string, rgb: Rgb): Promise<void> {
  const png = new PNG({ width: rgb.width, height: rgb.height });
  for (let i = 0; i < rgb.width * rgb.height; i++) {
    png.data[4 * i] = rgb.data[3 * i] as number;
    png.data[4 * i + 1] = rgb.data[3 * i + 1] as number;
    png.data[4 * i + 2] = rgb.data[3 * i + 2] as number;
    png.data[4 * i + 3] = 255;
  }
  await writeFile(file, PNG.sync.write(png));
  console.log(`[preview] ${path.relative(repoRoot, file)} (${rgb.width}x${rgb.height})`);
}

/** Lesions spread over sizes: sorted by area, PER_ROW picked evenly. */
function spread(
  samples: SyntheticFaSample[],
  count: number,
): Array<{ sample: SyntheticFaSample; lesion: Mask }> {
  const all = samples.flatMap((sample) =>
    sample.lesions.map((lesion) => ({
      sample,
      lesion,
      area: lesion.data.reduce((a, v) => a + v, 0),
    })),
  );
  all.sort((a, b) => a.area - b.area);
  return Array.from({ length: Math.min(count, all.length) }, (_, k) => {
    const item = all[Math.round((k * (all.length - 1)) / Math.max(1, count - 1))];
    if (!item) throw new Error('no lesion');
    return item;
  });
}

/** [name, samples, rows of lesion crops] */
const sets: Array<[string, SyntheticFaSample[], number]> = [
  ['synthetic-fa', generateSyntheticFaDataset({ count: 6, size: 256, seed }), 1],
  ['drive-pseudo-fa', await loadDrivePseudoFa({ count: 4, seed }), 1],
  [
    'ood-metaball-leakage',
    await loadMetaballLeakageFa({ split: 'evaluation', count: 12, seed }),
    3,
  ],
];
await mkdir(outDir, { recursive: true });
const rows: Rgb[][] = [];
for (const [name, samples, rowCount] of sets) {
  if (samples.length === 0) continue;
  const picked = spread(samples, PER_ROW * rowCount);
  for (let r = 0; r < rowCount; r++)
    rows.push(
      picked
        .slice(r * PER_ROW, (r + 1) * PER_ROW)
        .flatMap(({ sample, lesion }) => [tile(sample, lesion, false), tile(sample, lesion, true)]),
    );
  const first = samples[0];
  if (first) await writeRgb(path.join(outDir, `${name}-full.png`), full(first));
  console.log(
    `[preview] ${name}: lesion areas ${picked.map((p) => p.lesion.data.reduce((a, v) => a + v, 0)).join(', ')} px`,
  );
}
await writeRgb(path.join(outDir, 'lesions.png'), grid(rows));
