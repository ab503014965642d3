/**
 * Volumes end to end in Chromium against the production build. A NIfTI: upload, open one of its
 * slices (the volume mode), scroll with keys and the wheel, box the object on one slice, propagate
 * it through the volume in the browser worker, correct one slice with the brush, re-propagate,
 * accept the object, export the project's NIfTI labels and compare them voxel for voxel with what
 * was saved. A DICOM series (one file per slice, written by dcmjs, uploaded out of order): one
 * volume sorted by ImagePositionPatient, scroll, box, propagate, accept, export; the label file
 * carries the series' patient geometry and its voxels lie on the source's object.
 * Screenshots: test-output/e2e/volume.png, volume-dicom.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createDb, type Db } from '@loupe/db';
import { decodeMaskBytes } from '@loupe/prompts';
import { dicomSeries16, nifti16 } from '@loupe/web/testing';
import { unzipSync } from 'fflate';
import * as nifti from 'nifti-reader-js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { repoRoot } from './support/e2e-server';
import { signInAsAdmin } from './support/sign-in';

const e2e = inject('e2e');
const outDir = join(repoRoot, 'test-output', 'e2e');
const SIZE = 96;
const DEPTH = 12;

/**
 * A bright disc on slices 2..9 that grows, then shrinks, drifting right by `drift` px a slice
 * from x = `x0`; a dim textured field. x fastest, then y, then slice.
 */
function phantomVoxels(x0: number, drift: number): Int16Array {
  const voxels = new Int16Array(SIZE * SIZE * DEPTH);
  for (let k = 0; k < DEPTH; k++) {
    const radius = k >= 2 && k <= 9 ? 7 + 6 * Math.sin((Math.PI * (k - 1.5)) / 9) : 0;
    const cx = x0 + drift * k;
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - 48);
        const inside = radius > 0 ? 1 / (1 + Math.exp((d - radius) / 1.2)) : 0;
        voxels[k * SIZE * SIZE + y * SIZE + x] = Math.round(
          80 + 700 * inside + ((x * 7 + y * 13) % 23),
        );
      }
  }
  return voxels;
}

const phantom = () => nifti16(SIZE, SIZE, DEPTH, phantomVoxels(44, 1));

async function imageToPage(page: Page, x: number, y: number) {
  const box = (await page.locator('[data-testid=viewer-canvas]').boundingBox())!;
  const zoom = Math.min(box.width / SIZE, box.height / SIZE) * 0.94;
  return {
    x: box.x + (box.width - SIZE * zoom) / 2 + x * zoom,
    y: box.y + (box.height - SIZE * zoom) / 2 + y * zoom,
  };
}

const sliceText = (page: Page) => page.locator('[data-testid=slice-index]').innerText();

