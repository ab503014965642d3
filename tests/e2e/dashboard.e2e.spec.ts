/**
 * End to end: the admin dashboard renders in Chromium with seeded data (a bulk-seeded project
 * with 5,000 events, model versions, runs, reviews, leases and thumbnails), its charts draw with
 * promotion and pretraining markers, the CSV export downloads, a non-admin is refused, and a
 * full-page screenshot is saved to test-output/e2e/dashboard.png.
 *
 * Runs in the web-e2e project against the production server its global setup starts:
 *   npx vitest run --config tests/e2e/vitest.config.ts tests/e2e/dashboard.e2e.spec.ts
 * The seeded project and its users are removed afterwards (the server's database is shared).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBlobStore, createDb, type Db } from '@loupe/db';
import {
  createSessionToken,
  hashSessionToken,
  SESSION_COOKIE,
  seedDashboardBulk,
  type BulkSeedResult,
} from '@loupe/web/testing';
import { launchChromium } from './support/chromium';
import { repoRoot } from './support/e2e-server';

const e2e = inject('e2e');
const outDir = join(repoRoot, 'test-output', 'e2e');

let db: Db;
let baseUrl: string;
let seeded: BulkSeedResult | null = null;
let browser: Browser | null = null;
const prefix = `e2edash${randomBytes(3).toString('hex')}`;
const tokens: Record<'admin' | 'annotator', string> = {
  admin: createSessionToken(),
  annotator: createSessionToken(),
};

/** A small fundus-like JPEG (dark disc, warm gradient, a vessel, a bright spot) as a thumbnail. */
function thumbnail(seed: number): Promise<Buffer> {
  const hue = 10 + ((seed * 37) % 30);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128">
    <rect width="128" height="128" fill="#000"/>
    <defs><radialGradient id="g" cx="${40 + (seed % 5) * 8}%" cy="50%" r="60%">
      <stop offset="0%" stop-color="hsl(${hue},90%,70%)"/><stop offset="100%" stop-color="hsl(${hue},80%,22%)"/></radialGradient></defs>
    <circle cx="64" cy="64" r="58" fill="url(#g)"/>
    <path d="M64 64 C ${20 + seed * 3} 30, 20 ${90 - seed}, 10 70 M64 64 C 100 ${30 + seed * 2}, 110 40, 120 ${50 + seed}" stroke="hsl(${hue},70%,25%)" stroke-width="3" fill="none"/>
    <circle cx="${50 + ((seed * 11) % 30)}" cy="${40 + ((seed * 7) % 40)}" r="${4 + (seed % 4)}" fill="#fde68a" opacity="0.85"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

beforeAll(async () => {
  if (!e2e) return;
  mkdirSync(outDir, { recursive: true });
  baseUrl = e2e.baseUrl;
  db = createDb(e2e.databaseUrl, { poolSize: 2 });
  const result = await seedDashboardBulk(db, { events: 5_000, prefix });
  seeded = result;
  const annotator = result.annotatorUserIds[0]!;
  const expiresAt = new Date(Date.now() + 3_600_000);
  await db.session.createMany({
    data: [
      { tokenHash: hashSessionToken(tokens.admin), userId: result.adminUserId, expiresAt },
      { tokenHash: hashSessionToken(tokens.annotator), userId: annotator, expiresAt },
    ],
  });
  // Real thumbnails for the images at the top of the priority queue.
  const store = createBlobStore(e2e.blobDir);
  const top = await db.task.findMany({
    where: { projectId: result.projectId, status: 'UNLABELED' },
    orderBy: [{ priority: 'desc' }, { id: 'asc' }],
    take: 12,
    select: { imageId: true },
  });
  for (const [i, task] of top.entries()) {
    const stored = await store.put(new Uint8Array(await thumbnail(i)), { ext: '.jpg' });
    await db.image.update({ where: { id: task.imageId }, data: { thumbnailKey: stored.key } });
  }
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (!db) return;
  if (seeded) {
    // The server's database is shared with the other e2e specs: remove what this one added.
    await db.project.update({
      where: { id: seeded.projectId },
      data: { activeModelVersionId: null },
    });
    await db.project.delete({ where: { id: seeded.projectId } });
    await db.user.deleteMany({ where: { id: { startsWith: `${prefix}-` } } });
  }
  await db.$disconnect();
}, 120_000);

async function contextFor(who: keyof typeof tokens): Promise<BrowserContext> {
  const context = await browser!.newContext({
    viewport: { width: 1440, height: 1000 },
    deviceScaleFactor: 1,
  });
  const url = new URL(baseUrl);
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

describe.skipIf(!e2e)('admin dashboard in Chromium', () => {
  it('renders every panel with seeded data and saves a screenshot', async () => {
    const context = await contextFor('admin');
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${baseUrl}/projects/${seeded!.projectId}/dashboard`, {
      waitUntil: 'domcontentloaded',
      timeout: 300_000,
    });
    await page.getByTestId('dashboard-overview').waitFor({ timeout: 180_000 });

    // Overview: every seeded mask counted.
    await expect
      .poll(() => page.getByTestId('dashboard-overview').innerText())
      .toContain(seeded!.annotations.toLocaleString('en-US'));
    // Five efficiency metrics, each with two drawn line charts.
    for (const id of ['seconds', 'prompts', 'noEdit', 'overlap', 'rate']) {
      const panel = page.getByTestId(`efficiency-${id}`);
      await panel.locator('.recharts-line-curve').first().waitFor({ timeout: 60_000 });
      expect(await panel.locator('.recharts-surface').count(), id).toBeGreaterThanOrEqual(2);
      // Promotions marked: one dashed reference line per promoted version on the label-count chart.
      expect(await panel.locator('.recharts-reference-line').count(), id).toBeGreaterThanOrEqual(
        seeded!.modelVersions - 1,
      );
    }
    // Learning curve: Dice and NoC@90 lines, MAE pretraining marked.
    const curve = page.getByTestId('learning-curve');
    expect(await curve.locator('.recharts-line-curve').count()).toBe(2);
    await expect.poll(() => curve.innerText()).toContain('MAE pretrain');
    // Training runs with loss sparklines, the failed run's error and the candidate's reason.
    const runs = page.getByTestId('training-runs');
    expect(await runs.locator('tbody tr').count()).toBe(seeded!.trainingRuns);
    expect(await runs.innerText()).toContain('ran out of memory');
    expect(await runs.innerText()).toContain('not promoted: NoC@90 regressed');
    expect(
      await page.getByTestId('model-versions').getByRole('button', { name: 'Promote' }).count(),
    ).toBe(1);
    // Queue: counts, lease holders and thumbnails of the next tasks.
    expect(await page.getByTestId('queue-counts').innerText()).toContain('5 live leases');
    const thumbs = page.getByTestId('priority-queue').locator('img');
    expect(await thumbs.count()).toBe(12);
    await expect
      .poll(
        () =>
          thumbs.evaluateAll(
            (imgs) => imgs.filter((img) => (img as HTMLImageElement).naturalWidth > 0).length,
          ),
        { timeout: 30_000 },
      )
      .toBe(12);
    // Annotators with review outcomes.
    expect(await page.getByTestId('annotators').locator('tbody tr').count()).toBe(
      seeded!.annotatorUserIds.length,
    );
    // The definitions are one click away.
    await page.getByRole('button', { name: 'How is this measured?' }).click();
    expect(await page.getByTestId('dashboard-help').innerText()).toContain('IDLE_START');

    // Training policy: an out-of-range value is explained and not sent; a valid change is saved.
    const policy = page.getByTestId('training-policy');
    const everyMasks = policy.locator('input[name="finetuneMinNewMasks"]');
    await expect.poll(() => everyMasks.inputValue(), { timeout: 30_000 }).toBe('20');
    await everyMasks.fill('0');
    await expect.poll(() => policy.innerText()).toContain('Fine-tune every: between 1 and 10000');
    expect(await policy.getByRole('button', { name: 'Save policy' }).isDisabled()).toBe(true);
    await everyMasks.fill('12');
    await policy.locator('input[name="finetuneEpochs"]').fill('6');
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await expect
      .poll(
        async () =>
          await db.project.findUniqueOrThrow({
            where: { id: seeded!.projectId },
            select: { finetuneMinNewMasks: true, finetuneEpochs: true },
          }),
        { timeout: 30_000 },
      )
      .toEqual({ finetuneMinNewMasks: 12, finetuneEpochs: 6 });
    await expect
      .poll(() => policy.getByRole('button', { name: 'Save policy' }).isDisabled())
      .toBe(true);

    await page.screenshot({ path: join(outDir, 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);

    // CSV export, as the page links it.
    const csv = await page.request.get(
      `${baseUrl}/api/projects/${seeded!.projectId}/dashboard.csv?table=efficiency-by-model-version`,
    );
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^model_version,model_version_id,masks,/);
    await context.close();
  }, 420_000);

  it('refuses a project annotator', async () => {
    const context = await contextFor('annotator');
    const page = await context.newPage();
    await page.goto(`${baseUrl}/projects/${seeded!.projectId}/dashboard`, {
      waitUntil: 'domcontentloaded',
      timeout: 180_000,
    });
    await page.getByText('Admins only').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    const csv = await page.request.get(
      `${baseUrl}/api/projects/${seeded!.projectId}/dashboard.csv?table=annotators`,
    );
    expect(csv.status()).toBe(403);
    await context.close();
  }, 240_000);
});
