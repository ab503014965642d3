/**
 * Global setup of the e2e vitest project: one production server for every e2e spec, on a
 * fresh test database seeded with the demo users/project (3 synthetic images, starter model).
 * Specs read it with `inject('e2e')` (null when Chromium is missing: they skip) and, for specs
 * that take a server from the environment, E2E_BASE_URL / E2E_DATABASE_URL / E2E_BLOB_DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore } from '@loupe/db';
import { createTestDatabaseOn, testDatabaseKinds, type TestDatabase } from '@loupe/db/testing';
import type { TestProject } from 'vitest/node';
import { seedDemo, webEnv } from '@loupe/web/testing';
import { findChromium } from './chromium';
import { ensureProductionBuild, freePort, startServer, type RunningServer } from './e2e-server';

export interface E2eEnvironment {
  baseUrl: string;
  databaseUrl: string;
  dataDir: string;
  blobDir: string;
  artifactDir: string;
  projectId: string;
  password: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eEnvironment | null;
  }
}

let server: RunningServer | null = null;
let database: TestDatabase | null = null;
let dataDir: string | null = null;

export async function setup(project: TestProject): Promise<void> {
  const chromium = findChromium();
  if (!chromium.location) {
    console.log(`[e2e] SKIPPED: ${chromium.missing}`);
    project.provide('e2e', null);
    return;
  }
  const log = (line: string) => console.log(line);
  const started = Date.now();
  await ensureProductionBuild(log);
  const kinds = await testDatabaseKinds();
  database = await createTestDatabaseOn(kinds[0] ?? 'embedded', { poolSize: 4 });
  dataDir = mkdtempSync(join(tmpdir(), 'loupe-e2e-'));
  const blobDir = join(dataDir, 'blobs');
  const artifactDir = join(dataDir, 'artifacts');
  const password = 'loupe-e2e-password';
  const seeded = await seedDemo(
    {
      db: database.db,
      stores: { blobs: createBlobStore(blobDir), artifacts: createBlobStore(artifactDir) },
    },
    {
      password,
      imageCount: 3,
      imageSize: 256,
      starterModelDir: webEnv.starterModelDir,
      limits: { maxBytes: 32 * 1024 * 1024, maxSide: 4096, maxPixels: 16_000_000, maxSlices: 256 },
    },
  );
  server = await startServer(
    {
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      BLOB_DIR: blobDir,
      ARTIFACT_DIR: artifactDir,
      LOUPE_DEMO_PASSWORD: password,
    },
    await freePort(),
  );
  const environment: E2eEnvironment = {
    baseUrl: server.url,
    databaseUrl: database.url,
    dataDir,
    blobDir,
    artifactDir,
    projectId: seeded.projectId,
    password,
  };
  project.provide('e2e', environment);
  process.env['E2E_BASE_URL'] = environment.baseUrl;
  process.env['E2E_DATABASE_URL'] = environment.databaseUrl;
  process.env['E2E_BLOB_DIR'] = environment.blobDir;
  log(
    `[e2e] server ${server.url} ready (${database.kind} database) in ${Math.round((Date.now() - started) / 1000)} s`,
  );
}

export async function teardown(): Promise<void> {
  await server?.stop();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
