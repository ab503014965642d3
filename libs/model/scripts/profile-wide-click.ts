/**
 * One corrective click on a wide-field image in Node, for `node --cpu-prof`: a 3900 x 3072 16-bit
 * image with a bright disc, an 860 px box on it, the box's proposal, then clicks timed with and
 * without the decoder (decodeClickInWindow minus decodeLogits is the per-pixel work).
 * With --consume each click gives the mask shown up (ClickOptions.consumePrevious, as the browser
 * worker does; a fresh copy each time, untimed). With --foreground-only the box's mask shown is
 * the worker's (shownOutput's foregroundOnly: probabilities above 0.5 only); its preparation is
 * timed too (prepareCpuP50Ms, the worker's prepareNextClick); with --lazy it is the browser
 * worker's now (shownOutput's lazy: no probability computed, values on demand). CPU figures are this process's CPU time (less
 * noisy than wall time on a busy machine; the decoder's own threads included).
 *   npx tsx libs/model/scripts/profile-wide-click.ts [--model models/starter] [--clicks 12] [--consume]
 *     [--foreground-only] [--lazy]
 */
import path from 'node:path';
import { openModelDir } from '../src/inference/open-model-dir';
import { disposeEmbedding, shownOutput, type ShownMask } from '../src/inference/sam-predictor';
import { fileURLToPath } from 'node:url';
import { numberArg, parseArgs } from './cli-args';

const width = 3900;
const height = 3072;
const args = parseArgs(process.argv.slice(2));
const count = numberArg(args, 'clicks', 12);
const consume = args.get('consume') === 'true';
const foregroundOnly = args.get('foreground-only') === 'true';
const lazy = args.get('lazy') === 'true';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const predictor = await openModelDir(
  path.resolve(args.get('model') ?? path.join(repoRoot, 'models', 'starter')),
);
const pixels = new Uint16Array(width * height);
const cx = 2000;
const cy = 1500;
for (let y = 0; y < height; y++)
  for (let x = 0; x < width; x++) {
    const d = Math.hypot(x - cx, y - cy);
    pixels[y * width + x] = (d < 300 ? 40000 : 8000) + ((x * 7919 + y * 104729) % 2000);
  }
const box = { x0: cx - 430, y0: cy - 430, x1: cx + 430, y1: cy + 430 };
const embedding = await predictor.embed({ pixels, width, height, channels: 1 }, box);
const proposal = await predictor.decodeClickInWindow(embedding, box, [], null);
const windowArea = proposal.window.width * proposal.window.height;
const clicksAt = (i: number) => ({
  x: cx + 280 * Math.cos(i) + 0.5,
  y: cy + 280 * Math.sin(i) + 0.5,
  positive: i % 2 === 0,
});
const times: number[] = [];
const decoderTimes: number[] = [];
const cpuTimes: number[] = [];
const decoderCpuTimes: number[] = [];
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
// The box's output as the mask shown, as the worker prepares it for the next click.
const boxOutput = await predictor.decodeLogits(embedding, box);
const prepareCpuTimes: number[] = [];
let boxShown: ShownMask = proposal.shown;
for (let i = 0; i < 5; i++) {
  const cpu = process.cpuUsage();
  boxShown = shownOutput(boxOutput, 0, [], undefined, { foregroundOnly, lazy });
  prepareCpuTimes.push(cpuMs(cpu));
}
for (let i = 0; i < count; i++) {
  const clicks = [clicksAt(i)];
  const shown: ShownMask = consume
    ? { ...boxShown, probabilities: boxShown.probabilities.slice() }
    : boxShown;
  let t = performance.now();
  let cpu = process.cpuUsage();
  await predictor.decodeLogits(embedding, box, clicks, { maskInput: shown.logits });
  decoderTimes.push(performance.now() - t);
  decoderCpuTimes.push(cpuMs(cpu));
  t = performance.now();
  cpu = process.cpuUsage();
  await predictor.decodeClickInWindow(embedding, box, clicks, shown, {
    consumePrevious: consume,
  });
  times.push(performance.now() - t);
  cpuTimes.push(cpuMs(cpu));
}
const p50 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
console.log(
  JSON.stringify({
    window: proposal.window,
    windowArea,
    clickP50Ms: +p50(times).toFixed(1),
    decoderP50Ms: +p50(decoderTimes).toFixed(1),
    pixelWorkP50Ms: +(p50(times) - p50(decoderTimes)).toFixed(1),
    consumePrevious: consume,
    foregroundOnly,
    lazy,
    prepareCpuP50Ms: +p50(prepareCpuTimes).toFixed(1),
    clickCpuP50Ms: +p50(cpuTimes).toFixed(1),
    decoderCpuP50Ms: +p50(decoderCpuTimes).toFixed(1),
    pixelWorkCpuP50Ms: +(p50(cpuTimes) - p50(decoderCpuTimes)).toFixed(1),
  }),
);
disposeEmbedding(embedding);
await predictor.release();