describe.skipIf(!e2e)('a volume in the browser', () => {
  let browser: Browser;
  let page: Page;
  let db: Db;
  const env = e2e!;

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    db = createDb(env.databaseUrl, { poolSize: 2 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => console.log(`[browser] ${error.message}`));
    await signInAsAdmin(page, env);
  });
  /** Shift+Enter on the volume page, then wait until every slice task of the volume is submitted. */
  async function submitVolume(volumeId: string) {
    await page.keyboard.press('Shift+Enter');
    const submitted = async () =>
      (await db.task.findMany({ where: { image: { volumeId } }, select: { status: true } })).every(
        (t) => t.status === 'SUBMITTED',
      );
    for (let i = 0; i < 120 && !(await submitted()); i++) await page.waitForTimeout(250);
    expect(await submitted()).toBe(true);
  }
  afterAll(async () => {
    await browser?.close();
    // The page leased the task after the volume ahead (lease-ahead); hand it back, as an annotator
    // leaving would once it lapses, so the spec files that share this project start from the queue.
    await db?.task.updateMany({
      where: { projectId: env.projectId, leaseHolder: { email: 'admin@loupe.local' } },
      data: { leaseHolderId: null, leaseExpiresAt: null },
    });
    await db?.$disconnect();
  });

  it('upload, scroll, box, propagate, correct, accept, export: the voxels read back', async () => {
    await page.goto(`${env.baseUrl}/projects/${env.projectId}`);
    await page.locator('[data-testid=upload-input]').setInputFiles([
      {
        name: 'phantom.nii',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(phantom()),
      },
    ]);
    await page
      .locator('[data-testid=upload-list] li[data-state=done]')
      .last()
      .waitFor({ timeout: 60_000 });
    const volume = await db.volume.findFirstOrThrow({
      where: { projectId: env.projectId, name: { startsWith: 'phantom' } },
      select: {
        id: true,
        depth: true,
        slices: { orderBy: { sliceIndex: 'asc' }, select: { task: { select: { id: true } } } },
      },
    });
    expect(volume.depth).toBe(DEPTH);

    // Open slice 6 (index 5): the volume mode, with the model loaded.
    await page.goto(
      `${env.baseUrl}/projects/${env.projectId}/annotate?task=${volume.slices[5]!.task!.id}`,
    );
    await page.locator('[data-mode=volume]').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => !!window.__loupe?.modelVersion, null, { timeout: 120_000 });
    await page.locator('[data-testid=viewer-canvas]').waitFor();
    expect(await sliceText(page)).toBe(`6 / ${DEPTH}`);
    await page.keyboard.press('ArrowDown');
    expect(await sliceText(page)).toBe(`7 / ${DEPTH}`);
    await page.keyboard.press('End');
    expect(await sliceText(page)).toBe(`${DEPTH} / ${DEPTH}`);
    await page.keyboard.press('Home');
    expect(await sliceText(page)).toBe(`1 / ${DEPTH}`);
    await page.keyboard.press('PageDown');
    expect(await sliceText(page)).toBe(`2 / ${DEPTH}`);
    const centre = await imageToPage(page, 48, 48);
    await page.mouse.move(centre.x, centre.y);
    for (let i = 0; i < 4; i++) {
      await page.mouse.wheel(0, 120);
      await page.waitForTimeout(50);
    }
    expect(await sliceText(page)).toBe(`6 / ${DEPTH}`);
    expect(await page.locator('[data-testid=slice-position]').innerText()).toMatch(/mm$/);

    // Box the disc on slice index 5 (centre x = 49.5, radius about 13).
    await page.waitForFunction(() => !!window.__loupe?.ready, null, { timeout: 60_000 });
    const start = await imageToPage(page, 34, 33);
    const end = await imageToPage(page, 65, 63);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(end.x, end.y, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => window.__loupe!.predictions >= 1, null, { timeout: 60_000 });
    // Resting on the boxed slice, the worker encodes the slices around it in the crop propagation
    // will ask for (forward first, then backward): all the other DEPTH - 1 here.
    await page.waitForFunction((n) => (window.__loupe!.encodedAhead ?? 0) >= n, DEPTH - 1, {
      timeout: 60_000,
    });

    await page.keyboard.press('Shift+P');
    const summary = page.locator('[data-testid=propagation-summary]');
    await summary.waitFor({ timeout: 120_000 });
    expect(await summary.innerText()).toMatch(/From slice 6: \d+ slices/);
    // The loop ran in the worker and started warm: slices encoded ahead were used.
    const first = (await page.evaluate(() => window.__loupe!.propagations ?? []))[0]!;
    console.log(`[volume] propagation (page timing) ${JSON.stringify(first)}`);
    expect(first.from).toBe(5);
    expect(first.predictions).toBeGreaterThan(0);
    expect(first.embeddingsReused).toBeGreaterThan(0);
    expect(first.embeddingsReused + first.embeddingsEncoded).toBe(first.predictions);
    expect(first.workerMs).toBeLessThanOrEqual(first.pageMs);
    const strip = page.locator('[data-testid=extent-strip] rect');
    expect(await strip.count()).toBeGreaterThan(2);

    // Correct slice 7 with the brush (a stroke makes it "edited").
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('r');
    const a = await imageToPage(page, 50, 34);
    const b = await imageToPage(page, 56, 34);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 3 });
    await page.mouse.up();

    // Propagate again from the boxed slice: the edited slice 7 stops the forward walk (it is never
    // overwritten), the backward walk finds its slices' embeddings in the worker from the first run.
    await page.keyboard.press('ArrowUp');
    expect(await sliceText(page)).toBe(`6 / ${DEPTH}`);
    await page.keyboard.press('Shift+P');
    await page.waitForFunction(() => (window.__loupe!.propagations ?? []).length >= 2, null, {
      timeout: 120_000,
    });
    const again = (await page.evaluate(() => window.__loupe!.propagations!))[1]!;
    console.log(`[volume] re-propagation (page timing) ${JSON.stringify(again)}`);
    expect(again.from).toBe(5);
    if (again.predictions > 0) expect(again.embeddingsReused).toBeGreaterThan(0);

    // Erase all of the propagated slice index 3 (the disc's radius is about 10 there, centre
    // x = 47): the object ends there, so slice 2's propagated mask goes, and the next Propagate
    // from the boxed slice stops there instead of filling 3 and 2 again.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await sliceText(page)).toBe(`4 / ${DEPTH}`);
    await page.keyboard.press('e');
    for (let y = 30; y <= 66; y += 6) {
      const from = await imageToPage(page, 28, y);
      const to = await imageToPage(page, 68, y);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 8 });
      await page.mouse.up();
    }
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await sliceText(page)).toBe(`6 / ${DEPTH}`);
    await page.keyboard.press('Shift+P');
    await page.waitForFunction(() => (window.__loupe!.propagations ?? []).length >= 3, null, {
      timeout: 120_000,
    });

    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__loupe!.savedObjects >= 1, null, { timeout: 60_000 });
    await page.screenshot({ path: join(outDir, 'volume.png') });

    const saved = await db.annotation.findMany({
      where: { projectId: env.projectId, image: { volumeId: volume.id } },
      select: {
        objectId: true,
        finalRle: true,
        sliceOrigin: true,
        modelVersionId: true,
        volumeEnds: true,
        image: { select: { sliceIndex: true } },
      },
    });
    expect(new Set(saved.map((s) => s.objectId)).size).toBe(1);
    // The end is saved with the object and, after a reload, still on the strip.
    expect(saved.every((s) => s.volumeEnds.join() === '3')).toBe(true);
    await page.reload();
    await page.locator('[data-mode=volume]').waitFor({ timeout: 60_000 });
    await page
      .locator('[data-testid=extent-strip] rect[data-end="3"]')
      .waitFor({ timeout: 30_000 });
    const origins = new Map(saved.map((s) => [s.image.sliceIndex, s.sliceOrigin]));
    expect(origins.get(5)).toBe('prompted');
    expect(origins.get(6)).toBe('edited');
    // Nothing at or past the slice where the annotator ended the object.
    expect([...origins.keys()].filter((k) => k !== null && k <= 3)).toEqual([]);
    expect(origins.get(4)).toBe('propagated');
    expect([...origins.values()].filter((o) => o === 'propagated').length).toBeGreaterThan(0);
    expect(saved.every((s) => s.modelVersionId)).toBe(true);

    // The project's NIfTI export holds exactly the saved voxels.
    const response = await page.request.get(
      `${env.baseUrl}/api/projects/${env.projectId}/export?format=nifti`,
    );
    expect(response.status()).toBe(200);
    const files = unzipSync(new Uint8Array(await response.body()));
    const name = Object.keys(files).find(
      (n) => n.startsWith('phantom') && n.endsWith('_labels.nii'),
    );
    expect(name).toBeDefined();
    const buffer = files[name!]!.slice().buffer;
    const header = nifti.readHeader(buffer);
    expect(header.dims.slice(0, 4)).toEqual([3, SIZE, SIZE, DEPTH]);
    const labels = new Uint8Array(nifti.readImage(header, buffer));
    const expected = new Uint8Array(SIZE * SIZE * DEPTH);
    for (const s of saved) {
      const mask = decodeMaskBytes(new Uint8Array(s.finalRle));
      mask.data.forEach((v, i) => {
        if (v) expected[(s.image.sliceIndex ?? 0) * SIZE * SIZE + i] = 1;
      });
    }
    expect(labels.reduce((n, v) => n + (v ? 1 : 0), 0)).toBeGreaterThan(100);
    expect(Array.from(labels, (v) => (v ? 1 : 0))).toEqual(Array.from(expected));
    // The label volume cannot tell "ended here" from "never reached": the manifest carries both.
    const manifest = JSON.parse(
      new TextDecoder().decode(files[name!.replace(/\.nii$/, '.json')]!),
    ) as { labels: { ends: number[]; sliceOrigins: { slice: number; origin: string }[] }[] };
    expect(manifest.labels.map((l) => l.ends)).toEqual([[3]]);
    expect(manifest.labels[0]!.sliceOrigins.find((o) => o.slice === 6)?.origin).toBe('edited');

    // Submitting hands every slice task of the volume to review.
    await submitVolume(volume.id);
  });

  it('a DICOM series uploaded out of order: one volume, box, propagate, accept, export in its geometry', async () => {
    // Axial CT slices 2.5 mm apart, pixels 0.6 mm across a row and 0.8 mm down a column; the disc
    // drifts 2 px a slice, so a volume stacked in upload order would not match the source.
    const geometry = {
      orientation: [1, 0, 0, 0, 1, 0] as [number, number, number, number, number, number],
      pixelSpacing: [0.8, 0.6] as [number, number],
      origin: [-20, 15, 30] as [number, number, number],
      sliceSpacing: 2.5,
    };
    const source = phantomVoxels(38, 2);
    const files = dicomSeries16(SIZE, SIZE, DEPTH, source, geometry, {
      seriesDescription: 'disc series',
      order: [7, 3, 11, 0, 5, 9, 1, 10, 4, 8, 2, 6],
      // A VOI window over the phantom's values (80..803); the rescale (1, 0) makes them HU.
      window: { center: 400, width: 1000 },
    });
    await page.goto(`${env.baseUrl}/projects/${env.projectId}`);
    await page.locator('[data-testid=upload-input]').setInputFiles(
      files.map((f) => ({
        name: f.name,
        mimeType: 'application/dicom',
        buffer: Buffer.from(f.bytes),
      })),
    );
    await page
      .locator('[data-testid=upload-list] li[data-state=done]')
      .last()
      .waitFor({ timeout: 60_000 });
    const volume = await db.volume.findFirstOrThrow({
      where: { projectId: env.projectId, name: 'disc series' },
      select: {
        id: true,
        depth: true,
        sourceFormat: true,
        sliceOrder: true,
        slices: {
          orderBy: { sliceIndex: 'asc' },
          select: { sliceIndex: true, task: { select: { id: true } } },
        },
      },
    });
    expect([volume.depth, volume.sourceFormat, volume.sliceOrder]).toEqual([
      DEPTH,
      'dicom',
      'position',
    ]);

    // Open slice 6 (index 5, where the disc is largest): 30 + 5 x 2.5 mm along the normal.
    await page.goto(
      `${env.baseUrl}/projects/${env.projectId}/annotate?task=${volume.slices[5]!.task!.id}`,
    );
    await page.locator('[data-mode=volume]').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => !!window.__loupe?.modelVersion, null, { timeout: 120_000 });
    expect(await sliceText(page)).toBe(`6 / ${DEPTH}`);
    expect(await page.locator('[data-testid=slice-position]').innerText()).toBe('42.5 mm');
    // The file's window, read out in HU (not in the samples' +32768 shift); CT presets offered.
    expect(
      await Promise.all(
        ['window-width', 'window-level'].map((id) =>
          page.locator(`[data-testid=${id}]`).innerText(),
        ),
      ),
    ).toEqual(['1000', '400']);
    await page.locator('[data-testid=window-presets] button', { hasText: 'Soft tissue' }).click();
    expect(await page.locator('[data-testid=window-level]').innerText()).toBe('40');
    await page.keyboard.press('ArrowDown');
    expect(await sliceText(page)).toBe(`7 / ${DEPTH}`);
    expect(await page.locator('[data-testid=slice-position]').innerText()).toBe('45.0 mm');
    await page.keyboard.press('ArrowUp');
    expect(await sliceText(page)).toBe(`6 / ${DEPTH}`);

    // Box the disc on slice index 5 (centre x = 48.5, radius about 12.6).
    await page.waitForFunction(() => !!window.__loupe?.ready, null, { timeout: 60_000 });
    const start = await imageToPage(page, 34, 33);
    const end = await imageToPage(page, 64, 63);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(end.x, end.y, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => window.__loupe!.predictions >= 1, null, { timeout: 60_000 });
    await page.keyboard.press('Shift+P');
    await page.locator('[data-testid=propagation-summary]').waitFor({ timeout: 120_000 });
    expect(await page.locator('[data-testid=propagation-summary]').innerText()).toMatch(
      /From slice 6: \d+ slices/,
    );
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__loupe!.savedObjects >= 1, null, { timeout: 60_000 });
    await page.screenshot({ path: join(outDir, 'volume-dicom.png') });

    const saved = await db.annotation.findMany({
      where: { projectId: env.projectId, image: { volumeId: volume.id } },
      select: { finalRle: true, image: { select: { sliceIndex: true } } },
    });
    expect(saved.length).toBeGreaterThan(2);

    const response = await page.request.get(
      `${env.baseUrl}/api/projects/${env.projectId}/export?format=nifti`,
    );
    expect(response.status()).toBe(200);
    const zip = unzipSync(new Uint8Array(await response.body()));
    const buffer = zip['disc_series_labels.nii']!.slice().buffer;
    const header = nifti.readHeader(buffer);
    expect(header.dims.slice(0, 4)).toEqual([3, SIZE, SIZE, DEPTH]);
    expect(header.pixDims.slice(1, 4).map((v) => +v.toFixed(4))).toEqual([0.6, 0.8, 2.5]);
    // The series' geometry by hand: DICOM's LPS x and y flip sign in NIfTI's RAS; voxel i runs
    // along the row (0.6 mm), j down the column (0.8 mm), k along the normal from the lowest slice.
    expect(header.sform_code).toBeGreaterThan(0);
    // (nifti-reader-js reads the affine from the sform when sform_code > 0; + 0 turns -0 into 0)
    const sform = header.affine.slice(0, 3).flatMap((r) => r.map((v) => +v.toFixed(4) + 0));
    expect(sform).toEqual([-0.6, 0, 0, 20, 0, -0.8, 0, -15, 0, 0, 2.5, 30]);

    // The labels are the saved masks, voxel for voxel ...
    const labels = new Uint8Array(nifti.readImage(header, buffer));
    const expected = new Uint8Array(SIZE * SIZE * DEPTH);
    for (const s of saved) {
      decodeMaskBytes(new Uint8Array(s.finalRle)).data.forEach((v, i) => {
        if (v) expected[s.image.sliceIndex! * SIZE * SIZE + i] = 1;
      });
    }
    expect(Array.from(labels, (v) => (v ? 1 : 0))).toEqual(Array.from(expected));
    // ... and lie on the source's disc: each file's pixels placed at the slice its
    // ImagePositionPatient names (the upload order was shuffled).
    const truth = new Uint8Array(SIZE * SIZE * DEPTH);
    for (const f of files) {
      const k = Math.round((f.position[2] - geometry.origin[2]) / geometry.sliceSpacing);
      const plane = source.subarray(f.sliceIndex * SIZE * SIZE, (f.sliceIndex + 1) * SIZE * SIZE);
      plane.forEach((v, i) => {
        if (v > 430) truth[k * SIZE * SIZE + i] = 1;
      });
    }
    let both = 0;
    let sum = 0;
    labels.forEach((v, i) => {
      const l = v ? 1 : 0;
      both += l & truth[i]!;
      sum += l + truth[i]!;
    });
    const dice = (2 * both) / sum;
    console.log(`[volume] DICOM series: label Dice vs the source disc ${dice.toFixed(3)}`);
    expect(dice).toBeGreaterThan(0.7);

    // Submitted like the NIfTI volume, so its slice tasks leave the queue the other specs share.
    await submitVolume(volume.id);
  });
});
