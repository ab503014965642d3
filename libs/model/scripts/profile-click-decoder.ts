/**
 * Decoder time per prompt shape with onnxruntime-web's wasm backend (1 thread, as the browser
 * worker runs it): box alone, then box + 1..N clicks, the whole sequence run several times on one
 * session. A shape's first run against its later runs shows what onnxruntime spends planning a new
 * input shape (the points tensor is [1, n, 2]: each click is a new n). Figures are CPU ms.
 *   npx tsx libs/model/scripts/profile-click-decoder.ts [--clicks 8] [--passes 3] [--mem-pattern false]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { parseManifest } from '../src/contract';
import { SamPredictor, disposeEmbedding, shownOutput } from '../src/inference/sam-predictor';
import { numberArg, parseArgs } from './cli-args';

const args = parseArgs(process.argv.slice(2));
const clickCount = numberArg(args, 'clicks', 8);
const passes = numberArg(args, 'passes', 3);
const memPattern = args.get('mem-pattern') !== 'false';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const modelDir = path.resolve(args.get('model') ?? path.join(repoRoot, 'models', 'starter'));
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
const manifest = parseManifest(
  JSON.parse(await readFile(path.join(modelDir, 'manifest.json'), 'utf8')),
);
const predictor = await SamPredictor.create({
  ort,
  manifest,
  encoder: await readFile(path.join(modelDir, manifest.encoder.file)),
  decoder: await readFile(path.join(modelDir, manifest.decoder.file)),
  sessionOptions: {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    enableMemPattern: memPattern,
  },
});
// CPU time of this process (onnxruntime-web runs on this thread here): steadier than wall time on
// a loaded machine.
const cpuNow = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const side = 512;
const luminance = new Float32Array(side * side).map((_, i) =>
  Math.hypot((i % side) - 256, Math.floor(i / side) - 256) < 80 ? 0.8 : 0.2,
);
const box = { x0: 160, y0: 160, x1: 352, y1: 352 };
const embedding = await predictor.embedLuminance(luminance, side, side, box);
const clicks = Array.from({ length: clickCount }, (_, i) => ({
  x: 256 + 60 * Math.cos(i) + 0.5,
  y: 256 + 60 * Math.sin(i) + 0.5,
  positive: i % 2 === 0,
}));
const maskInput = new Float32Array(manifest.maskSize ** 2).fill(-3);
const rows: Record<string, number[]> = {};
for (let pass = 0; pass < passes; pass++) {
  for (let n = 0; n <= clickCount; n++) {
    const t = cpuNow();
    await predictor.decodeLogits(embedding, box, clicks.slice(0, n), n > 0 ? { maskInput } : {});
    (rows[`points=${n + 2}`] ??= []).push(+(cpuNow() - t).toFixed(2));
  }
}
// The same shape again and again (what a warm shape costs).
const steady: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = cpuNow();
  await predictor.decodeLogits(embedding, box, clicks.slice(0, 1), { maskInput });
  steady.push(+(cpuNow() - t).toFixed(2));
}
// The worker's click on a demo-sized image (384 x 384): decodeClickInWindow on the box's shown
// output, the previous given up (a fresh copy each time, untimed), against its decodeLogits alone.
const demo = 384;
const demoLum = new Float32Array(demo * demo).map((_, i) =>
  Math.hypot((i % demo) - 192, Math.floor(i / demo) - 192) < 70 ? 0.8 : 0.2,
);
const demoBox = { x0: 110, y0: 110, x1: 274, y1: 274 };
const demoEmbedding = await predictor.embedLuminance(demoLum, demo, demo, demoBox);
const proposal = await predictor.decodeLogits(demoEmbedding, demoBox);
const shown = shownOutput(proposal, 0, []);
const click = { x: 200.5, y: 250.5, positive: true };
const clickMs: number[] = [];
const clickDecoderMs: number[] = [];
for (let i = 0; i < 12; i++) {
  const previous = { ...shown, probabilities: shown.probabilities.slice() };
  let t = cpuNow();
  await predictor.decodeLogits(demoEmbedding, demoBox, [click], { maskInput: shown.logits });
  clickDecoderMs.push(+(cpuNow() - t).toFixed(2));
  t = cpuNow();
  await predictor.decodeClickInWindow(demoEmbedding, demoBox, [click], previous, {
    consumePrevious: true,
  });
  clickMs.push(+(cpuNow() - t).toFixed(2));
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(
  JSON.stringify(
    {
      memPattern,
      msPerPass: rows,
      steadyPoints3: steady,
      demoClick: {
        window: shown.window,
        decodeLogitsP50: median(clickDecoderMs),
        decodeClickInWindowP50: median(clickMs),
        decodeClickInWindow: clickMs,
      },
    },
    null,
    1,
  ),
);
disposeEmbedding(embedding);
disposeEmbedding(demoEmbedding);
await predictor.release();
