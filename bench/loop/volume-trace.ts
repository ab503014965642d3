/**
 * Per-slice trace of propagation along each lesion of the volume bench's 3-D generator: where
 * one-box propagation goes wrong (drift, growth, split, vanishing, leakage past the lesion's end).
 * Follows every slice (no stop rule) and prints, per slice, the truth area, the predicted area, the
 * slice Dice, the IoU head's score and the mask logits' statistics, so a stop rule can be chosen on
 * a tuning seed.
 *
 *   npx tsx bench/loop/volume-trace.ts [--seed N] [--volumes N] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSyntheticVolumes, openModelDir } from '@loupe/model/node';
import { boxFromMask, maskContrast, propagateVolume, type SliceMask } from '@loupe/prompts';
import * as ortWebModule from 'onnxruntime-web';
import { repoRoot } from '../lib/repo-root';
import { slicePredictor } from '../speed/volume-propagation-loop';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function dice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    inter += (a[i] as number) & (b[i] as number);
    s += (a[i] as number) + (b[i] as number);
  }
  return s === 0 ? 1 : (2 * inter) / s;
}
const area = (m: Uint8Array) => m.reduce((n, v) => n + v, 0);
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const f = (x: number | undefined) => (x ?? NaN).toFixed(2);

async function main() {
  const seed = arg('seed', 4_402);
  const count = arg('volumes', 4);
  ortWebModule.env.wasm.numThreads = 1;
  const predictor = await openModelDir(join(repoRoot, 'models', 'starter'), { ort: ortWebModule });
  const volumes = generateSyntheticVolumes(count, { size: 128, depth: 64, seed });
  const rows: Record<string, unknown>[] = [];
  for (const [v, volume] of volumes.entries()) {
    const model = slicePredictor(predictor, volume);
    for (const [l, lesion] of volume.lesions.entries()) {
      let seedSlice = lesion.first;
      lesion.masks.forEach((m, k) => {
        if (area(m) > area(lesion.masks[seedSlice]!)) seedSlice = k;
      });
      const { width, height, depth } = volume;
      const prompted = await model.predict(
        seedSlice,
        boxFromMask({ width, height, data: lesion.masks[seedSlice]! }),
      );
      const grey = (k: number) => ({ pixels: volume.slices[k]!, width, height, channels: 1 });
      const seedContrast = maskContrast(grey(seedSlice), { width, height, data: prompted.mask });
      const meanIn = (k: number, m: Uint8Array) => {
        let sum = 0;
        let n = 0;
        for (let i = 0; i < m.length; i++)
          if (m[i]) {
            sum += volume.slices[k]![i] as number;
            n += 1;
          }
        return n ? sum / n : 0;
      };
      const seedMeanIn = meanIn(seedSlice, prompted.mask);
      const seedContrast3 = maskContrast(
        grey(seedSlice),
        { width, height, data: prompted.mask },
        6,
        3,
      );
      const trace = new Map<number, Record<string, number>>();
      await propagateVolume({
        width,
        height,
        depth,
        from: seedSlice,
        masks: new Map<number, SliceMask>([
          [seedSlice, { mask: prompted.mask, origin: 'prompted' }],
        ]),
        seedLogits: prompted.logits ?? null,
        thresholds: {
          minIou: -1,
          minArea: 1,
          minAreaRatio: 0,
          maxAreaRatio: Infinity,
          minOverlap: 0,
          maxRegrowth: Infinity,
        },
        predict: async (k, prompt, previous) => {
          const out = await model.predict(k, prompt.box, prompt.clicks, prompt.maskInput);
          const logits = out.logits!.values;
          let pos = 0;
          let posSum = 0;
          let max = -Infinity;
          for (const x of logits) {
            if (x > 0) {
              pos += 1;
              posSum += x;
            }
            if (x > max) max = x;
          }
          const a = area(out.mask);
          let inter = 0;
          for (let i = 0; i < out.mask.length; i++)
            inter += (out.mask[i] as number) & (previous.data[i] as number);
          trace.set(k, {
            truth: area(lesion.masks[k]!),
            pred: a,
            prev: area(previous.data),
            dice: r3(dice(out.mask, lesion.masks[k]!)),
            iou: r3(out.iou),
            posLogitMean: r3(pos ? posSum / pos : 0),
            maxLogit: r3(max),
            overlap: r3(a ? inter / a : 0),
            meanIn: r3(meanIn(k, out.mask) / seedMeanIn),
            contrast3: r3(
              maskContrast(grey(k), { width, height, data: out.mask }, 6, 3) / seedContrast3,
            ),
            contrast: r3(maskContrast(grey(k), { width, height, data: out.mask }) / seedContrast),
          });
          return out;
        },
      });
      console.log(
        `vol ${v} lesion ${l}: slices ${lesion.first}-${lesion.last} seed ${seedSlice} split ${lesion.splitAt}`,
      );
      for (let k = 0; k < depth; k++) {
        const t = trace.get(k);
        if (!t) continue;
        const inside = k >= lesion.first && k <= lesion.last;
        console.log(
          `  ${String(k).padStart(2)} ${inside ? 'IN ' : 'out'} truth ${String(t.truth).padStart(4)} pred ${String(t.pred).padStart(4)} dice ${f(t.dice)} iou ${f(t.iou)} posMean ${f(t.posLogitMean)} max ${f(t.maxLogit)} ovl ${f(t.overlap)} con ${f(t.contrast)} con3 ${f(t.contrast3)} in ${f(t.meanIn)}`,
        );
        rows.push({ volume: v, lesion: l, slice: k, inside, seed: seedSlice, ...t });
      }
    }
  }
  const out = process.argv.indexOf('--json');
  if (out > 0) writeFileSync(process.argv[out + 1]!, JSON.stringify(rows));
  await predictor.release();
}

void main();
