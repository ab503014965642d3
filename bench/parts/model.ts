/**
 * Model bench (issue #4): size, FLOPs, training speed with the tfjs wasm backend (full model and
 * decoder-only steps), inference latency of the exported files with onnxruntime-node and
 * onnxruntime-web (wasm, 1 thread, in Node), and the achieved vs peak (measured matmul) rate.
 * Inference uses models/starter (what a new project starts from).
 *
 *   npx tsx bench/parts/model.ts [--quick]     # prints the JSON
 *   npm run bench:model                        # via bench/run.ts
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as ortNodeModule from 'onnxruntime-node';
import * as ortWebModule from 'onnxruntime-web';
import {
  BASE_CONFIG,
  SamPredictor,
  countForwardFlops,
  createSegmenter,
  GradientWorkers,
  fineTune,
  generateSyntheticFaDataset,
  preprocessCrop,
  readModelDir,
  selectTrainingBackend,
  setFusedBatchedMatMul,
  setFusedTrainingKernels,
  toLuminance,
  trainingWorkersWanted,
  type FineTuneOptions,
  type OrtModule,
} from '@loupe/model/node';
import { measureBlasMatmulPeak } from '../lib/measure-blas-matmul-peak';
import { summarize } from '../lib/percentiles';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const starterDir = path.join(repoRoot, 'models/starter');

/** Wall-clock percentiles and min; cpuP50 = process CPU ms (equals latency on an idle core for 1-thread wasm). */
type Timing = ReturnType<typeof summarize> & { min: number; cpuP50?: number };
const timing = (values: number[]): Timing => ({ ...summarize(values), min: Math.min(...values) });

async function inferenceLatency(
  ort: OrtModule,
  runs: number,
): Promise<{ encoder: Timing; decoder: Timing; boxToMask: Timing }> {
  const files = await readModelDir(starterDir);
  const { manifest } = files;
  const predictor = await SamPredictor.create({ ort, ...files });
  const [sample] = generateSyntheticFaDataset({ count: 1, size: 512, seed: 3 });
  if (!sample) throw new Error('no sample');
  const lum = toLuminance(sample.image, sample.width, sample.height);
  const box = { x0: 200, y0: 180, x1: 260, y1: 230 };
  const { input, crop } = preprocessCrop(lum, sample.width, sample.height, box, {
    inputSize: manifest.inputSize,
    ...manifest.crop,
  });
  const coords = Float32Array.of(
    (box.x0 - crop.x0) * crop.scale,
    (box.y0 - crop.y0) * crop.scale,
    (box.x1 - crop.x0) * crop.scale,
    (box.y1 - crop.y0) * crop.scale,
    64,
    64,
  );
  const labels = Float32Array.of(2, 3, 1);
  const enc: number[] = [];
  const dec: number[] = [];
  const full: number[] = [];
  const encCpu: number[] = [];
  const decCpu: number[] = [];
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(since);
    return (d.user + d.system) / 1000;
  };
  for (let i = 0; i < runs + 3; i++) {
    let t = performance.now();
    let c = process.cpuUsage();
    const embedding = await predictor.runEncoder(input);
    const te = performance.now() - t;
    const ce = cpuMs(c);
    t = performance.now();
    c = process.cpuUsage();
    await predictor.runDecoder(embedding, coords, labels);
    const td = performance.now() - t;
    const cd = cpuMs(c);
    t = performance.now();
    await predictor.predict(
      { pixels: sample.image, width: sample.width, height: sample.height },
      box,
    );
    const tf2 = performance.now() - t;
    if (i >= 3) {
      enc.push(te);
      dec.push(td);
      encCpu.push(ce);
      decCpu.push(cd);
      full.push(tf2);
    }
  }
  await predictor.release();
  return {
    encoder: { ...timing(enc), cpuP50: summarize(encCpu).p50 },
    decoder: { ...timing(dec), cpuP50: summarize(decCpu).p50 },
    boxToMask: timing(full),
  };
}

/** Peak: tfjs-wasm 2-D matmul (XNNPACK path) on 256x256x256, best of a few. */
function measurePeakGflops(): number {
  return tf.tidy(() => {
    const n = 256;
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    tf.matMul(a, b).dataSync();
    let best = Infinity;
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      tf.matMul(a, b).dataSync();
      best = Math.min(best, performance.now() - t);
    }
    return (2 * n * n * n) / (best / 1000) / 1e9;
  });
}

