/**
 * Speed bench (issue 6/8): how fast Loupe feels and scales on this machine.
 * - browser: encoder/decoder latency in headless Chromium, onnxruntime-web wasm with 1 and 2
 *   threads and the same network in tfjs-wasm, side by side (bench/speed/browser-latency.ts);
 * - annotate: "new box -> proposal" and "click -> refined mask" in the real annotate page;
 * - hotSwapMs: promotion -> first proposal from the new version in an open page;
 * - training: fine-tuning throughput per available tfjs backend;
 * - api: save-mask latency under 50 concurrent signed-in annotators, Postgres and embedded.
 * Each sub-measurement is independent: a failure is recorded as { error } and the rest runs.
 *
 * - annotate page on a wide-field image (3900x3072, 16-bit PNG) too, with the save of an object,
 *   the latency split by ProposalBreakdown, and a Chromium trace summary of both images.
 *
 *   npm run bench:speed [-- --quick] [-- --annotate-only]
 *
 * --annotate-only measures the annotate page alone and keeps every other section of the last
 * bench/results/speed.json as it was (result.annotateOnly says so and where they came from);
 * with --keep-as-before the annotate figures it replaces are kept in result.annotateBefore.
 */
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ortThreadsFor } from '@loupe/model';
import type { BenchOptions } from '../run';
import { plotGroupedBars, type Bar } from '../lib/bar-chart';
import { isMeasurementError, measured, type Measured } from '../lib/measured';
import { measureApiLatency, type ApiLatency } from '../speed/api-concurrency';
import {
  DEFAULT_CONFIGS,
  measureBrowserLatency,
  type BrowserLatencyResult,
  type EngineLatency,
} from '../speed/browser-latency';
import { measureAnnotateLatency } from '../speed/annotate-latency';
import { repoRoot } from '../lib/repo-root';
import { measureTrainingThroughput } from '../speed/training-throughput';

export interface SpeedBenchOptions extends BenchOptions {
  /** Tiny sizes for the smoke test: a few iterations, the ort-web 1-thread config only. */
  smoke?: boolean;
}

/** Sizes per mode: full (the lead's run), quick (--quick), smoke (npm test). */
function sizes(options: SpeedBenchOptions) {
  if (options.smoke)
    return {
      warmup: 1,
      iterations: 3,
      annotators: 3,
      savesPerAnnotator: 2,
      pacedSaves: 1,
      trainingSteps: 0,
      annotateTrials: 0,
      annotateSaves: 0,
      traceTrials: 0,
      walkImages: 0,
    };
  if (options.quick)
    return {
      warmup: 3,
      iterations: 15,
      annotators: 50,
      savesPerAnnotator: 2,
      pacedSaves: 2,
      trainingSteps: 3,
      annotateTrials: 8,
      annotateSaves: 6,
      traceTrials: 4,
      walkImages: 40,
    };
  return {
    warmup: 5,
    iterations: 50,
    annotators: 50,
    savesPerAnnotator: 5,
    pacedSaves: 4,
    trainingSteps: 6,
    annotateTrials: 30,
    annotateSaves: 20,
    traceTrials: 8,
    walkImages: 200,
  };
}

/** Threads the app's inference worker uses here (libs/model ortThreadsFor: min(4, cores - 1)); 1 or 2 are measured. */
export const APP_THREADS = Math.min(2, ortThreadsFor(cpus().length));

function engineLabel(key: string): string {
  return key
    .replace(/^ortWeb/, 'ort-web ')
    .replace(/^tfjsWasm/, 'tfjs-wasm ')
    .replace(/(\d)Threads?$/, '$1 thread(s)');
}

/** What the annotate page's figures mean (notes). */
export const ANNOTATE_NOTE =
  "browser.boxToProposal/clickToMask: the real annotate page (production build, next start, Postgres), as the page records them from the pointer action to the mask drawn into the on-screen canvas; *NextFrame: to the start of the first animation frame after that (the frame that shows it; the same as the first when the page draws inside an animation frame, as it did before issue 18). browser.annotatePage.breakdownP50: the median of each part (ProposalBreakdown in libs/contracts); .trace: a Chromium trace (CDP Tracing) of more box + click pairs, per thread busy time and devtools events per interaction, and the page's performance.measure spans; .save: accepting an object (Enter) from the request to the answer, RLE encoding included. browser.annotateWide: the same on a 3900x3072 16-bit PNG; there the box's crop is about 1,960 px a side, so its clicks run on the object's work grid (libs/model work-grid.ts: the crop binned 8 x 8 to at most 256 x 256 px, the mask upsampled to full resolution, exactly the bilinear sample above 0.5). A click's own render and event wait for its result (one frame shows both); the harness polls the page's counts only, not the whole hooks object (it took the page's main thread for milliseconds inside the timed clicks).";

