/**
 * DICOM in the browser against the production build: a real CT series picked as several files
 * becomes one volume (batch upload, per-group result), and the PACS page connects to a real
 * Orthanc (DICOMweb), searches it and imports a series with progress. Screenshot:
 * test-output/e2e/pacs.png.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDb, type Db } from '@loupe/db';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ORTHANC_SKIP_REASON,
  orthancUpload,
  pydicomTestFiles,
  SAMPLES_SKIP_REASON,
  startOrthanc,
  type RunningOrthanc,
} from '@loupe/web/testing';
import { launchChromium } from './support/chromium';
import { repoRoot } from './support/e2e-server';
import { signInAsAdmin } from './support/sign-in';

const e2e = inject('e2e');
const outDir = join(repoRoot, 'test-output', 'e2e');
const samples = pydicomTestFiles();
if (e2e && !samples) console.log(`[skip] ${SAMPLES_SKIP_REASON}`);

describe.skipIf(!e2e || !samples)('DICOM upload and PACS in the browser', () => {
  let browser: Browser;
  let page: Page;
  let db: Db;
  let orthanc: RunningOrthanc | null = null;
  const env = e2e!;

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    db = createDb(env.databaseUrl, { poolSize: 2 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => console.log(`[browser] ${error.message}`));
    await signInAsAdmin(page, env);
  });
  afterAll(async () => {
    await browser?.close();
    await orthanc?.stop();
    await db?.$disconnect();
  });

  it('several DICOM files of one series upload as one batch and become one volume', async () => {
    const dir = join(samples!, 'dicomdirtests/98892001/CT5N');
    await page.goto(`${env.baseUrl}/projects/${env.projectId}`);
    await page.locator('[data-testid=upload-input]').setInputFiles(
      readdirSync(dir).map((name) => ({
        name: `${name}.dcm`,
        mimeType: 'application/dicom',
        buffer: readFileSync(join(dir, name)),
      })),
    );
    const outcome = page.locator('[data-testid=upload-outcomes] li').first();
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.innerText()).toMatch(/volume of 5 slices/);
    const volume = await db.volume.findFirst({
      where: {
        projectId: env.projectId,
        seriesInstanceUid: '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6',
      },
      select: { depth: true, kind: true },
    });
    expect(volume).toEqual({ depth: 5, kind: 'VOLUME' });
  });

  it('connects the PACS page to a real Orthanc, searches it and imports a series', async () => {
    orthanc = await startOrthanc();
    if (!orthanc) {
      console.log(`[skip] ${ORTHANC_SKIP_REASON}`);
      return;
    }
    await orthancUpload(orthanc, [new Uint8Array(readFileSync(join(samples!, 'MR_small.dcm')))]);
    await page.goto(`${env.baseUrl}/projects/${env.projectId}/pacs`);
    const form = page.locator('[data-testid=pacs-connection]');
    await form.locator('input').first().fill(orthanc.dicomweb);
    await form.locator('select').selectOption('basic');
    await form.locator('input[placeholder=user]').fill(orthanc.username);
    await form.locator('input[type=password]').fill(orthanc.password);
    await form.locator('button[type=submit]').click();
    await page.getByText('PACS connection saved').waitFor();
    await page.locator('input[placeholder=modality]').fill('MR');
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator('[data-testid=pacs-studies] tbody tr').first();
    await row.waitFor();
    await row.click();
    const series = page.locator('[data-testid=pacs-series] li').first();
    await series.waitFor();
    await series.locator('input[type=checkbox]').check();
    await page.getByRole('button', { name: /Import 1 series/ }).click();
    const line = page.locator('[data-testid=pacs-imports] li[data-state=done]');
    await line.waitFor({ timeout: 60_000 });
    expect(await line.innerText()).toMatch(/added/);
    await page.screenshot({ path: join(outDir, 'pacs.png'), fullPage: true });
    const imported = await db.image.count({
      where: { projectId: env.projectId, mimeType: 'application/dicom', volumeId: null },
    });
    expect(imported).toBe(1);
    // The page never received the password.
    expect(await page.content()).not.toContain(orthanc.password);
  });
});