/**
 * Training speed of one path: `fused` = the wasm training kernels (fused GELU/LayerNorm, shared
 * Identity; what the trainer runs), otherwise the composite tfjs ops the trainer used before. Same
 * seeds, so both paths see the same batches, clicks and losses.
 */
async function trainingSpeed(
  steps: number,
  freezeEncoder: boolean,
  fused = true,
): Promise<{ p50: number; min: number; cpuP50: number; losses: number[] }> {
  setFusedTrainingKernels(fused);
  const data = generateSyntheticFaDataset({ count: 8, size: 256, seed: 5 });
  const samples = data.flatMap((d) =>
    d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
  );
  const model = createSegmenter(BASE_CONFIG, { seed: 1 });
  const times: number[] = [];
  const cpu: number[] = [];
  const losses: number[] = [];
  let lastCpu = process.cpuUsage();
  const result = await fineTune({
    model,
    samples: samples.slice(0, 4 * (steps + 1)),
    epochs: 1,
    batchSize: 4,
    freeze: { imageEncoder: freezeEncoder, promptEncoder: freezeEncoder },
    onProgress: (p) => {
      times.push(p.msPerImage);
      losses.push(p.loss);
      // CPU time of this (single-threaded wasm) process: what the step costs on an idle core,
      // whatever else the shared machine is doing. Includes data preparation between steps.
      const now = process.cpuUsage(lastCpu);
      lastCpu = process.cpuUsage();
      cpu.push((now.user + now.system) / 1000 / 4);
    },
  });
  result.optimizer.dispose();
  model.dispose();
  setFusedTrainingKernels(true);
  const warm = times.slice(1); // the first step pays warm-up
  return {
    p50: summarize(warm).p50,
    min: Math.min(...warm),
    cpuP50: summarize(cpu.slice(1)).p50,
    losses,
  };
}

/**
 * Old vs new path on the same steps, alternating (composite, fused, fused, composite, ...) so
 * that both see the same machine load: each pair is one full training step (batch 4, same seed,
 * same clicks) on each path, timed by process CPU. Returns per-path CPU ms per image (p50) and the
 * median of the per-pair ratios (the load-robust speedup). `usePath(false)` selects the old path
 * (default: the composite ops), `usePath(true)` the new one.
 */
async function pairedTrainingSpeedup(
  pairs: number,
  usePath: (newPath: boolean) => void = setFusedTrainingKernels,
  stepOptions: (newPath: boolean) => Partial<FineTuneOptions> = () => ({}),
): Promise<{
  pairs: number;
  oldCpuMsPerImage: number;
  newCpuMsPerImage: number;
  medianRatio: number;
  oldWallMsPerImage: number;
  newWallMsPerImage: number;
  medianWallRatio: number;
  /** 1-minute load average before and after the pairs (the machine is shared). */
  loadAverage1m: { before: number; after: number };
}> {
  const loadBefore = os.loadavg()[0] as number;
  const data = generateSyntheticFaDataset({ count: 8, size: 256, seed: 5 });
  const samples = data.flatMap((d) =>
    d.lesions.map((mask) => ({ image: d.image, width: d.width, height: d.height, mask })),
  );
  const model = createSegmenter(BASE_CONFIG, { seed: 1 });
  const step = async (fused: boolean, seed: number) => {
    usePath(fused);
    const start = (seed * 4) % Math.max(4, samples.length - 4);
    const before = process.cpuUsage();
    const t0 = performance.now();
    const result = await fineTune({
      model,
      samples: samples.slice(start, start + 4),
      epochs: 1,
      batchSize: 4,
      seed,
      ...stepOptions(fused),
    });
    const wall = (performance.now() - t0) / 4;
    // Process CPU: every thread of this process, worker threads included.
    const used = process.cpuUsage(before);
    result.optimizer.dispose();
    return { cpu: (used.user + used.system) / 1000 / 4, wall };
  };
  await step(false, 0); // warm-up, both paths
  await step(true, 0);
  const old = { cpu: [] as number[], wall: [] as number[] };
  const now = { cpu: [] as number[], wall: [] as number[] };
  const ratios = { cpu: [] as number[], wall: [] as number[] };
  for (let i = 1; i <= pairs; i++) {
    const first = i % 2 === 0;
    const a = await step(first, i);
    const b = await step(!first, i);
    const [o, n] = first ? [b, a] : [a, b];
    for (const key of ['cpu', 'wall'] as const) {
      old[key].push(o[key]);
      now[key].push(n[key]);
      ratios[key].push(o[key] / n[key]);
    }
  }
  usePath(true);
  model.dispose();
  const median = (values: number[]) => Math.round(summarize(values).p50 * 1000) / 1000;
  return {
    pairs,
    oldCpuMsPerImage: summarize(old.cpu).p50,
    newCpuMsPerImage: summarize(now.cpu).p50,
    medianRatio: median(ratios.cpu),
    oldWallMsPerImage: summarize(old.wall).p50,
    newWallMsPerImage: summarize(now.wall).p50,
    medianWallRatio: median(ratios.wall),
    loadAverage1m: { before: loadBefore, after: os.loadavg()[0] as number },
  };
}

