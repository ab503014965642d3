/**
 * Interaction events survive a bad day, in Chromium against the production build: the server
 * stops in the middle of a box and comes back, a tab is closed 0.5 s after a box, and a tab is
 * closed while the server is down and a new one opened later. Every event the page recorded
 * (`window.__loupe.recordedEventIds`) reaches Postgres exactly once.
 *
 * Runs its own server (it must stop and restart it on the same port, so the same origin and
 * IndexedDB) on its own database, beside the shared one of the other e2e specs.
 */
import type { TestDatabase } from '@loupe/db/testing';
import { createSessionToken, hashSessionToken, SESSION_COOKIE } from '@loupe/web/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { freePort, startServer, type RunningServer } from './support/e2e-server';
import { seedE2eProject, type SeededE2eProject } from './support/seed-e2e-project';

const e2e = inject('e2e');
const IMAGE_SIZE = 256;

let seeded: SeededE2eProject | null = null;
let database: TestDatabase;
let serverEnv: Record<string, string>;
let port: number;
let server: RunningServer | null = null;
let browser: Browser | null = null;
let context: BrowserContext;
let projectId: string;
let baseUrl: string;

beforeAll(async () => {
  if (!e2e) return;
  seeded = await seedE2eProject({
    imageCount: 2,
    imageSize: IMAGE_SIZE,
    dirPrefix: 'loupe-e2e-events-',
  });
  database = seeded.database;
  projectId = seeded.projectId;
  serverEnv = seeded.serverEnv;
  port = await freePort();
  server = await startServer(serverEnv, port);
  baseUrl = server.url;
  const annotator = await database.db.user.findUniqueOrThrow({
    where: { email: 'annotator@loupe.local' },
    select: { id: true },
  });
  const token = createSessionToken();
  await database.db.session.create({
    data: {
      tokenHash: hashSessionToken(token),
      userId: annotator.id,
      expiresAt: new Date(Date.now() + 3600_000),
    },
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies([
    {
      name: SESSION_COOKIE,
      value: token,
      domain: new URL(baseUrl).hostname,
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
    },
  ]);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await seeded?.dispose();
});

async function openAnnotate(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`[browser] ${error.message}`));
  await page.goto(`${baseUrl}/projects/${projectId}/annotate`);
  await page.waitForFunction(() => !!window.__loupe?.ready && !!window.__loupe.modelVersion, null, {
    timeout: 180_000,
  });
  return page;
}

/** Image point -> page coordinates, via the viewer's fit (as annotate.e2e.spec.ts). */
async function toPage(page: Page, x: number, y: number) {
  const box = (await page.locator('[data-testid=viewer-canvas]').boundingBox())!;
  const zoom = Math.min(box.width / IMAGE_SIZE, box.height / IMAGE_SIZE) * 0.94;
  return {
    x: box.x + (box.width - IMAGE_SIZE * zoom) / 2 + x * zoom,
    y: box.y + (box.height - IMAGE_SIZE * zoom) / 2 + y * zoom,
  };
}

/** Draws a box; `midway` runs between pressing and releasing the mouse. */
async function drawBox(page: Page, from: number, to: number, midway?: () => Promise<void>) {
  const start = await toPage(page, from, from);
  const end = await toPage(page, to, to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 3 });
  await midway?.();
  await page.mouse.move(end.x, end.y, { steps: 3 });
  await page.mouse.up();
}

const recordedIds = (page: Page) => page.evaluate(() => [...window.__loupe!.recordedEventIds]);

/** Waits until every id is stored, then checks each is stored exactly once. */
async function expectStoredOnce(ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let rows: { clientEventId: string | null }[] = [];
  while (Date.now() < deadline) {
    rows = await database.db.interactionEvent.findMany({
      where: { clientEventId: { in: ids } },
      select: { clientEventId: true },
    });
    if (rows.length >= ids.length) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const missing = ids.filter((id) => !rows.some((r) => r.clientEventId === id));
  expect(missing, 'events recorded by the page but not stored').toEqual([]);
  expect(rows).toHaveLength(ids.length);
  const duplicates = await database.db.interactionEvent.groupBy({
    by: ['userId', 'clientEventId'],
    where: { clientEventId: { not: null } },
    _count: { _all: true },
    having: { clientEventId: { _count: { gt: 1 } } },
  });
  expect(duplicates).toEqual([]);
}

describe.skipIf(!e2e)('durable interaction events in Chromium', () => {
  let page: Page;

  it('keeps a box drawn while the server is down, shows it pending, sends it once it is back', async () => {
    page = await openAnnotate();
    await page.waitForFunction(() => window.__loupe!.pendingEvents === 0, null, {
      timeout: 30_000,
    });
    await drawBox(page, 60, 140, async () => {
      await server!.stop();
    });
    await page.locator('[data-testid=event-sync][data-failing=true]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=event-sync]').innerText()).toMatch(
      /events not sent yet, kept on this device; retrying/,
    );
    const whileDown = await recordedIds(page);
    expect(
      await database.db.interactionEvent.count({ where: { clientEventId: { in: whileDown } } }),
    ).toBeLessThan(whileDown.length);
    server = await startServer(serverEnv, port);
    await page.waitForFunction(() => window.__loupe!.pendingEvents === 0, null, {
      timeout: 60_000,
    });
    await expectStoredOnce(await recordedIds(page), 5_000);
    expect(
      await database.db.interactionEvent.count({
        where: { clientEventId: { in: whileDown }, type: 'BOX' },
      }),
    ).toBe(1);
  });

  it('sends the last events with keepalive when the tab is closed 0.5 s after a box', async () => {
    await drawBox(page, 70, 150);
    await page.waitForTimeout(500);
    const ids = await recordedIds(page);
    await page.close({ runBeforeUnload: true });
    await expectStoredOnce(ids, 10_000);
  });

  it('a tab closed while the server is down leaves its events to the next page', async () => {
    const first = await openAnnotate();
    await first.waitForFunction(() => window.__loupe!.pendingEvents === 0, null, {
      timeout: 30_000,
    });
    await server!.stop();
    await drawBox(first, 50, 120);
    await first.waitForTimeout(300);
    const ids = await recordedIds(first);
    await first.close({ runBeforeUnload: true });
    server = await startServer(serverEnv, port);
    const second = await openAnnotate();
    await expectStoredOnce(ids, 30_000);
    await expectStoredOnce(await recordedIds(second), 30_000);
    await second.close();
  });
});
