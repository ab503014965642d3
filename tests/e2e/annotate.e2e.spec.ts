/**
 * End to end in Chromium against the production build: sign in, upload (one good PNG, one file
 * lying about its type), draw a box, get a proposal from the in-browser model, refine with a
 * click, accept and find it in Postgres with its events; then promote a second model version
 * while the page is open and check it hot-swaps without a reload and serves the next proposal; a
 * click on a wide image (the worker's work grid) saves what libs/model's click path masks.
 * Saves a screenshot of the annotate page to test-output/e2e/annotate.png.
 */
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBlobStore,
  createDb,
  promoteModelVersion,
  registerModelVersion,
  type Db,
} from '@loupe/db';
import type { LoupeTestHooks } from '@loupe/contracts';
import { disposeEmbedding, shownOutput, workGridScale } from '@loupe/model';
import { openModelDir } from '@loupe/model/node';
import { decodeMaskBytes, iou, type Box, type ClickPrompt } from '@loupe/prompts';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { repoRoot } from './support/e2e-server';
import { signInAsAdmin } from './support/sign-in';

const e2e = inject('e2e');
const outDir = join(repoRoot, 'test-output', 'e2e');

async function uploadFixture(): Promise<Buffer> {
  // A bright lesion-like blob on a dark fundus, different from the seeded images.
  const size = 200;
  const pixels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const lesion = Math.exp(-((x - 110) ** 2 + (y - 95) ** 2) / (2 * 14 ** 2));
      pixels[y * size + x] = Math.min(255, 30 + 200 * lesion + ((x * 13 + y * 7) % 9));
    }
  return sharp(pixels, { raw: { width: size, height: size, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

/** A wide-field-like 8-bit image: a bright disc on a dark textured background. */
const WIDE = { width: 2600, height: 2000, cx: 1300, cy: 1000, radius: 330 };
async function wideFixture(): Promise<{ png: Buffer; pixels: Uint8Array }> {
  const { width, height, cx, cy, radius } = WIDE;
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      pixels[y * width + x] =
        Math.hypot(x - cx, y - cy) < radius ? 200 : 35 + ((x * 7 + y * 13) % 20);
  const png = await sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
  return { png, pixels };
}

/** The page's `window.__loupe` (typed by @loupe/contracts). */
const hooks = (page: Page): Promise<LoupeTestHooks> => page.evaluate(() => window.__loupe!);

/** Image point (continuous pixel coordinates) -> page coordinates, via the viewer's fit. */
async function imageToPage(
  page: Page,
  x: number,
  y: number,
  imageSize: number,
): Promise<{ x: number; y: number }> {
  const box = (await page.locator('[data-testid=viewer-canvas]').boundingBox())!;
  const zoom = Math.min(box.width / imageSize, box.height / imageSize) * 0.94;
  return {
    x: box.x + (box.width - imageSize * zoom) / 2 + x * zoom,
    y: box.y + (box.height - imageSize * zoom) / 2 + y * zoom,
  };
}

/** Registers models/starter again under another version string and returns the new version's id. */
async function registerStarterCopy(
  db: Db,
  artifactDir: string,
  projectId: string,
  versionName: string,
) {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-e2e-model-'));
  try {
    cpSync(join(repoRoot, 'models/starter'), dir, { recursive: true });
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: versionName }, null, 2));
    return await registerModelVersion(db, createBlobStore(artifactDir), {
      projectId,
      dir,
      status: 'CANDIDATE',
      configName: 'starter',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function drawBox(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const start = await imageToPage(page, from[0], from[1], 200);
  const end = await imageToPage(page, to[0], to[1], 200);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 5 });
  await page.mouse.up();
}

describe.skipIf(!e2e)('annotate in the browser', () => {
  let browser: Browser;
  let page: Page;
  let db: Db;
  const env = e2e!;

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    db = createDb(env.databaseUrl, { poolSize: 2 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => console.log(`[browser] ${error.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await db?.$disconnect();
  });
  const taskStatus = async (taskId: string) =>
    (await db.task.findUniqueOrThrow({ where: { id: taskId }, select: { status: true } })).status;

  it('signs in and uploads: good files are added, lying files are refused with a reason', async () => {
    await signInAsAdmin(page, env);
    await page.goto(`${env.baseUrl}/projects/${env.projectId}`);
    await page.locator('[data-testid=upload-input]').setInputFiles([
      { name: 'lesion.png', mimeType: 'image/png', buffer: await uploadFixture() },
      {
        name: 'report.png',
        mimeType: 'image/png',
        buffer: Buffer.from('%PDF-1.7 not really an image'),
      },
    ]);
    await page.locator('[data-testid=upload-list] li[data-state=refused]').waitFor();
    await page.locator('[data-testid=upload-list] li[data-state=done]').waitFor();
    expect(
      await page.locator('[data-testid=upload-list] li[data-state=refused]').innerText(),
    ).toMatch(/Not a PNG, JPEG, TIFF, DICOM or NIfTI/);
    const uploaded = await db.image.findFirst({
      where: { projectId: env.projectId, fileName: 'lesion.png' },
      select: { id: true, task: { select: { status: true } } },
    });
    expect(uploaded?.task?.status).toBe('UNLABELED');
    expect(
      await db.image.count({ where: { projectId: env.projectId, fileName: 'report.png' } }),
    ).toBe(0);
    await page.screenshot({ path: join(outDir, 'project.png') });
  });

  it('box -> proposal -> click refinement -> accept, stored with events and the serving model', async () => {
    await page.goto(`${env.baseUrl}/projects/${env.projectId}/annotate`);
    await page.waitForFunction(
      () => {
        const h = window.__loupe;
        return !!h?.ready && !!h.modelVersion;
      },
      null,
      { timeout: 120_000 },
    );
    // The newest upload has the highest priority (seeded images are queued below it).
    expect(await page.locator('[data-testid=image-name]').innerText()).toBe('lesion.png');
    // Lease-ahead: the task after this one is leased (and its image fetched) while this one is
    // annotated, and the user holds exactly these two.
    const me = await db.user.findUniqueOrThrow({
      where: { email: 'admin@loupe.local' },
      select: { id: true },
    });
    await expect
      .poll(
        () =>
          db.task.count({
            where: {
              projectId: env.projectId,
              status: 'IN_PROGRESS',
              leaseHolderId: me.id,
              leaseExpiresAt: { gt: new Date() },
            },
          }),
        { timeout: 30_000 },
      )
      .toBe(2);
    const start = await imageToPage(page, 88, 72, 200);
    const end = await imageToPage(page, 134, 118, 200);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(end.x, end.y, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => window.__loupe!.predictions >= 1, null, { timeout: 60_000 });
    const afterBox = await hooks(page);
    expect(afterBox.lastPrediction).toMatchObject({
      kind: 'box',
      version: 1,
      encoderReused: false,
    });
    expect(afterBox.lastPrediction!.encoderMs).toBeGreaterThan(0);

    const click = await imageToPage(page, 110, 95, 200);
    await page.mouse.click(click.x, click.y);
    await page.waitForFunction(() => window.__loupe!.predictions >= 2, null, { timeout: 60_000 });
    const afterClick = await hooks(page);
    expect(afterClick.lastPrediction).toMatchObject({
      kind: 'click',
      version: 1,
      encoderReused: true,
      encoderMs: 0,
    });

    // The untrained starter may propose nothing; a brush stroke guarantees a mask to accept.
    await page.keyboard.press('r');
    await page.mouse.move(click.x, click.y);
    await page.mouse.down();
    await page.mouse.move(click.x + 15, click.y + 5, { steps: 3 });
    await page.mouse.up();
    await page.screenshot({ path: join(outDir, 'annotate.png') });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__loupe!.savedObjects >= 1, null, { timeout: 60_000 });

    const taskId = afterClick.taskId!;
    const annotation = await db.annotation.findFirstOrThrow({
      where: { taskId },
      select: {
        area: true,
        modelVersionId: true,
        clicks: true,
        brushStrokes: true,
        proposalRle: true,
        finalRle: true,
      },
    });
    expect(annotation.area).toBeGreaterThan(0);
    expect(annotation.clicks).toBe(1);
    expect(annotation.brushStrokes).toBe(1);
    expect(annotation.modelVersionId).toBe(afterClick.lastPrediction!.modelVersionId);
    // Events arrive batched: wait for the flush that accompanies the accept.
    await expect
      .poll(
        async () =>
          (
            await db.interactionEvent.groupBy({
              by: ['type'],
              where: { taskId },
              _count: { _all: true },
            })
          )
            .map((g) => g.type)
            .sort(),
        {
          timeout: 15_000,
        },
      )
      .toEqual(
        expect.arrayContaining([
          'ACCEPT',
          'BOX',
          'BRUSH_STROKE',
          'IMAGE_OPENED',
          'POSITIVE_POINT',
          'PROPOSAL_SHOWN',
        ]),
      );
    const shown = await db.interactionEvent.findMany({
      where: { taskId, type: 'PROPOSAL_SHOWN' },
      select: { latencyMs: true, modelVersionId: true },
    });
    expect(shown.length).toBe(2);
    for (const event of shown) {
      expect(event.latencyMs).toBeGreaterThan(0);
      expect(event.modelVersionId).toBe(annotation.modelVersionId);
    }
    console.log(
      `[e2e] box->proposal ${Math.round(afterBox.lastPrediction!.proposalMs)} ms, click->mask ${Math.round(afterClick.lastPrediction!.proposalMs)} ms`,
    );
  });

  it('a promotion during the session hot-swaps the model without a reload', async () => {
    const navigationsBefore = await page.evaluate(
      () => performance.getEntriesByType('navigation').length,
    );
    await page.evaluate(
      () => ((window as unknown as { __e2eMarker: string }).__e2eMarker = 'same-document'),
    );
    // A second version: the starter files under a different version string.
    const registered = await registerStarterCopy(
      db,
      env.artifactDir,
      env.projectId,
      'starter-e2e-v2',
    );
    expect(registered.version).toBe(2);
    await promoteModelVersion(db, registered.id);
    await page.waitForFunction(() => window.__loupe!.modelVersion === 2, null, { timeout: 60_000 });
    await page.locator('[data-testid=model-badge][data-model-version="2"]').waitFor();

    await page.keyboard.press('b');
    const before = (await hooks(page)).predictions;
    await drawBox(page, [40, 40], [80, 90]);
    await page.waitForFunction((n) => window.__loupe!.predictions > n, before, { timeout: 60_000 });
    const after = await hooks(page);
    expect(after.lastPrediction).toMatchObject({ version: 2, kind: 'box' });
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(
      navigationsBefore,
    );
    expect(
      await page.evaluate(() => (window as unknown as { __e2eMarker?: string }).__e2eMarker),
    ).toBe('same-document');
    await page.screenshot({ path: join(outDir, 'annotate-after-swap.png') });
  });

  it('a model that fails its integrity check is not used: the page keeps the current one and says so', async () => {
    const registered = await registerStarterCopy(
      db,
      env.artifactDir,
      env.projectId,
      'starter-e2e-corrupt',
    );
    // Corrupt the stored encoder after registration: the browser's sha256 check must catch it.
    const store = createBlobStore(env.artifactDir);
    const encoderPath = store.pathOf(registered.encoderKey!);
    chmodSync(encoderPath, 0o644);
    const bytes = readFileSync(encoderPath);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(encoderPath, bytes);
    await promoteModelVersion(db, registered.id);
    await page
      .locator('[data-testid=toast-error]', {
        hasText: `Model v${registered.version} could not be loaded`,
      })
      .waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=toast-error]').last().innerText()).toMatch(
      /integrity check.*still using v2/s,
    );
    expect((await hooks(page)).modelVersion).toBe(2);
    await page.keyboard.press('Escape');
    const before = (await hooks(page)).predictions;
    await drawBox(page, [120, 120], [170, 160]);
    await page.waitForFunction((n) => window.__loupe!.predictions > n, before, { timeout: 60_000 });
    expect((await hooks(page)).lastPrediction).toMatchObject({ version: 2 });
    // The blob store is content-addressed, so every version shares this encoder file, and the
    // project is shared by every e2e file: restore the bytes and a loadable active model.
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(encoderPath, bytes);
    const good = await db.modelVersion.findFirstOrThrow({
      where: { projectId: env.projectId, version: 2 },
      select: { id: true },
    });
    await promoteModelVersion(db, good.id);
  });

  it('submit -> review shows the masks -> send back with a comment; export has the mask', async () => {
    const taskId = (await hooks(page)).taskId!;
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => taskStatus(taskId), { timeout: 30_000 }).toBe('SUBMITTED');

    const coco = (await (
      await page.request.get(`${env.baseUrl}/api/projects/${env.projectId}/export?format=coco`)
    ).json()) as {
      images: { id: number; file_name: string }[];
      annotations: { image_id: number; segmentation: { counts: string } }[];
    };
    const exported = coco.images.find((i) => i.file_name === 'lesion.png')!;
    expect(coco.annotations.filter((a) => a.image_id === exported.id)).toHaveLength(1);

    await page.goto(`${env.baseUrl}/projects/${env.projectId}/review`);
    // Other spec files' volumes may be waiting for review too: pick this task.
    await page.locator('[data-testid=review-queue] li', { hasText: 'lesion.png' }).click();
    await page.locator('[data-testid=review-send-back]').waitFor();
    await page.waitForTimeout(500); // let the image and masks paint before the screenshot
    await page.screenshot({ path: join(outDir, 'review.png') });
    await page.fill('textarea', 'Please include the faint rim of the leak.');
    await page.click('[data-testid=review-send-back]');
    await expect.poll(() => taskStatus(taskId), { timeout: 30_000 }).toBe('SENT_BACK');
    const review = await db.review.findFirstOrThrow({
      where: { taskId },
      select: { decision: true, comment: true },
    });
    expect(review).toEqual({
      decision: 'SENT_BACK',
      comment: 'Please include the faint rim of the leak.',
    });
  });
  it('a click on a wide image is worked on the work grid and saved as libs/model masks it', async () => {
    // 2600 x 2000: the box's crop is over 256 px a side, so the worker merges the click on its
    // binned grid and upsamples the mask (libs/model work-grid.ts). The saved mask must be where
    // and what libs/model's full-resolution click path gives for the same stored prompts.
    const { png, pixels } = await wideFixture();
    await page.goto(`${env.baseUrl}/projects/${env.projectId}`);
    await page
      .locator('[data-testid=upload-input]')
      .setInputFiles([{ name: 'wide.png', mimeType: 'image/png', buffer: png }]);
    await page.locator('[data-testid=upload-list] li[data-state=done]').last().waitFor();
    const image = await db.image.findFirstOrThrow({
      where: { projectId: env.projectId, fileName: 'wide.png' },
      select: { task: { select: { id: true } } },
    });
    const taskId = image.task!.id;
    await page.goto(`${env.baseUrl}/projects/${env.projectId}/annotate?task=${taskId}`);
    await page.waitForFunction(
      (id) => {
        const h = window.__loupe;
        return !!h?.ready && !!h.modelVersion && h.taskId === id;
      },
      taskId,
      { timeout: 120_000 },
    );
    const before = (await hooks(page)).predictions;
    const { cx, cy, radius, width, height } = WIDE;
    const at = async (x: number, y: number) => {
      const box = (await page.locator('[data-testid=viewer-canvas]').boundingBox())!;
      const zoom = Math.min(box.width / width, box.height / height) * 0.94;
      return {
        x: box.x + (box.width - width * zoom) / 2 + x * zoom,
        y: box.y + (box.height - height * zoom) / 2 + y * zoom,
      };
    };
    const from = await at(cx - radius - 40, cy - radius - 40);
    const to = await at(cx + radius + 40, cy + radius + 40);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction((n) => window.__loupe!.predictions >= n + 1, before, {
      timeout: 60_000,
    });
    const inside = await at(cx + radius * 0.6, cy - radius * 0.3);
    await page.mouse.click(inside.x, inside.y);
    await page.waitForFunction((n) => window.__loupe!.predictions >= n + 2, before, {
      timeout: 60_000,
    });
    expect((await hooks(page)).lastPrediction).toMatchObject({
      kind: 'click',
      encoderReused: true,
    });
    await page.keyboard.press('Enter');
    await expect
      .poll(() => db.annotation.count({ where: { taskId } }), { timeout: 30_000 })
      .toBe(1);
    const annotation = await db.annotation.findFirstOrThrow({
      where: { taskId },
      select: { finalRle: true },
    });
    const saved = decodeMaskBytes(new Uint8Array(annotation.finalRle));
    expect([saved.width, saved.height]).toEqual([width, height]);
    // The prompts as stored, run through libs/model at full resolution (onnxruntime-node).
    await expect
      .poll(() => db.interactionEvent.count({ where: { taskId, type: 'POSITIVE_POINT' } }), {
        timeout: 15_000,
      })
      .toBe(1);
    const events = await db.interactionEvent.findMany({
      where: { taskId, type: { in: ['BOX', 'POSITIVE_POINT'] } },
      orderBy: { clientTime: 'asc' },
      select: { type: true, payload: true },
    });
    const storedBox = (events.find((e) => e.type === 'BOX')!.payload as { box: Box }).box;
    const point = events.find((e) => e.type === 'POSITIVE_POINT')!.payload as {
      x: number;
      y: number;
    };
    const click: ClickPrompt = { x: point.x, y: point.y, positive: true };
    const predictor = await openModelDir(join(repoRoot, 'models/starter'));
    try {
      const embedding = await predictor.embed({ pixels, width, height, channels: 1 }, storedBox);
      expect(workGridScale(embedding.crop)).toBeGreaterThan(1);
      const proposal = await predictor.decodeLogits(embedding, storedBox);
      const reference = await predictor.decodeClick(
        embedding,
        storedBox,
        [click],
        shownOutput(proposal, 0, []),
      );
      disposeEmbedding(embedding);
      expect(saved.data[Math.floor(click.y) * width + Math.floor(click.x)]).toBe(1);
      const agreement = iou(saved, reference.mask);
      const area = saved.data.reduce((n, v) => n + v, 0);
      console.log(
        `[e2e] wide image: saved ${area} px, IoU with libs/model's click path ${agreement.toFixed(4)}`,
      );
      expect(area).toBeGreaterThan(0.5 * Math.PI * radius * radius);
      expect(agreement).toBeGreaterThanOrEqual(0.95);
    } finally {
      await predictor.release();
    }
    // Submitted: the task leaves the queue the other spec files draw from.
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => taskStatus(taskId), { timeout: 30_000 }).toBe('SUBMITTED');
  });
});