/** Images in the project the annotate page walks through for browser.annotateProjectWalk. */
export const WALK_PROJECT_IMAGES = 1000;

/** What the memory figures mean (notes). */
export const MEMORY_NOTE = `browser.annotatePage.memory / annotateWide.memory: after the timed trials, pageHeapMB (performance.memory, the page's main-thread JS heap), uaMemory (performance.measureUserAgentSpecificMemory in the cross-origin isolated page: windowMB and workerMB, the inference worker's JS heap and the wasm memory it holds) and renderer.rssMiB (Linux /proc RSS of the browser's renderer processes, page + worker + Chromium's own). browser.annotateProjectWalk: a ${WALK_PROJECT_IMAGES}-image project (one real image, the other rows sharing its files), the page steps through projectWalk.imagesWalked images with Skip, a box on each, memory at start and end; pageHeapPeakMB is the target's figure (<= 300 MB).`;

/** The sentence notes had for the annotate page before issue 18 (it drew inside an animation frame). */
const OLD_ANNOTATE_NOTE =
  'browser.boxToProposal/clickToMask: the real annotate page (production build, next start, Postgres), as the page records them from the pointer action to the frame that paints the mask.';

/** Notes of a carried-over result with the annotate page's sentence made current. */
export function withAnnotateNote(notes: unknown): string {
  const text = typeof notes === 'string' ? notes : '';
  if (text.includes(ANNOTATE_NOTE)) return text;
  if (text.includes(OLD_ANNOTATE_NOTE)) return text.replace(OLD_ANNOTATE_NOTE, ANNOTATE_NOTE);
  return `${text} ${ANNOTATE_NOTE}`.trim();
}

/** The wide-field image of issue 18: ultra-widefield angiography size, 16-bit. */
export const WIDE_IMAGE = { width: 3900, height: 3072, bitDepth: 16 } as const;

/** The annotate page's figures, as browser.* fields (demo image) and browser.annotateWide. */
async function annotateSection(
  size: ReturnType<typeof sizes>,
  browser: Record<string, unknown>,
  result: Record<string, unknown>,
): Promise<void> {
  const annotate = await measured('speed/annotate page + hot-swap', () =>
    measureAnnotateLatency({
      trials: size.annotateTrials,
      saves: size.annotateSaves,
      traceTrials: size.traceTrials,
    }),
  );
  if (isMeasurementError(annotate)) {
    browser['annotatePage'] = annotate;
    result['hotSwapMs'] = { error: annotate.error };
  } else {
    browser['boxToProposal'] = annotate.boxToProposal;
    browser['clickToMask'] = annotate.clickToMask;
    browser['boxToProposalNextFrame'] = annotate.boxToProposalNextFrame;
    browser['clickToMaskNextFrame'] = annotate.clickToMaskNextFrame;
    browser['annotatePage'] = {
      backend: annotate.backend,
      threads: annotate.threads,
      image: annotate.image,
      breakdownP50: annotate.breakdownP50,
      save: annotate.save,
      pageReadyMs: annotate.pageReadyMs,
      pageHeapMB: annotate.pageHeapMB,
      memory: annotate.memory,
      trace: annotate.trace,
    };
    const swap = annotate.hotSwap;
    result['hotSwapMs'] = swap === null ? null : 'error' in swap ? swap : swap.hotSwapMs;
    result['hotSwap'] = annotate.hotSwap;
  }
  browser['annotateWide'] = await measured('speed/annotate page, 3900x3072 16-bit', () =>
    measureAnnotateLatency({
      trials: size.annotateTrials,
      image: WIDE_IMAGE,
      saves: size.annotateSaves,
      traceTrials: size.traceTrials,
      hotSwap: false,
    }),
  );
  if (size.walkImages)
    browser['annotateProjectWalk'] = await measured(
      `speed/annotate page, walk of a ${WALK_PROJECT_IMAGES}-image project`,
      async () => {
        const walked = await measureAnnotateLatency({
          trials: 1,
          hotSwap: false,
          projectImages: WALK_PROJECT_IMAGES,
          walkImages: size.walkImages,
        });
        return { image: walked.image, memory: walked.memory, projectWalk: walked.projectWalk };
      },
    );
}

