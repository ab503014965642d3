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
 *   npm run bench:speed [-- --quick]
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from '../run';
import { plotGroupedBars, type Bar } from '../lib/bar-chart';
import { isMeasurementError, measured, type Measured } from '../lib/measured';
import { measureApiLatency, type ApiLatency } from '../speed/api-concurrency';
import { DEFAULT_CONFIGS, measureBrowserLatency, type BrowserLatencyResult, type EngineLatency } from '../speed/browser-latency';
import { measureAnnotateLatency } from '../speed/annotate-latency';
import { repoRoot } from '../speed/harness-server';
import { measureTrainingThroughput } from '../speed/training-throughput';

export interface SpeedBenchOptions extends BenchOptions {
  /** Tiny sizes for the smoke test: a few iterations, the ort-web 1-thread config only. */
  smoke?: boolean;
}

/** Sizes per mode: full (the lead's run), quick (--quick), smoke (npm test). */
function sizes(options: SpeedBenchOptions) {
  if (options.smoke) return { warmup: 1, iterations: 3, annotators: 3, savesPerAnnotator: 2, trainingSteps: 0, annotateTrials: 0 };
  if (options.quick) return { warmup: 3, iterations: 15, annotators: 50, savesPerAnnotator: 2, trainingSteps: 3, annotateTrials: 8 };
  return { warmup: 5, iterations: 50, annotators: 50, savesPerAnnotator: 5, trainingSteps: 6, annotateTrials: 30 };
}

/** Threads the app's inference worker uses here (apps/web ort-runtime: min(4, cores)); 1 or 2 are measured. */
export const APP_THREADS = Math.min(2, Math.max(1, cpus().length));

function engineLabel(key: string): string {
  return key.replace(/^ortWeb/, 'ort-web ').replace(/^tfjsWasm/, 'tfjs-wasm ').replace(/(\d)Threads?$/, '$1 thread(s)');
}

export async function runSpeedBench(options: SpeedBenchOptions): Promise<Record<string, unknown>> {
  const size = sizes(options);
  const starterDir = join(repoRoot, 'models', 'starter');
  const result: Record<string, unknown> = {};
  const notes: string[] = [
    'Timings on a 2-core machine shared with other work: treat them as noisy upper bounds.',
  ];

  const latency = await measured('speed/browser', () =>
    measureBrowserLatency({
      modelDir: starterDir,
      modelName: 'starter',
      warmup: size.warmup,
      iterations: size.iterations,
      ...(options.smoke ? { configs: DEFAULT_CONFIGS.filter((c) => c.key === 'ortWeb1Thread') } : {}),
    }),
  );
  const browser = browserSection(latency);
  result['browser'] = browser;

  if (!options.smoke) {
    const annotate = await measured('speed/annotate page + hot-swap', () => measureAnnotateLatency({ trials: size.annotateTrials }));
    if (isMeasurementError(annotate)) {
      browser['annotatePage'] = annotate;
      result['hotSwapMs'] = { error: annotate.error };
    } else {
      browser['boxToProposal'] = annotate.boxToProposal;
      browser['clickToMask'] = annotate.clickToMask;
      browser['annotatePage'] = { backend: annotate.backend, threads: annotate.threads };
      result['hotSwapMs'] = isMeasurementError(annotate.hotSwap) ? annotate.hotSwap : annotate.hotSwap.hotSwapMs;
      result['hotSwap'] = annotate.hotSwap;
    }
  }

  if (!options.smoke) {
    result['training'] = await measured('speed/training', () => measureTrainingThroughput({ modelDir: starterDir, steps: size.trainingSteps }));
  }

  if (!options.smoke) {
    const api: Record<string, unknown> = {};
    for (const database of ['postgres', 'embedded'] as const) {
      api[database] = await measured(`speed/api ${database}`, () => measureApiLatency({ database, annotators: size.annotators, savesPerAnnotator: size.savesPerAnnotator }));
    }
    result['api'] = api;
  }

  const plotFile = 'speed.png';
  const bars = latencyBars(result);
  if (bars.length > 0 && !options.smoke) {
    await plotGroupedBars({ title: 'Latency (ms, p50 and p95), headless Chromium, this machine', valueTitle: 'ms', bars, outFile: join(options.resultsDir, plotFile) });
    result['plots'] = [plotFile];
  }
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
    section['engine'] = `as the app runs it: ${app.engine}, ${app.threadsUsed} thread(s), cross-origin isolated: ${app.crossOriginIsolated}`;
    section['encoder'] = { p50: app.encoder.p50, p95: app.encoder.p95 };
    section['decoder'] = { p50: app.decoder.p50, p95: app.decoder.p95 };
  }
  return section;
}

function latencyBars(result: Record<string, unknown>): Bar[] {
  const bars: Bar[] = [];
  const browser = result['browser'] as { engines?: Record<string, Measured<EngineLatency>> } | undefined;
  for (const [key, engine] of Object.entries(browser?.engines ?? {})) {
    if (isMeasurementError(engine)) continue;
    const group = engineLabel(key);
    bars.push({ group, series: 'encoder p50', value: engine.encoder.p50 });
    bars.push({ group, series: 'encoder p95', value: engine.encoder.p95 });
    bars.push({ group, series: 'decoder p50', value: engine.decoder.p50 });
    bars.push({ group, series: 'decoder p95', value: engine.decoder.p95 });
  }
  const page = browser as { boxToProposal?: { p50: number; p95: number }; clickToMask?: { p50: number; p95: number } } | undefined;
  for (const [label, figure] of [['annotate page: box -> proposal', page?.boxToProposal], ['annotate page: click -> mask', page?.clickToMask]] as const) {
    if (!figure) continue;
    bars.push({ group: label, series: 'p50', value: figure.p50 });
    bars.push({ group: label, series: 'p95', value: figure.p95 });
  }
  const api = (result['api'] ?? {}) as Record<string, Measured<ApiLatency>>;
  for (const [database, latency] of Object.entries(api)) {
    if (isMeasurementError(latency)) continue;
    const group = `API save, ${latency.annotators} annotators, ${database}`;
    bars.push({ group, series: 'p50', value: latency.p50 });
    bars.push({ group, series: 'p95', value: latency.p95 });
    bars.push({ group, series: 'p99', value: latency.p99 });
  }
  return bars;
}
