/**
 * The work grid: upsampleAboveHalf is the per-pixel bilinear sample above 0.5, and clicks on a
 * wide crop worked on the grid (the browser worker's path) give the full-resolution click path's
 * masks, on the real starter model.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMask, iou, nextClick, type ClickPrompt, type Mask } from '@loupe/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelDir } from './open-model-dir';
import {
  disposeEmbedding,
  shownOutput,
  type CropEmbedding,
  type SamPredictor,
  type ShownMask,
} from './sam-predictor';
import {
  decodeClickOnWorkGrid,
  shownOnWorkGrid,
  upsampleAboveHalf,
  upsampleAboveHalfJob,
  workGridScale,
} from './work-grid';

/** The definition upsampleAboveHalf computes run by run: every pixel sampled on its own. */
function referenceUpsample(
  p: Float32Array,
  win: { x0: number; y0: number; width: number; height: number },
  s: number,
  width: number,
  height: number,
): Uint8Array {
  const at = (gx: number, gy: number) => {
    const lx = gx - win.x0;
    const ly = gy - win.y0;
    return lx < 0 || ly < 0 || lx >= win.width || ly >= win.height
      ? 0
      : (p[ly * win.width + lx] as number);
  };
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / s - 0.5;
      const v = (y + 0.5) / s - 0.5;
      const c = Math.floor(u);
      const r = Math.floor(v);
      const t = u - c;
      const wy = v - r;
      const a = at(c, r) + (at(c, r + 1) - at(c, r)) * wy;
      const b = at(c + 1, r) + (at(c + 1, r + 1) - at(c + 1, r)) * wy;
      out[y * width + x] = a + (b - a) * t > 0.5 ? 1 : 0;
    }
  return out;
}

function regionToImage(
  region: { bounds: { x0: number; y0: number; x1: number; y1: number } | null; data: Uint8Array },
  width: number,
  height: number,
): Uint8Array {
  const out = new Uint8Array(width * height);
  const b = region.bounds;
  if (!b) return out;
  const w = b.x1 - b.x0;
  for (let y = b.y0; y < b.y1; y++)
    out.set(region.data.subarray((y - b.y0) * w, (y - b.y0 + 1) * w), y * width + b.x0);
  return out;
}

function foregroundOf(p: Float32Array, win: { x0: number; y0: number; width: number }) {
  let area = 0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let i = 0; i < p.length; i++) {
    if ((p[i] as number) <= 0.5) continue;
    const x = win.x0 + (i % win.width);
    const y = win.y0 + Math.floor(i / win.width);
    area++;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return area ? { area, x0, y0, x1, y1 } : { area: 0, x0: 0, y0: 0, x1: -1, y1: -1 };
}

describe('upsampleAboveHalf', () => {
  it('is the per-pixel bilinear sample above 0.5, at several binnings and window offsets', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const s of [2, 3, 4, 5, 7]) {
      const win = { x0: 3 + s, y0: 2, width: 40, height: 31 };
      const cx = win.x0 + 20 + random() * 4;
      const cy = win.y0 + 15 + random() * 4;
      const p = new Float32Array(win.width * win.height);
      for (let i = 0; i < p.length; i++) {
        const gx = win.x0 + (i % win.width);
        const gy = win.y0 + Math.floor(i / win.width);
        const d = Math.hypot((gx - cx) * 1.3, gy - cy) + 3 * Math.sin(gx / 2);
        p[i] = 1 / (1 + Math.exp(d - 9));
      }
      const width = (win.x0 + win.width + 2) * s;
      const height = (win.y0 + win.height + 2) * s;
      const region = upsampleAboveHalf(p, win, foregroundOf(p, win), s, width, height, [], 0);
      const got = regionToImage(region, width, height);
      const want = referenceUpsample(p, win, s, width, height);
      let differ = 0;
      for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) differ++;
      expect(differ, `binning ${s}`).toBe(0);
      expect(want.some((v) => v === 1)).toBe(true);
    }
  });

  it('gives the same mask band by band (upsampleAboveHalfJob) as at once', () => {
    const win = { x0: 2, y0: 1, width: 30, height: 30 };
    const p = new Float32Array(900);
    for (let i = 0; i < 900; i++)
      p[i] = Math.hypot((i % 30) - 14, Math.floor(i / 30) - 16) < 9 + ((i * 7) % 3) ? 0.8 : 0.3;
    const fg = foregroundOf(p, win);
    const clicks: ClickPrompt[] = [{ x: 70.5, y: 20.5, positive: false }];
    const whole = upsampleAboveHalf(p, win, fg, 4, 160, 140, clicks, 1.5);
    const job = upsampleAboveHalfJob(p, win, fg, 4, 160, 140, clicks, 1.5)!;
    // Bands out of order, as a caller may run them.
    const bands: [number, number][] = [];
    for (let y = job.y0; y < job.y1; y += 7) bands.push([y, y + 7]);
    for (const [from, to] of bands.reverse()) job.rows(from, to);
    const banded = job.finish();
    expect(banded.bounds).toEqual(whole.bounds);
    expect(Buffer.from(banded.data).equals(Buffer.from(whole.data))).toBe(true);
  });

  it('forces each click at full resolution and keeps its bounding box tight', () => {
    const win = { x0: 0, y0: 0, width: 20, height: 20 };
    const p = new Float32Array(400).fill(0.9);
    const clicks: ClickPrompt[] = [
      { x: 40.5, y: 40.5, positive: false },
      { x: 150.5, y: 10.5, positive: true },
    ];
    const region = upsampleAboveHalf(p, win, foregroundOf(p, win), 4, 200, 100, clicks, 1.5);
    const image = regionToImage(region, 200, 100);
    expect(image[40 * 200 + 40]).toBe(0);
    expect(image[10 * 200 + 150]).toBe(1);
    expect(region.bounds).toEqual({ x0: 0, y0: 0, x1: 152, y1: 80 });
  });

  it('is empty with no foreground and no positive click', () => {
    const win = { x0: 0, y0: 0, width: 4, height: 4 };
    const region = upsampleAboveHalf(
      new Float32Array(16).fill(0.2),
      win,
      { area: 0, x0: 0, y0: 0, x1: -1, y1: -1 },
      3,
      12,
      12,
      [],
      1.5,
    );
    expect(region.bounds).toBeNull();
  });
});