/** --annotate-only: the annotate page's figures over the last full result. */
async function runAnnotateOnly(options: SpeedBenchOptions): Promise<Record<string, unknown>> {
  const size = sizes(options);
  const previousFile = join(options.resultsDir, 'speed.json');
  const previous = JSON.parse(await readFile(previousFile, 'utf8')) as {
    environment?: Record<string, unknown>;
    result?: Record<string, unknown>;
  };
  const result: Record<string, unknown> = { ...previous.result };
  const browser: Record<string, unknown> = {
    ...((previous.result?.['browser'] as Record<string, unknown> | undefined) ?? {}),
  };
  const annotateLoadAtStart = Math.round((loadavg()[0] ?? 0) * 10) / 10;
  if (options['keepAsBefore']) {
    // --keep-as-before: the annotate figures being replaced stay, as the "before" of a change.
    const keys = [
      'boxToProposal',
      'clickToMask',
      'boxToProposalNextFrame',
      'clickToMaskNextFrame',
      'annotatePage',
      'annotateWide',
      'annotateProjectWalk',
    ];
    const previousOnly = previous.result?.['annotateOnly'] as Record<string, unknown> | undefined;
    result['annotateBefore'] = {
      environment: previous.environment ?? null,
      loadAverageAtStart: previousOnly?.['loadAverageAtStart'] ?? null,
      loadAverageAtEnd: previousOnly?.['loadAverageAtEnd'] ?? null,
      browser: Object.fromEntries(keys.map((k) => [k, browser[k] ?? null])),
    };
  }
  await annotateSection(size, browser, result);
  result['browser'] = browser;
  const previousOnly = previous.result?.['annotateOnly'] as { carriedFrom?: unknown } | undefined;
  const notes = withAnnotateNote(previous.result?.['notes']);
  result['notes'] = notes.includes(MEMORY_NOTE) ? notes : `${notes} ${MEMORY_NOTE}`;
  result['annotateOnly'] = {
    note: 'Only the annotate page was measured in this run (--annotate-only): browser.boxToProposal, clickToMask, *NextFrame, annotatePage, annotateWide, annotateProjectWalk, hotSwap(Ms). Every other field is carried over from the run in carriedFrom.',
    carriedFrom: previousOnly?.carriedFrom ?? previous.environment ?? null,
    loadAverageAtStart: annotateLoadAtStart,
    loadAverageAtEnd: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    quick: options.quick,
  };
  return result;
}

export async function runSpeedBench(options: SpeedBenchOptions): Promise<Record<string, unknown>> {
  if (options['annotateOnly'] && !options.smoke) return runAnnotateOnly(options);
  const size = sizes(options);
  const starterDir = join(repoRoot, 'models', 'starter');
  const result: Record<string, unknown> = {};
  result['loadAverageAtStart'] = Math.round((loadavg()[0] ?? 0) * 10) / 10;
  const notes: string[] = [
    `Timings on a ${cpus().length}-core machine shared with other work (1-min load average at start ${result['loadAverageAtStart']}, at end: see loadAverageAtEnd): treat them as noisy upper bounds.`,
    'browser.encoder/decoder: onnxruntime-web wasm in a Web Worker of a cross-origin isolated page, at the thread count the app uses here; browser.engines has every engine side by side on the same fixed input (tfjs-wasm runs the same network with the checkpoint weights).',
    'tfjs-wasm loads its threaded SIMD build here but its XNNPACK pool uses at most half the logical cores (1 on this 2-core machine; tensorflow/tfjs#4972, #4995), so its 2-thread row runs on 1 thread (see its notes).',
    ANNOTATE_NOTE,
    MEMORY_NOTE,
    'hotSwapMs: a model version is registered and promoted (libs/db registry) while the page is open and a simulated annotator draws a box whenever the last proposal is on screen; time from the promotion to the first proposal made by the new version (hotSwap.modelReadyMs: to the worker reporting it loaded).',
    'api.<db>: 50 signed-in sessions (real web app under next start, its own process) save masks through tRPC over HTTP; p50/p95/p99: all 50 working at once with a 2-8 s think time before each save (several times real labelling load); .burst: no think time, each sends its next save when the last returns (a throughput stress: its latency is mostly queueing); .singleAnnotatorP50: one annotator alone.',
  ];

  const latency = await measured('speed/browser', () =>
    measureBrowserLatency({
      modelDir: starterDir,
      modelName: 'starter',
      warmup: size.warmup,
      iterations: size.iterations,
      ...(options.smoke
        ? { configs: DEFAULT_CONFIGS.filter((c) => c.key === 'ortWeb1Thread') }
        : {}),
    }),
  );
  const browser = browserSection(latency);
  result['browser'] = browser;

  if (!options.smoke) await annotateSection(size, browser, result);

  if (!options.smoke) {
    result['training'] = await measured('speed/training', () =>
      measureTrainingThroughput({ modelDir: starterDir, steps: size.trainingSteps }),
    );
  }

  if (!options.smoke) {
    const api: Record<string, unknown> = {};
    for (const database of ['postgres', 'embedded'] as const) {
      api[database] = await measured(`speed/api ${database}`, () =>
        measureApiLatency({
          database,
          annotators: size.annotators,
          savesPerAnnotator: size.savesPerAnnotator,
          pacedSavesPerAnnotator: size.pacedSaves,
        }),
      );
    }
    result['api'] = api;
  }

  if (!options.smoke) result['plots'] = await writeSpeedPlots(result, options.resultsDir);
  result['loadAverageAtEnd'] = Math.round((loadavg()[0] ?? 0) * 10) / 10;
  result['notes'] = notes.join(' ');
  return result;
}

