import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TINY_CONFIG } from '../config';
import { createRng } from '../ops/seeded-random';
import { generateSyntheticFaDataset } from '../data/synthetic-fa';
import { exportModel } from '../export/export-model';
import { openModelDir } from '../inference/open-model-dir';
import {
  CLICK_FORCE_LARGE,
  disposeEmbedding,
  OnnxInputError,
  outputMaskInBox,
  pasteOutputMasks,
  pasteOutputProbabilities,
  shownOutput,
  type ShownMask,
} from '../inference/sam-predictor';
import { forceClicks, progressiveMerge, type ClickRefineOptions } from '@loupe/prompts';
import { createSegmenter } from '../segmenter-model';
import { useTrainingBackend } from '../test-setup';
import { clickCorrectness, evaluateOnnxModel } from './evaluate-onnx-model';
import { ellipseMask, maskGridCeiling } from './mask-grid-ceiling';

const TEST_REFINE: ClickRefineOptions = {
  intensityWeight: 8,
  windowScale: 2,
  windowMargin: 2,
  maxRadius: 48,
  seedFromMask: false,
  maxWindowShare: 0.6,
  switchedProbability: 0.75,
  smooth: false,
  distanceRatio: 1,
  clicks: 'positive',
  onlyIgnored: false,
  negativeRestrict: true,
  boxMargin: 2,
  depthFactor: Infinity,
  maxBoxFill: 0.3,
};

