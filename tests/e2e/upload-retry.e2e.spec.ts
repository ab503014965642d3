/**
 * The upload page while the database is down, in Chromium against the production build: the
 * link between the server and its database is cut, a file is chosen, the server answers 503 and
 * the page shows that it will try again by itself; once the link is back the upload is stored,
 * exactly once, with nobody pressing anything.
 *
 * Runs its own server (its DATABASE_URL goes through the cuttable link) on its own database.
 */
import type { TestDatabase } from '@loupe/db/testing';
import { createSessionToken, hashSessionToken, SESSION_COOKIE } from '@loupe/web/testing';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { openDatabaseLink, type DatabaseLink } from './support/database-link';
import { startServer, type RunningServer } from './support/e2e-server';
import { seedE2eProject, type SeededE2eProject } from './support/seed-e2e-project';

const e2e = inject('e2e');

let seeded: SeededE2eProject | null = null;
let database: TestDatabase;
let link: DatabaseLink | null = null;
let server: RunningServer | null = null;
let browser: Browser | null = null;
let page: Page;

async function distinctPng(): Promise<Buffer> {
  const size = 96;
  const pixels = Uint8Array.from({ length: size * size }, (_, i) => (i * 29 + (i >> 5)) % 251);
  return sharp(pixels, { raw: { width: size, height: size, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

beforeAll(async () => {
  if (!e2e) return;
  seeded = await seedE2eProject({ imageCount: 1, imageSize: 64, dirPrefix: 'loupe-e2e-upload-' });
  database = seeded.database;
  link = await openDatabaseLink(seeded.serverEnv['DATABASE_URL']!);
  server = await startServer({ ...seeded.serverEnv, DATABASE_URL: link.url });
  const admin = await database.db.user.findUniqueOrThrow({
    where: { email: 'admin@loupe.local' },
    select: { id: true },
  });
  const token = createSessionToken();
  await database.db.session.create({
    data: {
      tokenHash: hashSessionToken(token),
      userId: admin.id,
      expiresAt: new Date(Date.now() + 3600_000),
    },
  });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([
    {
      name: SESSION_COOKIE,
      value: token,
      domain: new URL(server.url).hostname,
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
    },
  ]);
  page = await context.newPage();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await link?.close();
  await seeded?.dispose();
});

describe.skipIf(!e2e)('upload page while the database is down', () => {
  it('retries by itself with the wait shown, and stores the file once the database is back', async () => {
    const projectId = seeded!.projectId;
    await page.goto(`${server!.url}/projects/${projectId}`);
    await page.locator('[data-testid=upload-input]').waitFor({ state: 'attached' });
    const statuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith(`/api/projects/${projectId}/images`))
        statuses.push(response.status());
    });

    await link!.cut();
    await page
      .locator('[data-testid=upload-input]')
      .setInputFiles([
        { name: 'during-outage.png', mimeType: 'image/png', buffer: await distinctPng() },
      ]);
    const row = page.locator('[data-testid=upload-list] li[data-state=retrying]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toMatch(/Database unavailable.*retrying in \d+ s/);
    expect(statuses).toContain(503);
    // Down a little longer, so at least one more try is refused too.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await link!.restore();

    await page
      .locator('[data-testid=upload-list] li[data-state=done]')
      .waitFor({ timeout: 60_000 });
    expect(statuses.at(-1)).toBe(201);
    expect(
      await database.db.image.count({ where: { projectId, fileName: 'during-outage.png' } }),
    ).toBe(1);
  });
});
