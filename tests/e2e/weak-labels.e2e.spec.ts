/**
 * End to end in Chromium: the annotate page's fast label modes. Tag mode: digit keys tag the image
 * (1 present and 2 absent save at once, 3 toggles the project's own tag), the next image is
 * leased and fetched while the current one is open, and the tags land in Postgres as weak labels
 * with their TAG events. Box-only mode: boxes drawn with the mouse, Delete removes the last,
 * Enter saves them as BOX weak labels (no mask). The dashboard's label mix counts both.
 * Prints the time from a tag key to the next image being ready (measured, not asserted).
 *
 *   npx vitest run --config tests/e2e/vitest.config.ts tests/e2e/weak-labels.e2e.spec.ts
 *
 * Its own project and users, removed afterwards (the server's database is shared).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createBlobStore, createDb, type Db } from '@loupe/db';
import type { LoupeTestHooks } from '@loupe/contracts';
import {
  createSessionToken,
  hashSessionToken,
  ingestImage,
  SESSION_COOKIE,
} from '@loupe/web/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { repoRoot } from './support/e2e-server';

const e2e = inject('e2e');
const outDir = join(repoRoot, 'test-output', 'e2e');
const SIZE = 160;
const prefix = `e2eweak${randomBytes(3).toString('hex')}`;
const tokens = { admin: createSessionToken(), annotator: createSessionToken() };

let db: Db;
let browser: Browser | null = null;
let projectId = '';
const userIds: Record<keyof typeof tokens, string> = { admin: '', annotator: '' };

function fixture(seed: number): Promise<Buffer> {
  const pixels = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const lesion = Math.exp(-((x - 60 - seed * 7) ** 2 + (y - 80) ** 2) / (2 * 12 ** 2));
      pixels[y * SIZE + x] = Math.min(255, 25 + 210 * lesion + ((x * 5 + y * 3 + seed) % 11));
    }
  return sharp(pixels, { raw: { width: SIZE, height: SIZE, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

const hooks = (page: Page): Promise<LoupeTestHooks> => page.evaluate(() => window.__loupe!);

/** Waits until the page shows a task other than `previous` with its image ready. */
async function nextImageReady(page: Page, previous: string | null): Promise<string> {
  await page.waitForFunction(
    (prev) => !!window.__loupe?.ready && !!window.__loupe.taskId && window.__loupe.taskId !== prev,
    previous,
    { timeout: 60_000 },
  );
  return (await hooks(page)).taskId!;
}

async function imageToPage(page: Page, x: number, y: number) {
  const box = (await page.locator('[data-testid=viewer-canvas]').boundingBox())!;
  const zoom = Math.min(box.width / SIZE, box.height / SIZE) * 0.94;
  return {
    x: box.x + (box.width - SIZE * zoom) / 2 + x * zoom,
    y: box.y + (box.height - SIZE * zoom) / 2 + y * zoom,
  };
}

async function drawBox(page: Page, from: [number, number], to: [number, number]) {
  const start = await imageToPage(page, ...from);
  const end = await imageToPage(page, ...to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 5 });
  await page.mouse.up();
}

async function contextFor(who: keyof typeof tokens): Promise<BrowserContext> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
  const url = new URL(e2e!.baseUrl);
  await context.addCookies([
    {
      name: SESSION_COOKIE,
      value: tokens[who],
      domain: url.hostname,
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
    },
  ]);
  return context;
}