type PairedSpeedup = Awaited<ReturnType<typeof pairedTrainingSpeedup>>;

/** A paired run as images/s (wall) and CPU ms per image, old (composite ops) vs new. */
function wallSpeedup(run: PairedSpeedup, threads: number) {
  return {
    pairs: run.pairs,
    threads,
    compositeImagesPerSecond: 1000 / run.oldWallMsPerImage,
    imagesPerSecond: 1000 / run.newWallMsPerImage,
    medianWallRatio: run.medianWallRatio,
    compositeCpuMsPerImage: run.oldCpuMsPerImage,
    cpuMsPerImage: run.newCpuMsPerImage,
    medianCpuRatio: run.medianRatio,
    loadAverage1m: run.loadAverage1m,
  };
}

/** Sizes per mode: full, quick (--quick), smoke (npm test: the same measurements, a few steps and runs). */
function sizes(options: { quick?: boolean; smoke?: boolean }) {
  if (options.smoke) return { trainingSteps: 1, inferenceRuns: 3, speedupPairs: 1 };
  if (options.quick) return { trainingSteps: 4, inferenceRuns: 15, speedupPairs: 8 };
  return { trainingSteps: 10, inferenceRuns: 50, speedupPairs: 16 };
}

export async function runModelBench(
  options: { quick?: boolean; smoke?: boolean } = {},
): Promise<Record<string, unknown>> {
  const size = sizes(options);
  const backend = await selectTrainingBackend();
  const probe = createSegmenter(BASE_CONFIG, { seed: 1 });
  const params = probe.specs
    .filter((s) => s.trainable && s.group !== 'mae')
    .reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  probe.dispose();
  const flops = countForwardFlops(BASE_CONFIG);
  const peakGflops = measurePeakGflops();
  // The machine's own yardstick (numpy/OpenBLAS, all cores), not the backend being measured.
  const blasMatmulPeak = measureBlasMatmulPeak({
    n: options.smoke ? 1024 : 2048,
    repeats: options.smoke ? 2 : 5,
  });
  const loadBefore = os.loadavg()[0];
  // Decoder-only first: the full run then starts with the wasm kernels warm. Each path right
  // after the other (old composite ops, then the fused kernels), so both see the same load.
  const decoderSpeedComposite = await trainingSpeed(size.trainingSteps, true, false);
  const decoderSpeed = await trainingSpeed(size.trainingSteps, true);
  const fullSpeedComposite = await trainingSpeed(size.trainingSteps, false, false);
  const fullSpeed = await trainingSpeed(size.trainingSteps, false);
  const pairedRun = await pairedTrainingSpeedup(size.speedupPairs);
  const paired = {
    pairs: pairedRun.pairs,
    compositeCpuMsPerImage: pairedRun.oldCpuMsPerImage,
    fusedCpuMsPerImage: pairedRun.newCpuMsPerImage,
    medianRatio: pairedRun.medianRatio,
  };
  // The batched XNNPACK matmul alone (fused kernels on for both): tfjs-wasm's BatchMatMul vs it.
  // Not in smoke runs (null), which stay as short as before.
  const pairedBatchedMatMul = options.smoke
    ? null
    : await pairedTrainingSpeedup(size.speedupPairs, setFusedBatchedMatMul);
  // Data parallel (both cores): the trainer's path on this thread alone vs the batch split with
  // one gradient worker thread, alternating; and the original path (composite ops, one thread)
  // vs the new one with the worker. Wall time is the figure here (two threads); CPU shows the
  // cost of the split. Not in smoke runs (null).
  // As many workers as the trainer starts by default (one per extra core), at least one.
  const workers = options.smoke
    ? null
    : await GradientWorkers.start(BASE_CONFIG, Math.max(1, trainingWorkersWanted()));
  const withWorkers = (on: boolean): Partial<FineTuneOptions> =>
    on && workers ? { gradientWorkers: workers } : {};
  const pairedDataParallel = workers
    ? await pairedTrainingSpeedup(size.speedupPairs, () => undefined, withWorkers)
    : null;
  const pairedDataParallelVsCompositeOps = workers
    ? await pairedTrainingSpeedup(size.speedupPairs, setFusedTrainingKernels, withWorkers)
    : null;
  await workers?.close();
  const speedup = (old: number, now: number) => Math.round((old / now) * 1000) / 1000;
  const maxLossDifference = (a: number[], b: number[]) =>
    Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? Number.NaN))));
  const full = fullSpeed.p50;
  const runs = size.inferenceRuns;
  const ortNode = await inferenceLatency(ortNodeModule, runs);
  ortWebModule.env.wasm.numThreads = 1;
  const ortWeb = await inferenceLatency(ortWebModule, runs);
  // Training does ~3x the forward FLOPs (forward + two backward matmuls), plus the decoder's second
  // (click) pass half of the time; counted as 3x forward, so the rate is a lower bound.
  const achievedTraining = (3 * flops.total) / (full / 1000) / 1e9;
  // The same count over process CPU time per image: what the step costs on an idle core.
  const achievedTrainingCpu = (3 * flops.total) / (fullSpeed.cpuP50 / 1000) / 1e9;
  const ratio = (achieved: number, peak: number | null) =>
    peak === null ? null : Math.round((achieved / peak) * 10000) / 10000;
  const achievedOrtWeb = flops.total / ((ortWeb.encoder.p50 + ortWeb.decoder.p50) / 1000) / 1e9;
  return {
    config: BASE_CONFIG.name,
    backend: backend.name,
    params,
    forwardGflop: flops.total / 1e9,
    forwardGflopEncoder: flops.encoder / 1e9,
    forwardGflopDecoder: flops.decoder / 1e9,
    trainCpuMsPerImage: { full: fullSpeed.cpuP50, decoderOnly: decoderSpeed.cpuP50 },
    fineTuneRound200x4CpuSeconds: (fullSpeed.cpuP50 * 800) / 1000,
    trainMsPerImage: {
      full,
      decoderOnly: decoderSpeed.p50,
      fullMin: fullSpeed.min,
      decoderOnlyMin: decoderSpeed.min,
      batchSize: 4,
    },
    fineTuneRound200x4Seconds: (full * 800) / 1000,
    // The same steps on the trainer's previous path (composite tfjs ops, copying Identity), in
    // this run: speedups are old / new per image (wall p50, and CPU p50: the load-independent one).
    trainMsPerImageCompositeOps: {
      full: fullSpeedComposite.p50,
      decoderOnly: decoderSpeedComposite.p50,
      fullMin: fullSpeedComposite.min,
      decoderOnlyMin: decoderSpeedComposite.min,
      batchSize: 4,
    },
    trainCpuMsPerImageCompositeOps: {
      full: fullSpeedComposite.cpuP50,
      decoderOnly: decoderSpeedComposite.cpuP50,
    },
    trainingSpeedupVsCompositeOps: {
      full: speedup(fullSpeedComposite.p50, full),
      fullCpu: speedup(fullSpeedComposite.cpuP50, fullSpeed.cpuP50),
      decoderOnly: speedup(decoderSpeedComposite.p50, decoderSpeed.p50),
      decoderOnlyCpu: speedup(decoderSpeedComposite.cpuP50, decoderSpeed.cpuP50),
    },
    // The load-robust figure: alternating single steps on each path, median of per-pair CPU ratios.
    trainingSpeedupPaired: paired,
    // The same pairing, fused kernels on in both, tfjs-wasm's BatchMatMul (old) vs per-slice XNNPACK.
    trainingSpeedupPairedBatchedMatMul: pairedBatchedMatMul,
    // Two threads: one gradient worker (training/gradient-workers.ts), paired as above; wall ms.
    trainingDataParallelPaired: pairedDataParallel && {
      ...pairedDataParallel,
      threads: 1 + (workers?.size ?? 0),
      imagesPerSecondOneThread: 1000 / pairedDataParallel.oldWallMsPerImage,
      imagesPerSecondTwoThreads: 1000 / pairedDataParallel.newWallMsPerImage,
    },
    // The original path (composite ops, one thread) vs the fused kernels with the worker.
    trainingSpeedupPairedDataParallelVsCompositeOps: pairedDataParallelVsCompositeOps && {
      ...pairedDataParallelVsCompositeOps,
      threads: 1 + (workers?.size ?? 0),
    },
    // #18.2's figure: wall-clock images/s of the new paths vs the composite-op path (one thread),
    // from the alternating pairs above (batch 4, same seeds, this run), with CPU ms per image
    // (every thread of the process) and the load during the pairs. oneThread = the fused kernels
    // (the trainer's default); dataParallel = the fused kernels with the batch split over this
    // thread and the gradient workers (LOUPE_TRAINING_WORKERS). Null parts are not measured (smoke).
    trainingSpeedupWall: {
      defaultPath: trainingWorkersWanted() > 0 ? 'dataParallel' : 'oneThread',
      oneThread: wallSpeedup(pairedRun, 1),
      dataParallel: pairedDataParallelVsCompositeOps
        ? wallSpeedup(pairedDataParallelVsCompositeOps, 1 + (workers?.size ?? 0))
        : null,
      target: '>= 4 (medianWallRatio of the default path, quiet machine)',
    },
    trainImagesPerSecond: {
      full: 1000 / full,
      fullCompositeOps: 1000 / fullSpeedComposite.p50,
      fullCpu: 1000 / fullSpeed.cpuP50,
      fullCpuCompositeOps: 1000 / fullSpeedComposite.cpuP50,
    },
    // Same seeds on both paths: the per-step losses agree to float32 rounding.
    fusedKernelsMaxLossDifference: {
      full: maxLossDifference(fullSpeed.losses, fullSpeedComposite.losses),
      decoderOnly: maxLossDifference(decoderSpeed.losses, decoderSpeedComposite.losses),
    },
    ortNode,
    ortWeb,
    achievedGflops: achievedTraining,
    achievedGflopsOrtWeb: achievedOrtWeb,
    peakGflops,
    blasMatmulPeak,
    achievedGflopsCpu: achievedTrainingCpu,
    achievedVsBlasPeak: {
      wall: ratio(achievedTraining, blasMatmulPeak.gflops),
      cpu: ratio(achievedTrainingCpu, blasMatmulPeak.cpuGflops),
    },
    // The machine is shared: p50 under load is what a busy box gives, min what an idle one can.
    loadAverage1m: { before: loadBefore, after: os.loadavg()[0], cores: os.cpus().length },
    notes:
      "ms; trainMsPerImage = the trainer's path (wasm with fused GELU/LayerNorm kernels and shared Identity), trainMsPerImageCompositeOps = the previous path (composite tfjs ops) in the same run, trainingSpeedupVsCompositeOps = old / new; trainingSpeedupPairedBatchedMatMul = paired CPU ratio of tfjs-wasm's BatchMatMul (old) vs the per-slice XNNPACK kernel (new), fused kernels on in both; ortWeb = onnxruntime-web wasm, 1 thread, in Node; peak = tfjs-wasm 256^3 matmul; achieved = training (3x forward FLOPs / ms per image); blasMatmulPeak = numpy (OpenBLAS) fp32 2048^3 matmul on all cores in a python3 child, same run (gflops: best wall-clock repeat, cpuGflops: from process CPU time over the threads); trainingDataParallelPaired = alternating steps, this thread alone (old) vs the batch split with one gradient worker thread (new), medianWallRatio = old / new wall per image (CPU counts both threads); trainingSpeedupPairedDataParallelVsCompositeOps = the same pairing, composite ops on one thread (old) vs fused kernels + worker (new); trainingSpeedupWall = wall images/s and CPU ms per image (all threads) of the composite path vs the fused kernels on one thread (oneThread, the pairs of trainingSpeedupPaired) and with the gradient workers (dataParallel, the pairs of trainingSpeedupPairedDataParallelVsCompositeOps), with the load during each; achievedVsBlasPeak.wall = achievedGflops / blasMatmulPeak.gflops, .cpu = achievedGflopsCpu (CPU ms per image) / blasMatmulPeak.cpuGflops",
    targets: {
      newBoxMs: '<= 50 (ortWeb encoder + decoder p50)',
      clickMs: '<= 10 (ortWeb decoder p50)',
      fineTuneRoundSeconds: '<= 300',
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runModelBench({ quick: process.argv.includes('--quick') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