/** The figures the targets read (browser.encoder/decoder = ort-web at the app's thread count) + every engine. */
function browserSection(latency: Measured<BrowserLatencyResult>): Record<string, unknown> {
  if (isMeasurementError(latency)) return { error: latency.error };
  const appKey = APP_THREADS === 1 ? 'ortWeb1Thread' : 'ortWeb2Threads';
  const app = latency.configs[appKey] ?? latency.configs['ortWeb1Thread'];
  const section: Record<string, unknown> = { model: latency.model, engines: latency.configs };
  if (app && !isMeasurementError(app)) {
    section['engine'] =
      `as the app runs it: ${app.engine}, ${app.threadsUsed} thread(s), cross-origin isolated: ${app.crossOriginIsolated}`;
    section['encoder'] = { p50: app.encoder.p50, p95: app.encoder.p95 };
    section['decoder'] = { p50: app.decoder.p50, p95: app.decoder.p95 };
  }
  return section;
}

/** speed.png (browser) and speed-api.png (API), from a speed result; returns the files written. */
export async function writeSpeedPlots(
  result: Record<string, unknown>,
  resultsDir: string,
): Promise<string[]> {
  const plots: string[] = [];
  const charts = [
    {
      file: 'speed.png',
      title: 'Browser latency (ms), headless Chromium, this machine',
      bars: browserBars(result),
    },
    {
      file: 'speed-api.png',
      title: 'Save-mask API latency (ms), real tRPC over HTTP',
      bars: apiBars(result),
    },
  ];
  for (const chart of charts) {
    if (chart.bars.length === 0) continue;
    await plotGroupedBars({
      title: chart.title,
      valueTitle: 'ms',
      bars: chart.bars,
      outFile: join(resultsDir, chart.file),
    });
    plots.push(chart.file);
  }
  return plots;
}

/** Browser rows: encoder and decoder per engine, then the real page's end-to-end figures. */
function browserBars(result: Record<string, unknown>): Bar[] {
  const bars: Bar[] = [];
  const browser = result['browser'] as
    | {
        engines?: Record<string, Measured<EngineLatency>>;
        boxToProposal?: { p50: number; p95: number };
        clickToMask?: { p50: number; p95: number };
      }
    | undefined;
  const add = (group: string, figure: { p50: number; p95: number }) => {
    bars.push({ group, series: 'p50', value: figure.p50 });
    bars.push({ group, series: 'p95', value: figure.p95 });
  };
  for (const [key, engine] of Object.entries(browser?.engines ?? {})) {
    if (isMeasurementError(engine)) continue;
    add(`${engineLabel(key)}: encoder`, engine.encoder);
    add(`${engineLabel(key)}: decoder`, engine.decoder);
  }
  if (browser?.boxToProposal)
    add('annotate page: new box -> proposal on screen', browser.boxToProposal);
  if (browser?.clickToMask)
    add('annotate page: click -> refined mask on screen', browser.clickToMask);
  return bars;
}

function apiBars(result: Record<string, unknown>): Bar[] {
  const bars: Bar[] = [];
  const api = (result['api'] ?? {}) as Record<string, Measured<ApiLatency>>;
  for (const [database, latency] of Object.entries(api)) {
    if (isMeasurementError(latency)) continue;
    const paced = `${database}: ${latency.annotators} annotators, ${latency.thinkTimeMs[0] / 1000}-${latency.thinkTimeMs[1] / 1000} s think time`;
    bars.push({ group: paced, series: 'p50', value: latency.p50 });
    bars.push({ group: paced, series: 'p95', value: latency.p95 });
    bars.push({ group: paced, series: 'p99', value: latency.p99 });
    const burst = `${database}: ${latency.annotators} annotators, no think time (burst)`;
    bars.push({ group: burst, series: 'p50', value: latency.burst.p50 });
    bars.push({ group: burst, series: 'p95', value: latency.burst.p95 });
    bars.push({ group: burst, series: 'p99', value: latency.burst.p99 });
    bars.push({
      group: `${database}: one annotator alone`,
      series: 'p50',
      value: latency.singleAnnotatorP50,
    });
  }
  return bars;
}