beforeAll(async () => {
  if (!e2e) return;
  mkdirSync(outDir, { recursive: true });
  db = createDb(e2e.databaseUrl, { poolSize: 2 });
  const project = await db.project.create({
    data: {
      slug: prefix,
      name: `Weak labels ${prefix}`,
      objectLabel: 'leakage',
      tagVocabulary: ['drusen'],
    },
    select: { id: true },
  });
  projectId = project.id;
  for (const who of ['admin', 'annotator'] as const) {
    const user = await db.user.create({
      data: { email: `${prefix}-${who}@test.local`, name: `${who} ${prefix}`, passwordHash: 'x' },
      select: { id: true },
    });
    userIds[who] = user.id;
    await db.membership.create({
      data: { userId: user.id, projectId, role: who === 'admin' ? 'ADMIN' : 'ANNOTATOR' },
    });
    await db.session.create({
      data: {
        tokenHash: hashSessionToken(tokens[who]),
        userId: user.id,
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
  }
  const blobs = createBlobStore(e2e.blobDir);
  for (let i = 0; i < 4; i++)
    await ingestImage(
      { db, blobs },
      {
        projectId,
        fileName: `weak-${i}.png`,
        bytes: new Uint8Array(await fixture(i)),
        priority: 10 - i,
      },
      { maxBytes: 8 * 1024 * 1024, maxSide: 2048, maxPixels: 4_000_000, maxSlices: 8 },
    );
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (!db) return;
  if (projectId) await db.project.delete({ where: { id: projectId } });
  await db.user.deleteMany({ where: { email: { startsWith: `${prefix}-` } } });
  await db.$disconnect();
}, 120_000);

describe.skipIf(!e2e)('fast label modes in Chromium', () => {
  it('tag mode: digit keys tag the image and show the preloaded next one', async () => {
    const context = await contextFor('annotator');
    const page = await context.newPage();
    page.on('pageerror', (error) => console.log(`[browser] ${error.message}`));
    await page.goto(`${e2e!.baseUrl}/projects/${projectId}/annotate?mode=tag`, {
      timeout: 300_000,
    });
    const first = await nextImageReady(page, null);
    // The next task is leased while the first is open (preloaded).
    await expect
      .poll(
        () =>
          db.task.count({
            where: { projectId, status: 'IN_PROGRESS', leaseHolderId: userIds.annotator },
          }),
        { timeout: 30_000 },
      )
      .toBe(2);
    await page.keyboard.press('3');
    await expect
      .poll(() => page.getByTestId('tag-drusen').getAttribute('aria-pressed'))
      .toBe('true');
    await page.screenshot({ path: join(outDir, 'tag-mode.png') });
    let started = Date.now();
    await page.keyboard.press('1');
    const second = await nextImageReady(page, first);
    const firstMs = Date.now() - started;
    // Give the new next task a moment to be preloaded before the second key.
    await expect
      .poll(
        () =>
          db.task.count({
            where: { projectId, status: 'IN_PROGRESS', leaseHolderId: userIds.annotator },
          }),
        { timeout: 30_000 },
      )
      .toBe(2);
    started = Date.now();
    await page.keyboard.press('2');
    const third = await nextImageReady(page, second);
    const secondMs = Date.now() - started;
    console.log(`[e2e] tag key -> next image ready: ${firstMs} ms, ${secondMs} ms`);
    expect(new Set([first, second, third]).size).toBe(3);

    const tagsOf = async (taskId: string) =>
      (
        await db.weakLabel.findMany({
          where: { taskId, kind: 'IMAGE_TAG', supersededAt: null },
          select: { tag: true },
        })
      )
        .map((l) => l.tag)
        .sort();
    expect(await tagsOf(first)).toEqual(['drusen', 'present']);
    expect(await tagsOf(second)).toEqual(['absent']);
    for (const id of [first, second])
      expect((await db.task.findUniqueOrThrow({ where: { id } })).status).toBe('WEAK_LABELED');
    expect(await db.annotation.count({ where: { projectId } })).toBe(0);
    await expect
      .poll(
        () =>
          db.interactionEvent.count({ where: { taskId: { in: [first, second] }, type: 'TAG' } }),
        {
          timeout: 30_000,
        },
      )
      .toBe(2);
    await context.close();
  });

  it('box-only mode: boxes drawn, the last removed, saved as weak labels with no mask', async () => {
    const context = await contextFor('annotator');
    const page = await context.newPage();
    page.on('pageerror', (error) => console.log(`[browser] ${error.message}`));
    await page.goto(`${e2e!.baseUrl}/projects/${projectId}/annotate?mode=box`, {
      timeout: 300_000,
    });
    const taskId = await nextImageReady(page, null);
    await drawBox(page, [40, 60], [80, 100]);
    await drawBox(page, [100, 20], [140, 50]);
    await expect.poll(() => page.getByTestId('box-list').locator('li').count()).toBe(2);
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('box-list').locator('li').count()).toBe(1);
    await drawBox(page, [90, 90], [130, 130]);
    await expect.poll(() => page.getByTestId('box-list').locator('li').count()).toBe(2);
    await page.screenshot({ path: join(outDir, 'box-mode.png') });
    await page.keyboard.press('Enter');
    await nextImageReady(page, taskId);

    const boxes = await db.weakLabel.findMany({
      where: { taskId, kind: 'BOX' },
      select: { boxX0: true, boxY0: true, boxX1: true, boxY1: true, pseudoMaskRle: true },
      orderBy: { boxX0: 'asc' },
    });
    expect(boxes).toHaveLength(2);
    // Drawn at [40,60]-[80,100] and [90,90]-[130,130] in image pixels (mouse rounding aside).
    expect(boxes[0]!.boxX0).toBeCloseTo(40, -0.5);
    expect(boxes[1]!.boxY1).toBeCloseTo(130, -0.5);
    expect(boxes.every((b) => b.pseudoMaskRle === null)).toBe(true);
    expect((await db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe(
      'WEAK_LABELED',
    );
    expect(await db.annotation.count({ where: { taskId } })).toBe(0);
    const closed = await db.interactionEvent.findFirstOrThrow({
      where: { taskId, type: 'IMAGE_CLOSED' },
      select: { payload: true },
    });
    expect(closed.payload).toMatchObject({ mode: 'box', boxes: 2 });
    await context.close();
  });

  it('the dashboard label mix counts the tags and boxes', async () => {
    // A round whose boxes trained as boxes: the active model's box rule failed its check.
    await db.trainingRun.create({
      data: {
        projectId,
        kind: 'FINETUNE',
        status: 'SUCCEEDED',
        trainLabelCount: 7,
        humanMaskCount: 5,
        pseudoBoxCount: 2,
        pseudoBoxSupervised: 2,
        pseudoBoxCheck: {
          masks: 4,
          dice: 0.72,
          minDice: 0.85,
          minMasks: 3,
          trusted: false,
          reason: 'box pseudo-masks wait: box Dice 0.720 on 4 human masks is below 0.85',
        },
      },
    });
    const context = await contextFor('admin');
    const page = await context.newPage();
    await page.goto(`${e2e!.baseUrl}/projects/${projectId}/dashboard`, { timeout: 300_000 });
    const mix = page.getByTestId('label-mix');
    await mix.waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('label-mix-tags').innerText()).toMatch(/present\s*1/);
    const text = await mix.innerText();
    expect(text).toMatch(/tagged images\s*2/);
    expect(text).toMatch(/boxes \(weak\)\s*2/);
    await expect
      .poll(() => page.getByTestId('round-boxes-supervised').innerText())
      .toMatch(/2 as boxes: box Dice 0\.72 < 0\.85 on 4 human masks/);
    await page.getByTestId('label-mix').screenshot({ path: join(outDir, 'label-mix.png') });
    await context.close();
  });
});