describe('SamPredictor on a model directory and evaluateOnnxModel (tiny, untrained)', () => {
  let dir: string;
  beforeAll(async () => {
    await useTrainingBackend();
    dir = await mkdtemp(path.join(tmpdir(), 'loupe-eval-'));
    const model = createSegmenter(TINY_CONFIG, { seed: 2 });
    // A live mask-downscaling stack (it starts as a no-op), so the mask prompt changes masks.
    const rng = createRng(9);
    for (const spec of model.specs.filter((p) => p.name.includes('mask_downscaling'))) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const values = tf.tensor(
        Float32Array.from({ length: size }, () => rng.normal() * 0.5),
        spec.shape,
      );
      model.variables.get(spec.name)?.assign(values);
      values.dispose();
    }
    await exportModel(model, dir, { version: 'eval-test' });
    model.dispose();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('predicts full-resolution outputs for a box, and reuses the embedding for clicks', async () => {
    const predictor = await openModelDir(dir);
    const [sample] = generateSyntheticFaDataset({ count: 1, size: 80, seed: 1 });
    if (!sample) throw new Error('no sample');
    const image = { pixels: sample.image, width: 80, height: 80 };
    const box = { x0: 10, y0: 12, x1: 30, y1: 28 };
    const embedding = await predictor.embed(image, box);
    const boxOnly = await predictor.decode(embedding, box);
    expect(boxOnly.probabilities.length).toBe(80 * 80);
    expect(boxOnly.iouPredictions).toHaveLength(4);
    expect(boxOnly.lowResLogits).toHaveLength(4);
    expect(Array.from(pasteOutputProbabilities(boxOnly, 0))).toEqual(
      Array.from(boxOnly.probabilities),
    );
    expect(pasteOutputProbabilities(boxOnly, 3)).toHaveLength(80 * 80);
    expect(() => pasteOutputProbabilities(boxOnly, 4)).toThrow(/output 4 does not exist/);
    const clicked = await predictor.decode(embedding, box, [{ x: 20, y: 20, positive: true }]);
    expect(Array.from(clicked.probabilities)).not.toEqual(Array.from(boxOnly.probabilities));
    const again = await predictor.predict(image, box);
    expect(Array.from(again.probabilities)).toEqual(Array.from(boxOnly.probabilities));
    await predictor.release();
  });

  it('decodeClick changes the mask shown only where the model changed it near the click', async () => {
    const predictor = await openModelDir(dir);
    const [sample] = generateSyntheticFaDataset({ count: 1, size: 80, seed: 1 });
    if (!sample) throw new Error('no sample');
    const box = { x0: 10, y0: 12, x1: 30, y1: 28 };
    const embedding = await predictor.embed({ pixels: sample.image, width: 80, height: 80 }, box);
    const first = await predictor.decode(embedding, box);
    const shown = { logits: first.lowResLogits[0]!, probabilities: first.probabilities };
    const on = (p: Float32Array, i: number) => p[i]! > 0.5;
    let checked = 0;
    for (const [x, y] of [
      [20.5, 20.5],
      [12.5, 14.5],
      [28.5, 26.5],
    ] as const) {
      const at = Math.floor(y) * 80 + Math.floor(x);
      const click = { x, y, positive: !on(shown.probabilities, at) };
      const merged = await predictor.decodeClick(embedding, box, [click], shown, {
        unmergedClicks: 0,
        largeObjectForce: null, // the click's own pixel forced only (tested below)
      });
      const raw = await predictor.decodeClick(embedding, box, [click], shown, {
        merge: false,
        largeObjectForce: null,
      });
      // merge: false is the model's own output with the click forced, as decode() gives it.
      const own = await predictor.decode(embedding, box, [click], { maskInput: shown.logits });
      expect(Array.from(raw.probabilities)).toEqual(Array.from(own.probabilities));
      expect(raw.mergedArea).toBeNull();
      expect(merged.mask.data[at]).toBe(click.positive ? 1 : 0);
      expect(merged.mergedArea).toBeLessThanOrEqual(merged.changedArea!);
      // Every pixel the click changed (but its own) changed in the model's output too, in the
      // click's direction; the other outputs are the model's own.
      for (let i = 0; i < 80 * 80; i++) {
        if (i === at || on(merged.probabilities, i) === on(shown.probabilities, i)) continue;
        expect(on(merged.probabilities, i)).toBe(click.positive);
        expect(merged.probabilities[i]).toBe(pasteOutputProbabilities(own, 0)[i]);
        checked++;
      }
      expect(merged.shown.logits).toBe(merged.lowResLogits[0]);
      expect(merged.shown.probabilities).toBe(merged.probabilities);
      expect(merged.lowResLogits.slice(1)).toEqual(own.lowResLogits.slice(1));
    }
    expect(checked).toBeGreaterThan(0);
    await expect(
      predictor.decodeClick(embedding, box, [{ x: 20, y: 20, positive: true }], {
        logits: shown.logits,
        probabilities: new Float32Array(10),
      }),
    ).rejects.toThrow(/previous mask: 10 probabilities, expected the image's 80x80/);
    disposeEmbedding(embedding);
    await predictor.release();
  });

  it('decodeClick tuning: unmerged first clicks, the mask prompt source and merge options', async () => {
    const predictor = await openModelDir(dir);
    const [sample] = generateSyntheticFaDataset({ count: 1, size: 80, seed: 1 });
    if (!sample) throw new Error('no sample');
    const box = { x0: 10, y0: 12, x1: 30, y1: 28 };
    const embedding = await predictor.embed({ pixels: sample.image, width: 80, height: 80 }, box);
    const first = await predictor.decode(embedding, box);
    const shown = { logits: first.lowResLogits[0]!, probabilities: first.probabilities };
    const on = (p: Float32Array, i: number) => p[i]! > 0.5;
    const clickAt = (x: number, y: number) => ({
      x,
      y,
      positive: !on(shown.probabilities, Math.floor(y) * 80 + Math.floor(x)),
    });
    const c1 = clickAt(20.5, 20.5);
    const c2 = clickAt(12.5, 14.5);
    // The first click unmerged is the model's own output (forced), as merge: false gives it ...
    const raw = await predictor.decodeClick(embedding, box, [c1], shown, { merge: false });
    const skipped = await predictor.decodeClick(embedding, box, [c1], shown, { unmergedClicks: 1 });
    expect(Array.from(skipped.probabilities)).toEqual(Array.from(raw.probabilities));
    expect(skipped.mergedArea).toBeNull();
    // ... and the second is merged again, as it is with the default.
    const second = await predictor.decodeClick(embedding, box, [c1, c2], skipped.shown, {
      unmergedClicks: 1,
    });
    const secondDefault = await predictor.decodeClick(embedding, box, [c1, c2], skipped.shown, {
      unmergedClicks: 0,
    });
    expect(second.mergedArea).not.toBeNull();
    expect(Array.from(second.probabilities)).toEqual(Array.from(secondDefault.probabilities));

    // largeObjectForce: the wider disc only on an object whose shown mask is large enough, and
    // never over an explicit clickRadius.
    const shownArea = Array.from(shown.probabilities).filter((p) => p > 0.5).length;
    expect(shownArea).toBeGreaterThan(0);
    const wide = await predictor.decodeClick(embedding, box, [c1], shown, { clickRadius: 2.5 });
    const narrow = await predictor.decodeClick(embedding, box, [c1], shown, { clickRadius: 0.75 });
    expect(Array.from(wide.probabilities)).not.toEqual(Array.from(narrow.probabilities));
    const large = (minArea: number, extra = {}) =>
      predictor.decodeClick(embedding, box, [c1], shown, {
        largeObjectForce: { minArea, radius: 2.5 },
        ...extra,
      });
    expect(Array.from((await large(shownArea)).probabilities)).toEqual(
      Array.from(wide.probabilities),
    );
    expect(Array.from((await large(shownArea + 1)).probabilities)).toEqual(
      Array.from(narrow.probabilities),
    );
    expect(Array.from((await large(1, { clickRadius: 0.75 })).probabilities)).toEqual(
      Array.from(narrow.probabilities),
    );

    // By default (CLICK_FORCE_LARGE) the disc follows the shown mask's area.
    const byDefault = await predictor.decodeClick(embedding, box, [c1], shown);
    const expected = await predictor.decodeClick(embedding, box, [c1], shown, {
      clickRadius:
        CLICK_FORCE_LARGE && shownArea >= CLICK_FORCE_LARGE.minArea
          ? CLICK_FORCE_LARGE.radius
          : 0.75,
    });
    expect(Array.from(byDefault.probabilities)).toEqual(Array.from(expected.probabilities));

    // maskPromptSource 'model': the same mask shown, the model's own logits as next mask prompt.
    const merged = await predictor.decodeClick(embedding, box, [c1], shown, { unmergedClicks: 0 });
    const ownPrompt = await predictor.decodeClick(embedding, box, [c1], shown, {
      unmergedClicks: 0,
      maskPromptSource: 'model',
    });
    const own = await predictor.decodeLogits(embedding, box, [c1], { maskInput: shown.logits });
    expect(Array.from(ownPrompt.probabilities)).toEqual(Array.from(merged.probabilities));
    expect(Array.from(ownPrompt.shown.logits)).toEqual(Array.from(own.lowResLogits[0]!));
    expect(Array.from(merged.shown.logits)).toEqual(Array.from(merged.lowResLogits[0]!));

    // Merge options reach progressiveMerge: without a window the region can only grow, and
    // acceptAgreement 0 takes the whole output whenever the model changed the mask at the click.
    let accepted = 0;
    for (const c of [c1, c2, clickAt(28.5, 26.5)]) {
      const windowed = await predictor.decodeClick(embedding, box, [c], shown, {
        unmergedClicks: 0,
      });
      const open = await predictor.decodeClick(embedding, box, [c], shown, {
        unmergedClicks: 0,
        mergeOptions: { windowScale: Infinity },
      });
      expect(open.mergedArea!).toBeGreaterThanOrEqual(windowed.mergedArea!);
      const whole = await predictor.decodeClick(embedding, box, [c], shown, {
        unmergedClicks: 0,
        mergeOptions: { acceptAgreement: 0 },
      });
      const unmerged = await predictor.decodeClick(embedding, box, [c], shown, { merge: false });
      if (whole.mergedArea === 80 * 80) {
        expect(Array.from(whole.probabilities)).toEqual(Array.from(unmerged.probabilities));
        accepted++;
      } else expect(whole.mergedArea).toBe(windowed.mergedArea);
    }
    expect(accepted).toBeGreaterThan(0);
    disposeEmbedding(embedding);
    await predictor.release();
  });

  it('refines a click at full resolution along the image edge, inside the box (refine option)', async () => {
    const predictor = await openModelDir(dir);
    // A dark lesion (radius 8 at 40, 40) on a brighter background: a missed lesion.
    const inLesion = (x: number, y: number) => (x + 0.5 - 40) ** 2 + (y + 0.5 - 40) ** 2 <= 64;
    const pixels = new Uint8Array(80 * 80);
    for (let y = 0; y < 80; y++)
      for (let x = 0; x < 80; x++)
        pixels[y * 80 + x] = inLesion(x, y) ? 60 : 160 + ((x * 7 + y * 3) % 5);
    const box = { x0: 32, y0: 32, x1: 48, y1: 48 };
    const embedding = await predictor.embed({ pixels, width: 80, height: 80 }, box);
    // The mask shown is empty (the model missed the lesion).
    const shown: ShownMask = {
      logits: new Float32Array(predictor.manifest.maskSize ** 2).fill(-8),
      probabilities: new Float32Array(80 * 80),
    };
    const click = { x: 40.5, y: 40.5, positive: true };
    const refine = { ...TEST_REFINE };
    const plain = await predictor.decodeClick(embedding, box, [click], shown, { refine: null });
    const refined = await predictor.decodeClick(embedding, box, [click], shown, { refine });
    let lesion = 0;
    let covered = 0;
    let outsideBox = 0;
    for (let y = 0; y < 80; y++)
      for (let x = 0; x < 80; x++) {
        const on = refined.mask.data[y * 80 + x] === 1;
        if (inLesion(x, y)) {
          lesion++;
          if (on) covered++;
        }
        const inBox = x >= 30 && x <= 49 && y >= 30 && y <= 49;
        if (on && !inBox && plain.mask.data[y * 80 + x] !== 1) outsideBox++;
      }
    expect(covered / lesion).toBeGreaterThan(0.9);
    expect(outsideBox).toBe(0);
    expect(refined.shown.foreground?.area).toBe(refined.mask.data.reduce((a, v) => a + v, 0));
    // The next mask prompt holds the refined lesion: its centre cell is positive.
    const m = predictor.manifest.maskSize;
    const c = refined.crop;
    const cell = (v: number, o: number) => Math.floor(((v - o) / c.size) * m);
    expect(refined.shown.logits[cell(40.5, c.y0) * m + cell(40.5, c.x0)]).toBeGreaterThan(0);
    // Without it (the default CLICK_REFINE: off) the click alone covers less of the lesion.
    let plainCovered = 0;
    for (let i = 0; i < 80 * 80; i++)
      if (plain.mask.data[i] === 1 && inLesion(i % 80, Math.floor(i / 80))) plainCovered++;
    expect(plainCovered).toBeLessThan(covered);
    disposeEmbedding(embedding);
    await predictor.release();
  });

  it("decodeClickInWindow gives decodeClick's pixels over a window, click after click, on a wide image", async () => {
    const predictor = await openModelDir(dir);
    // A small object in one corner of a wide image: the windows stay near its crop.
    const [sample] = generateSyntheticFaDataset({ count: 1, size: 80, seed: 3 });
    if (!sample) throw new Error('no sample');
    const width = 240;
    const height = 160;
    const pixels = new Uint8Array(width * height);
    for (let y = 0; y < 80; y++)
      for (let x = 0; x < 80; x++) pixels[(y + 70) * width + x + 150] = sample.image[y * 80 + x]!;
    const box = { x0: 160.3, y0: 82.7, x1: 190.2, y1: 110.4 };
    const embedding = await predictor.embed({ pixels, width, height }, box);
    const inImage = (
      plane: Float32Array | Uint8Array,
      w: { x0: number; y0: number; width: number; height: number },
    ) => {
      const out = new Float32Array(width * height);
      for (let y = 0; y < w.height; y++)
        for (let x = 0; x < w.width; x++)
          out[(w.y0 + y) * width + w.x0 + x] = plane[y * w.width + x]!;
      return Array.from(out);
    };
    const clicks: { x: number; y: number; positive: boolean }[] = [];
    let full = await predictor.decodeClick(embedding, box, [], null);
    let windowed = await predictor.decodeClickInWindow(embedding, box, [], null);
    // The browser worker's chain: each click gives the mask shown up (merged in place).
    let consumed = await predictor.decodeClickInWindow(embedding, box, [], null);
    // The worker's chain since a box: the box's output shown with only its foreground's
    // probabilities computed (NaN below 0.5, filled in on demand), each click consuming it.
    let lazy = shownOutput(await predictor.decodeLogits(embedding, box), 0, [], undefined, {
      foregroundOnly: true,
    });
    // The worker's chain today: no probability computed at all (+Infinity above 0.5, NaN below).
    let uncomputedChain = shownOutput(
      await predictor.decodeLogits(embedding, box),
      0,
      [],
      undefined,
      { lazy: true },
    );
    let lazyMask: Uint8Array | null = null;
    let uncomputed = 0;
    let uncomputedAbove = 0;
    const filledIn = (shown: ShownMask) =>
      Float32Array.from(shown.probabilities, (p, i) => {
        if (p === p && p !== Infinity) return p;
        uncomputed++;
        if (p === Infinity) uncomputedAbove++;
        const w = shown.window!;
        return shown.uncomputedAt!(w.x0 + (i % w.width), w.y0 + Math.floor(i / w.width));
      });
    // The pixels above 0.5 and their box, counted over the whole image.
    const foregroundOf = (plane: Float32Array) => {
      let area = 0;
      const b = { x0: Infinity, y0: Infinity, x1: -1, y1: -1 };
      plane.forEach((p, i) => {
        if (p <= 0.5) return;
        area++;
        const x = i % width;
        const y = Math.floor(i / width);
        b.x0 = Math.min(b.x0, x);
        b.y0 = Math.min(b.y0, y);
        b.x1 = Math.max(b.x1, x);
        b.y1 = Math.max(b.y1, y);
      });
      return { area, ...b };
    };
    const steps = [
      { x: 175.5, y: 96.25, positive: true },
      { x: 163.1, y: 85.9, positive: false },
      { x: 188.75, y: 108.5, positive: true },
      // Outside the crop (dropped by the decoder, still forced): the window grows to hold it.
      { x: 20.5, y: 10.5, positive: false },
      { x: 176.5, y: 99.5, positive: false },
    ];
    for (const step of [null, ...steps]) {
      if (step) {
        clicks.push(step);
        full = await predictor.decodeClick(embedding, box, clicks, full.shown);
        windowed = await predictor.decodeClickInWindow(embedding, box, clicks, windowed.shown);
        consumed = await predictor.decodeClickInWindow(embedding, box, clicks, consumed.shown, {
          consumePrevious: true,
        });
        // decodeClick on it fills the uncomputed pixels in: decodeClick's own pixels.
        const fromLazy = await predictor.decodeClick(embedding, box, clicks, {
          ...lazy,
          probabilities: lazy.probabilities.slice(),
        });
        expect(Array.from(fromLazy.probabilities)).toEqual(Array.from(full.probabilities));
        // At another merge threshold the uncomputed pixels are computed first: the same merge.
        const offHalf = { mergeOptions: { threshold: 0.4 } };
        const exactShown = { ...lazy, probabilities: filledIn(lazy), uncomputedAt: undefined };
        expect(
          Array.from(
            (await predictor.decodeClickInWindow(embedding, box, clicks, lazy, offHalf))
              .probabilities,
          ),
        ).toEqual(
          Array.from(
            (await predictor.decodeClickInWindow(embedding, box, clicks, exactShown, offHalf))
              .probabilities,
          ),
        );
        const next = await predictor.decodeClickInWindow(embedding, box, clicks, lazy, {
          consumePrevious: true,
        });
        expect(Array.from(next.shown.logits)).toEqual(Array.from(full.shown.logits));
        expect(next.foreground).toEqual(foregroundOf(full.probabilities));
        expect(next.mergedArea).toBe(full.mergedArea);
        lazy = next.shown;
        lazyMask = next.mask;
        const nextUncomputed = await predictor.decodeClickInWindow(
          embedding,
          box,
          clicks,
          uncomputedChain,
          { consumePrevious: true },
        );
        expect(Array.from(nextUncomputed.shown.logits)).toEqual(Array.from(full.shown.logits));
        expect(nextUncomputed.foreground).toEqual(foregroundOf(full.probabilities));
        expect(nextUncomputed.mergedArea).toBe(full.mergedArea);
        expect(nextUncomputed.changedArea).toBe(full.changedArea);
        expect(nextUncomputed.modelHonoured).toBe(full.modelHonoured);
        expect(inImage(nextUncomputed.mask, nextUncomputed.window)).toEqual(
          Array.from(full.mask.data),
        );
        uncomputedChain = nextUncomputed.shown;
      }
      // Its values, computed on demand, are the eager ones exactly (Object.is: -0, NaN included).
      const eager = inImage(filledIn(uncomputedChain), uncomputedChain.window!);
      const mismatch = eager.findIndex((p, i) => !Object.is(p, full.probabilities[i]));
      expect(mismatch).toBe(-1);
      expect(inImage(filledIn(lazy), lazy.window!)).toEqual(Array.from(full.probabilities));
      if (lazyMask) expect(inImage(lazyMask, lazy.window!)).toEqual(Array.from(full.mask.data));
      expect(inImage(consumed.probabilities, consumed.window)).toEqual(
        Array.from(full.probabilities),
      );
      expect(inImage(consumed.mask, consumed.window)).toEqual(Array.from(full.mask.data));
      // The foreground kept with the mask is the one a scan of the whole image finds.
      expect(windowed.foreground).toEqual(foregroundOf(full.probabilities));
      expect(consumed.shown.foreground).toEqual(foregroundOf(full.probabilities));
      const w = windowed.window;
      expect(windowed.probabilities).toHaveLength(w.width * w.height);
      // Near the object the window is its crop's size; the far click stretches it.
      if (clicks.every((c) => c.x > 100))
        expect(w.width * w.height).toBeLessThan((width * height) / 8);
      expect(inImage(windowed.probabilities, w)).toEqual(Array.from(full.probabilities));
      expect(inImage(windowed.mask, w)).toEqual(Array.from(full.mask.data));
      expect(Array.from(windowed.shown.logits)).toEqual(Array.from(full.shown.logits));
      expect(windowed.modelHonoured).toBe(full.modelHonoured);
      expect(windowed.mergedArea).toBe(full.mergedArea);
      expect(windowed.changedArea).toBe(full.changedArea);
    }
    expect(full.mask.data.some((v) => v === 1)).toBe(true);
    // The lazy chain did leave pixels uncomputed (the crop's background).
    expect(uncomputed).toBeGreaterThan(1000);
    // ... and the chain without any sigmoid left foreground pixels uncomputed too.
    expect(uncomputedAbove).toBeGreaterThan(100);
    // An output shown unmerged (the worker's box proposals) is decodeClickInWindow's unmerged
    // result, its foreground kept; every output's foreground is the one a scan finds.
    const twoClicks = clicks.slice(0, 2);
    const decoded = await predictor.decodeLogits(embedding, box, twoClicks);
    const unmerged = await predictor.decodeClickInWindow(embedding, box, twoClicks, null);
    const shownZero = shownOutput(decoded, 0, twoClicks);
    expect(shownZero.window).toEqual(unmerged.window);
    expect(Array.from(shownZero.probabilities)).toEqual(Array.from(unmerged.probabilities));
    expect(shownZero.foreground).toEqual(unmerged.foreground);
    for (let index = 0; index < decoded.lowResLogits.length; index++) {
      const shown = shownOutput(decoded, index, twoClicks);
      const plane = Float32Array.from(inImage(shown.probabilities, shown.window!));
      expect(shown.foreground).toEqual(foregroundOf(plane));
      // The 0/1 mask pasted over its box only is the whole image's, forced.
      for (const threshold of [0, 0.5]) {
        const reference = forceClicks(
          pasteOutputMasks(decoded, threshold)[index]!,
          width,
          height,
          twoClicks,
        );
        const inBox = outputMaskInBox(decoded, index, twoClicks, threshold);
        const pasted = inBox.window
          ? inImage(inBox.mask, inBox.window)
          : new Array<number>(width * height).fill(0);
        expect(pasted).toEqual(Array.from(reference));
      }
    }
    // A window that does not fit the image, or its probabilities, is refused.
    await expect(
      predictor.decodeClickInWindow(embedding, box, [steps[0]!], {
        ...windowed.shown,
        window: { x0: 230, y0: 0, width: 20, height: 5 },
      }),
    ).rejects.toThrow(/window .* is not inside the image's 240x160/);
    await expect(
      predictor.decodeClickInWindow(embedding, box, [steps[0]!], {
        ...windowed.shown,
        probabilities: new Float32Array(3),
      }),
    ).rejects.toThrow(/3 probabilities, expected its window's/);
    disposeEmbedding(embedding);
    await predictor.release();
  });

  it("decodeClick's merged pixels are the full-resolution probability merge's (no fast-path drift)", async () => {
    const predictor = await openModelDir(dir);
    const [sample] = generateSyntheticFaDataset({ count: 1, size: 80, seed: 4 });
    if (!sample) throw new Error('no sample');
    const box = { x0: 14.6, y0: 11.2, x1: 52.3, y1: 47.9 };
    const embedding = await predictor.embed({ pixels: sample.image, width: 80, height: 80 }, box);
    const options = { clickRadius: 1, largeObjectForce: null, unmergedClicks: 0 };
    let shown = (await predictor.decodeClick(embedding, box, [], null, options)).shown;
    const clicks: { x: number; y: number; positive: boolean }[] = [];
    let regions = 0;
    for (const step of [
      { x: 30.5, y: 30.25, positive: true },
      { x: 16.1, y: 13.9, positive: false },
      { x: 50.5, y: 45.5, positive: true },
      { x: 33.7, y: 28.1, positive: false },
      { x: 25.5, y: 40.5, positive: true },
    ]) {
      clicks.push(step);
      // The reference: the model's whole probability plane, merged and forced at image size.
      const output = await predictor.decodeLogits(embedding, box, clicks, {
        maskInput: shown.logits,
      });
      const merge = progressiveMerge(
        shown.probabilities,
        pasteOutputProbabilities(output, 0),
        80,
        80,
        step,
      );
      const expected = forceClicks(merge.probabilities, 80, 80, clicks, 1);
      const clicked = await predictor.decodeClick(embedding, box, clicks, shown, options);
      expect(Array.from(clicked.probabilities)).toEqual(Array.from(expected));
      expect(clicked.mergedArea).toBe(merge.regionArea);
      expect(clicked.changedArea).toBe(merge.changedArea);
      if (merge.regionArea > 0) regions++;
      shown = clicked.shown;
    }
    expect(regions).toBeGreaterThan(1);
    disposeEmbedding(embedding);
    await predictor.release();
  });

  it('names the expected shape when an input has the wrong size', async () => {
    const predictor = await openModelDir(dir);
    await expect(predictor.runEncoder(new Float32Array(10))).rejects.toThrow(
      /encoder input 'image': 10 values, expected 1x1x32x32/,
    );
    const enc = await predictor.runEncoder(new Float32Array(32 * 32));
    await expect(
      predictor.runDecoder(enc, new Float32Array(3), new Float32Array(2)),
    ).rejects.toThrow(OnnxInputError);
    await predictor.release();
  });

  it('feeds the previous logits as mask prompt and refuses a wrong shape or NaN', async () => {
    const predictor = await openModelDir(dir);
    expect(predictor.acceptsMaskPrompt).toBe(true);
    const [sample] = generateSyntheticFaDataset({ count: 1, size: 80, seed: 1 });
    if (!sample) throw new Error('no sample');
    const box = { x0: 10, y0: 12, x1: 30, y1: 28 };
    const embedding = await predictor.embed({ pixels: sample.image, width: 80, height: 80 }, box);
    const first = await predictor.decode(embedding, box);
    expect(first.usedMaskPrompt).toBe(false);
    const clicks = [{ x: 20, y: 20, positive: true }];
    const plain = await predictor.decode(embedding, box, clicks);
    const prompted = await predictor.decode(embedding, box, clicks, {
      maskInput: first.lowResLogits[0] as Float32Array,
    });
    expect(prompted.usedMaskPrompt).toBe(true);
    expect(Array.from(prompted.lowResLogits[0] as Float32Array)).not.toEqual(
      Array.from(plain.lowResLogits[0] as Float32Array),
    );
    const m = predictor.manifest.maskSize;
    await expect(
      predictor.decode(embedding, box, clicks, { maskInput: new Float32Array(m * m - 1) }),
    ).rejects.toThrow(/'mask_input': 255 values, expected \[1, 1, 16, 16\]/);
    const withNaN = new Float32Array(m * m);
    withNaN[5] = Number.NaN;
    await expect(predictor.decode(embedding, box, clicks, { maskInput: withNaN })).rejects.toThrow(
      /'mask_input': value NaN at index 5 is not finite/,
    );
    await predictor.release();
  });

  it('drops a negative click outside the crop and refuses a positive one there', async () => {
    const predictor = await openModelDir(dir);
    const [sample] = generateSyntheticFaDataset({ count: 1, size: 80, seed: 1 });
    if (!sample) throw new Error('no sample');
    const box = { x0: 10, y0: 12, x1: 30, y1: 28 };
    const embedding = await predictor.embed({ pixels: sample.image, width: 80, height: 80 }, box);
    const inside = { x: 20, y: 20, positive: true };
    const far = { x: 79, y: 79, positive: false };
    const plain = await predictor.decode(embedding, box, [inside]);
    const withFar = await predictor.decode(embedding, box, [inside, far]);
    expect(Array.from(withFar.probabilities)).toEqual(Array.from(plain.probabilities));
    await expect(
      predictor.decode(embedding, box, [inside, { ...far, positive: true }]),
    ).rejects.toThrow(/positive click 1 at \(79, 79\) is outside the model's crop/);
    await predictor.release();
  });

  it('runs a model exported before the mask prompt without one (older manifests)', async () => {
    // As models were exported before the mask prompt: no mask_input / has_mask_input.
    const olderDir = path.join(dir, 'older');
    const model = createSegmenter(TINY_CONFIG, { seed: 3 });
    const { manifest } = await exportModel(model, olderDir, {
      version: 'before-mask-prompt',
      maskPrompt: false,
    });
    model.dispose();
    expect(manifest.decoder.inputs.map((spec) => spec.name)).toEqual([
      'image_embedding',
      'high_res_features',
      'point_coords',
      'point_labels',
    ]);
    const predictor = await openModelDir(olderDir);
    expect(predictor.acceptsMaskPrompt).toBe(false);
    const [sample] = generateSyntheticFaDataset({ count: 1, size: 160, seed: 1 });
    if (!sample) throw new Error('no sample');
    const box = { x0: 40, y0: 42, x1: 90, y1: 88 };
    const embedding = await predictor.embed({ pixels: sample.image, width: 160, height: 160 }, box);
    const first = await predictor.decode(embedding, box);
    const clicks = [{ x: 60, y: 60, positive: true }];
    const plain = await predictor.decode(embedding, box, clicks);
    const prompted = await predictor.decode(embedding, box, clicks, {
      maskInput: first.lowResLogits[0] as Float32Array,
    });
    expect(prompted.usedMaskPrompt).toBe(false);
    expect(Array.from(prompted.probabilities)).toEqual(Array.from(plain.probabilities));
    const result = await evaluateOnnxModel({
      predictor,
      samples: [{ image: { pixels: sample.image, width: 160, height: 160 }, gtMask: sample.mask }],
      maxClicks: 2,
    });
    expect(result.summary.maskPrompt).toBe(false);
    expect(result.summary.objects).toBeGreaterThan(0);
    await predictor.release();
  });

  it('counts honoured and harmful clicks', () => {
    const c = clickCorrectness([
      {
        iouPerClick: [0.5, 0.7, 0.68, 0.9],
        clickHonoured: [true, false, true],
        clickPositive: [true, true, false],
      },
      { iouPerClick: [0.8, 0.795], clickHonoured: [true], clickPositive: [false] },
    ]);
    expect(c).toEqual({
      clicks: 4,
      positiveClicks: 2,
      negativeClicks: 2,
      honouredShare: 0.75,
      positiveHonouredShare: 0.5,
      negativeHonouredShare: 1,
      harmfulShare: 0.25,
      harmfulClicks: 1,
    });
  });

  it('measures the mask grid ceiling from 40 to 40,000 px', () => {
    const geometry = {
      inputSize: 128,
      maskSize: 64,
      crop: { contextMargin: 0.5, minCropSize: 48 },
    };
    for (const area of [40, 400, 4000, 40000]) {
      const gt = ellipseMask(area, 2, 512);
      const ceiling = maskGridCeiling(gt, geometry);
      expect(Math.abs(ceiling.area - area) / area).toBeLessThan(0.1);
      expect(ceiling.coverageIou).toBeGreaterThan(0.9);
      expect(ceiling.coverageIou).toBeLessThanOrEqual(1);
      expect(ceiling.targetIou).toBeGreaterThan(0.8);
    }
    // A large elongated object (cells of ~12 px): coverage logits bend the edge, the
    // signed-distance grid through the same paste keeps it (#13: >= 0.98).
    const elongated = maskGridCeiling(ellipseMask(40000, 3, 900), geometry);
    expect(elongated.coverageIou).toBeLessThan(0.98);
    expect(elongated.signedDistanceIou).toBeGreaterThanOrEqual(0.98);
    expect(elongated.bestIou).toBe(Math.max(elongated.coverageIou, elongated.signedDistanceIou));
    // An object filling the image has finite distances (the border counts as outside).
    const full = { width: 8, height: 8, data: new Uint8Array(64).fill(1) };
    expect(maskGridCeiling(full, geometry).signedDistanceIou).toBe(1);
    // A coarser grid loses more: the ceiling is a property of the grid, not a constant.
    const coarse = maskGridCeiling(ellipseMask(40, 2, 512), { ...geometry, maskSize: 4 });
    expect(coarse.coverageIou).toBeLessThan(
      maskGridCeiling(ellipseMask(40, 2, 512), geometry).coverageIou,
    );
  });

  it('refuses files whose sha256 does not match the manifest', async () => {
    const copy = await mkdtemp(path.join(tmpdir(), 'loupe-eval-bad-'));
    const { readFile } = await import('node:fs/promises');
    for (const f of ['manifest.json', 'encoder.onnx'])
      await writeFile(path.join(copy, f), await readFile(path.join(dir, f)));
    await writeFile(
      path.join(copy, 'decoder.onnx'),
      Buffer.concat([await readFile(path.join(dir, 'decoder.onnx')), Buffer.from([0])]),
    );
    await expect(openModelDir(copy)).rejects.toThrow(/sha256/);
    await rm(copy, { recursive: true, force: true });
  });

  it('evaluates every connected component with the simulated annotator', async () => {
    const data = generateSyntheticFaDataset({ count: 2, size: 64, seed: 4, radius: [3, 8] });
    const result = await evaluateOnnxModel({
      modelDir: dir,
      samples: data.map((d) => ({
        image: { pixels: d.image, width: d.width, height: d.height },
        gtMask: d.mask,
      })),
      maxClicks: 3,
    });
    const objects = data.reduce((n, d) => n + d.lesions.length, 0);
    expect(result.summary.objects).toBe(objects);
    expect(result.perObject).toHaveLength(objects);
    expect(result.summary.images).toBe(2);
    for (const key of ['dice', 'iou', 'noc85', 'noc90'] as const)
      expect(Number.isFinite(result.summary[key])).toBe(true);
    expect(result.summary.noc90).toBeLessThanOrEqual(3);
    for (const o of result.perObject) {
      expect(o.iouPerClick[0]).toBeCloseTo(o.iou, 1);
      expect(o.iouPerClick.length).toBeLessThanOrEqual(4);
      expect(o.clickHonoured).toHaveLength(o.iouPerClick.length - 1);
    }
    expect(result.summary.maskPrompt).toBe(true);
    const c = result.summary.clickCorrectness;
    expect(c.clicks).toBe(result.perObject.reduce((n, o) => n + o.clickHonoured.length, 0));
    expect(c.positiveClicks + c.negativeClicks).toBe(c.clicks);
    // The forceClicks post-step makes every click hold at its pixel; the model's own share is
    // reported beside it, over the same clicks.
    if (c.clicks > 0) expect(c.honouredShare).toBe(1);
    expect(result.summary.modelClickCorrectness.clicks).toBe(c.clicks);
    expect(result.summary.clickForceRadius).toBeGreaterThan(0);
    expect(result.summary.clickForceLarge).toEqual(CLICK_FORCE_LARGE);
  });
});