// A lesion with a lobe the box proposal tends to miss, on a textured background: at full size a
// wide-field crop (binned 6 x 6), at a quarter a crop just over the work grid (binned 2 x 2).
describe.each([
  { f: 1, minScale: 4 },
  { f: 0.25, minScale: 2 },
])('clicks on the work grid (starter model, onnxruntime-node), size x$f', ({ f, minScale }) => {
  const width = 2400 * f;
  const height = 1800 * f;
  const starterDir = fileURLToPath(new URL('../../../../models/starter', import.meta.url));
  let predictor: SamPredictor;
  let embedding: CropEmbedding;
  const gt: Mask = createMask(width, height);
  const lum = new Float32Array(width * height);
  const cx = 1200 * f;
  const cy = 900 * f;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const inside =
        ((x - cx) / (330 * f)) ** 2 + ((y - cy) / (250 * f)) ** 2 <= 1 ||
        Math.hypot(x - 1500 * f, y - 760 * f) < 90 * f;
      gt.data[y * width + x] = inside ? 1 : 0;
      lum[y * width + x] = (inside ? 0.7 : 0.25) + 0.05 * Math.sin(x / 9) * Math.cos(y / 13);
    }
  const box = { x0: cx - 340 * f, y0: cy - 350 * f, x1: 1600 * f, y1: cy + 260 * f };

  beforeAll(async () => {
    predictor = await openModelDir(path.resolve(starterDir));
    embedding = await predictor.embedLuminance(lum, width, height, box);
  });
  afterAll(async () => {
    if (embedding) disposeEmbedding(embedding);
    await predictor?.release();
  });

  it('gives the full-resolution path masks (IoU >= 0.97 each click) and honours every click', async () => {
    const s = workGridScale(embedding.crop);
    expect(s).toBeGreaterThanOrEqual(minScale);
    const boxOutput = await predictor.decodeLogits(embedding, box);
    let full: ShownMask = shownOutput(boxOutput, 0, []);
    let onGrid: ShownMask = shownOnWorkGrid(boxOutput, embedding, s, 0, []);
    const clicks: ClickPrompt[] = [];
    const clicked = createMask(width, height);
    const toImage = (
      p: Float32Array,
      win: { x0: number; y0: number; width: number; height: number },
    ) => {
      const m = createMask(width, height);
      for (let y = 0; y < win.height; y++)
        for (let x = 0; x < win.width; x++)
          if ((p[y * win.width + x] as number) > 0.5) m.data[(win.y0 + y) * width + win.x0 + x] = 1;
      return m;
    };
    const fullIous: number[] = [];
    const gridIous: number[] = [];
    for (let k = 0; k < 5; k++) {
      const fullMask = toImage(full.probabilities, full.window as never);
      const click = nextClick(gt, fullMask, clicked);
      if (!click) break;
      clicks.push(click);
      clicked.data[Math.floor(click.y) * width + Math.floor(click.x)] = 1;
      const fullOut = await predictor.decodeClickInWindow(embedding, box, clicks, full);
      const gridOut = await decodeClickOnWorkGrid(predictor, embedding, s, box, clicks, onGrid);
      full = fullOut.shown;
      onGrid = gridOut.onGrid.shown;
      // Its outputs are the same logits on the full-resolution crop.
      expect(gridOut.output.crop).toBe(embedding.crop);
      expect(gridOut.output.imageWidth).toBe(width);
      const upsampled = regionToImage(gridOut.region, width, height);
      const fullNow = toImage(fullOut.probabilities, fullOut.window);
      const gridNow = { width, height, data: upsampled };
      expect(iou(fullNow, gridNow), `click ${k + 1}`).toBeGreaterThanOrEqual(0.97);
      for (const c of clicks)
        expect(upsampled[Math.floor(c.y) * width + Math.floor(c.x)]).toBe(c.positive ? 1 : 0);
      fullIous.push(iou(fullNow, gt));
      gridIous.push(iou(gridNow, gt));
    }
    expect(clicks.length).toBeGreaterThan(1);
    // As good against the ground truth as the full-resolution path.
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(gridIous)).toBeGreaterThanOrEqual(mean(fullIous) - 0.01);
  }, 120_000);
});
