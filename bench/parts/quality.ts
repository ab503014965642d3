/**
 * Quality bench (issue 4/8): box-prompt and click metrics of the exported models (the ONNX files
 * the browser runs, through evaluateOnnxModel on onnxruntime-node), for the starter and the latest
 * trained model, on
 *   synthetic  held-out synthetic FA images from a seed no training run uses;
 *   drive      pseudo-FA images on DRIVE backgrounds with synthetic leakage (model lib's loader);
 *   vessels    the real DRIVE vessel masks: vessels inside a box.
 * Dice / IoU / HD95 of the box-only proposal, NoC@85/90 and NoF@90 of the simulated annotator,
 * overall and per lesion size bucket.
 *
 *   npm run bench:quality [-- --quick]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_FILES, parseManifest } from '@loupe/model';
import {
  evaluateOnnxModel,
  generateSyntheticFaDataset,
  loadDrivePseudoFa,
} from '@loupe/model/node';
import type { BenchOptions } from '../run';
import { plotGroupedBars, type Bar } from '../lib/bar-chart';
import { driveAvailable, loadDriveVesselTask } from '../lib/drive-vessels';
import { findLatestModel } from '../lib/latest-model';
import { isMeasurementError, measured, type Measured } from '../lib/measured';
import { repoRoot } from '../lib/repo-root';

export interface QualityBenchOptions extends BenchOptions {
  /** Tiny sizes for the smoke test. */
  smoke?: boolean;
}

/** Never used by train:starter (seeds 1001-1003), the demo seed or the loop bench. */
export const HELD_OUT_SYNTHETIC_SEED = 8_675_309;
export const DRIVE_DIR = join(repoRoot, '..', 'shared', 'data', 'drive-train');

/** Lesion area buckets (pixels): small < 100, medium < 1000, large >= 1000. */
export const SIZE_BUCKETS = [
  { name: 'small', maxArea: 100 },
  { name: 'medium', maxArea: 1000 },
  { name: 'large', maxArea: Infinity },
] as const;

export interface BoxMetrics {
  objects: number;
  dice: number;
  iou: number;
  hd95: number;
  noc85: number;
  noc90: number;
  nof90: number;
}

export interface ModelQuality extends BoxMetrics {
  version: string;
  images: number;
  bySize: Record<string, BoxMetrics>;
  seconds: number;
}

type EvalSamples = Parameters<typeof evaluateOnnxModel>[0]['samples'];
type PerObject = Awaited<ReturnType<typeof evaluateOnnxModel>>['perObject'];

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

/**
 * Metrics over a subset of objects, defined as the model lib's evaluateOnnxModel summary defines
 * them over all objects (NoC = maxClicks for objects that never get there; HD95 over non-empty
 * proposals; NoF@90 = objects never reaching IoU 0.9).
 */
export function summarizeObjects(objects: PerObject, maxClicks: number): BoxMetrics {
  const reached90 = (o: PerObject[number]) => o.iouPerClick.some((v) => v >= 0.9);
  return {
    objects: objects.length,
    dice: mean(objects.map((o) => o.dice)),
    iou: mean(objects.map((o) => o.iou)),
    hd95: mean(objects.flatMap((o) => (o.hd95 === null ? [] : [o.hd95]))),
    noc85: mean(objects.map((o) => Math.min(o.noc85, maxClicks))),
    noc90: mean(objects.map((o) => Math.min(o.noc90, maxClicks))),
    nof90: objects.filter((o) => !reached90(o)).length,
  };
}

export function bySize(objects: PerObject, maxClicks: number): Record<string, BoxMetrics> {
  const out: Record<string, BoxMetrics> = {};
  let lower = 0;
  for (const bucket of SIZE_BUCKETS) {
    const inBucket = objects.filter((o) => o.area >= lower && o.area < bucket.maxArea);
    if (inBucket.length > 0) out[bucket.name] = summarizeObjects(inBucket, maxClicks);
    lower = bucket.maxArea;
  }
  return out;
}

