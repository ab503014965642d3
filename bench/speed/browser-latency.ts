/**
 * Encoder/decoder latency in headless Chromium: onnxruntime-web wasm with 1 and 2 threads and the
 * same network in tfjs-wasm, one fresh worker per configuration, in one run and one page.
 */
import { loadCheckpoint } from '@loupe/model/node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Measured } from '../lib/measured';
import { summarize } from '../lib/percentiles';
import { launchChromium } from './chromium';
import { startHarnessServer, type TfjsWeights } from './harness-server';
import type { EngineName, LatencyRequest, LatencySamples } from './protocol';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}

export interface EngineLatency {
  engine: EngineName;
  threadsRequested: number;
  threadsUsed: number;
  crossOriginIsolated: boolean;
  loadMs: number;
  encoder: LatencySummary;
  decoder: LatencySummary;
  /** encoder p50 + decoder p50: the model's share of "new box -> proposal". */
  boxP50: number;
  notes: string[];
}

export interface BrowserLatencyResult {
  model: string;
  configs: Record<string, Measured<EngineLatency>>;
}

export interface LatencyConfig {
  key: string;
  engine: EngineName;
  threads: number;
  /** tfjs only: run on the page's main thread instead of a worker. */
  onPage?: boolean;
}

export const DEFAULT_CONFIGS: LatencyConfig[] = [
  { key: 'ortWeb1Thread', engine: 'ort-web', threads: 1 },
  { key: 'ortWeb2Threads', engine: 'ort-web', threads: 2 },
  { key: 'tfjsWasm1Thread', engine: 'tfjs-wasm', threads: 1 },
  { key: 'tfjsWasm2Threads', engine: 'tfjs-wasm', threads: 2 },
];

/** The checkpoint's weights in one float32 blob + a JSON index, for the tfjs worker. */
export async function tfjsWeightsFromCheckpoint(file: string): Promise<TfjsWeights> {
  const checkpoint = await loadCheckpoint(file);
  let total = 0;
  for (const tensor of checkpoint.weights.values()) total += tensor.data.length;
  const data = new Float32Array(total);
  const tensors: TfjsWeights['header']['tensors'] = [];
  let offset = 0;
  for (const [name, tensor] of checkpoint.weights) {
    data.set(tensor.data, offset);
    tensors.push({ name, shape: tensor.shape, offset, length: tensor.data.length });
    offset += tensor.data.length;
  }
  return { header: { config: checkpoint.config, tensors }, data };
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
}

async function measureOne(
  page: Page,
  request: LatencyRequest,
  timeoutMs: number,
): Promise<LatencySamples> {
  const run = page.evaluate(
    (req) =>
      (
        globalThis as unknown as { runLatency(r: LatencyRequest): Promise<LatencySamples> }
      ).runLatency(req),
    request,
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${request.engine} ${request.threads} thread(s): no result within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function measureBrowserLatency(options: {
  modelDir: string;
  modelName?: string;
  warmup: number;
  iterations: number;
  clicks?: number;
  configs?: LatencyConfig[];
  timeoutMs?: number;
}): Promise<BrowserLatencyResult> {
  const modelName = options.modelName ?? 'model';
  const checkpointFile = join(options.modelDir, 'checkpoint.safetensors');
  const tfjsWeights = existsSync(checkpointFile)
    ? { [modelName]: await tfjsWeightsFromCheckpoint(checkpointFile) }
    : undefined;
  const server = await startHarnessServer({
    modelDirs: { [modelName]: options.modelDir },
    ...(tfjsWeights ? { tfjsWeights } : {}),
  });
  const browser = await launchChromium();
  const configs: BrowserLatencyResult['configs'] = {};
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 });
    for (const config of options.configs ?? DEFAULT_CONFIGS) {
      if (config.engine === 'tfjs-wasm' && !tfjsWeights) {
        configs[config.key] = {
          error: `not measured: no checkpoint.safetensors beside ${options.modelDir} to build the tfjs network from`,
        };
        continue;
      }
      const request: LatencyRequest = {
        engine: config.engine,
        threads: config.threads,
        modelBase: `/models/${modelName}`,
        tfjsWeightsBase: `/tfjs-weights/${modelName}`,
        warmup: options.warmup,
        iterations: options.iterations,
        clicks: options.clicks ?? 1,
        ...(config.onPage ? { onPage: true } : {}),
      };
      try {
        const samples = await measureOne(page, request, options.timeoutMs ?? 120_000);
        const encoder = summarize(samples.encoderMs);
        const decoder = summarize(samples.decoderMs);
        configs[config.key] = {
          engine: samples.engine,
          threadsRequested: samples.threadsRequested,
          threadsUsed: samples.threadsUsed,
          crossOriginIsolated: samples.crossOriginIsolated,
          loadMs: samples.loadMs,
          encoder,
          decoder,
          boxP50: encoder.p50 + decoder.p50,
          notes:
            samples.threadsUsed < samples.threadsRequested
              ? [
                  ...samples.notes,
                  `asked for ${samples.threadsRequested} threads, the runtime reports ${samples.threadsUsed}`,
                ]
              : samples.notes,
        };
        if (samples.maskLogitMaxAbs === 0)
          configs[config.key] = { error: `${config.key}: decoder produced all-zero mask logits` };
      } catch (error) {
        configs[config.key] = {
          error: `${errorText(error)}${pageErrors.length ? `; page errors: ${pageErrors.join(' | ')}` : ''}`,
        };
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { model: modelName, configs };
}