async function evaluate(
  modelDir: string,
  version: string,
  samples: EvalSamples,
  maxClicks: number,
): Promise<ModelQuality> {
  const started = performance.now();
  const result = await evaluateOnnxModel({ modelDir, samples, maxClicks });
  if (result.perObject.length === 0) throw new Error('no objects to evaluate');
  const { dice, iou, hd95, noc85, noc90, nof90, objects } = result.summary;
  return {
    version,
    images: result.images,
    // Overall figures are the model lib's own (the trainer's validation gate uses the same).
    objects,
    dice,
    iou,
    hd95,
    noc85,
    noc90,
    nof90,
    bySize: bySize(result.perObject, maxClicks),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

function sizes(options: QualityBenchOptions) {
  if (options.smoke)
    return { synthetic: 2, drive: 1, vesselImages: 1, vesselWindows: 2, maxClicks: 3 };
  if (options.quick)
    return { synthetic: 10, drive: 4, vesselImages: 2, vesselWindows: 4, maxClicks: 10 };
  return { synthetic: 60, drive: 16, vesselImages: 6, vesselWindows: 8, maxClicks: 20 };
}

export async function runQualityBench(
  options: QualityBenchOptions,
): Promise<Record<string, unknown>> {
  const size = sizes(options);
  const starterDir = join(repoRoot, 'models', 'starter');
  const latest = await findLatestModel({ repoRoot, starterDir });
  const starterManifest = parseManifest(
    JSON.parse(await readFile(join(starterDir, MODEL_FILES.manifest), 'utf8')),
  );
  const models: Array<{ key: 'starter' | 'latest'; dir: string; version: string }> = [
    { key: 'starter', dir: starterDir, version: starterManifest.version },
  ];
  if (latest && !options.smoke)
    models.push({ key: 'latest', dir: latest.dir, version: latest.version });
  const notes = [
    `synthetic: ${size.synthetic} held-out images from generateSyntheticFaDataset with seed ${HELD_OUT_SYNTHETIC_SEED} (training uses other seeds).`,
    `drive: ${size.drive} pseudo-FA images (model lib loadDrivePseudoFa: real DRIVE backgrounds, synthetic leakage) with the same held-out seed.`,
    `vessels: the real DRIVE vessel masks, ${size.vesselWindows} windows on each of the last ${size.vesselImages} DRIVE images; the object is the largest vessel piece in a 64 px window.`,
    `Box prompt = tight box of each ground-truth object; clicks by the simulated annotator (max ${size.maxClicks}).`,
    `Size buckets by object area: small < 100 px, medium 100-999 px, large >= 1000 px.`,
    latest
      ? `latest model: ${latest.version} (${latest.source}).`
      : 'latest model: none found (BENCH_LATEST_MODEL unset, no trained model under .data): starter only.',
  ];

  const datasets: Record<string, () => Promise<EvalSamples>> = {
    synthetic: async () =>
      generateSyntheticFaDataset({
        count: size.synthetic,
        size: 256,
        seed: HELD_OUT_SYNTHETIC_SEED,
      }).map((d, i) => ({
        id: `synthetic-${i}`,
        image: { pixels: d.image, width: d.width, height: d.height, channels: 1 as const },
        gtMask: d.mask,
      })),
    drive: async () => {
      const pseudo = await loadDrivePseudoFa({
        count: size.drive,
        seed: HELD_OUT_SYNTHETIC_SEED,
        dataDir: DRIVE_DIR,
      });
      if (pseudo.length === 0) throw new Error(`skipped: DRIVE not found at ${DRIVE_DIR}`);
      return pseudo.map((d, i) => ({
        id: `drive-${i}`,
        image: { pixels: d.image, width: d.width, height: d.height, channels: 1 as const },
        gtMask: d.mask,
      }));
    },
    vessels: async () => {
      if (!driveAvailable(DRIVE_DIR)) throw new Error(`skipped: DRIVE not found at ${DRIVE_DIR}`);
      return loadDriveVesselTask({
        dataDir: DRIVE_DIR,
        imagesUsed: size.vesselImages,
        windowsPerImage: size.vesselWindows,
        seed: HELD_OUT_SYNTHETIC_SEED,
      });
    },
  };

  const result: Record<string, unknown> = {};
  for (const [name, load] of Object.entries(datasets)) {
    const samples = await measured(`quality/${name} data`, load);
    if (isMeasurementError(samples)) {
      result[name] = samples;
      continue;
    }
    const section: Record<string, Measured<ModelQuality>> = {};
    for (const model of models)
      section[model.key] = await measured(`quality/${name}/${model.key}`, () =>
        evaluate(model.dir, model.version, samples, size.maxClicks),
      );
    result[name] = section;
  }

  if (!options.smoke) {
    const bars = qualityBars(result);
    if (bars.length > 0) {
      await plotGroupedBars({
        title: 'Box-prompt Dice by object size',
        valueTitle: 'Dice (box only)',
        bars,
        outFile: join(options.resultsDir, 'quality.png'),
      });
      result['plots'] = ['quality.png'];
    }
  }
  result['notes'] = notes.join(' ');
  return result;
}

function qualityBars(result: Record<string, unknown>): Bar[] {
  const bars: Bar[] = [];
  for (const dataset of ['synthetic', 'drive', 'vessels']) {
    const section = result[dataset];
    if (!section || isMeasurementError(section)) continue;
    for (const [modelKey, quality] of Object.entries(
      section as Record<string, Measured<ModelQuality>>,
    )) {
      if (isMeasurementError(quality)) continue;
      for (const [bucket, metrics] of Object.entries(quality.bySize))
        bars.push({
          group: `${dataset} ${bucket} (n=${metrics.objects})`,
          series: modelKey,
          value: metrics.dice,
        });
      bars.push({
        group: `${dataset} all (n=${quality.objects})`,
        series: modelKey,
        value: quality.dice,
      });
    }
  }
  return bars;
}
