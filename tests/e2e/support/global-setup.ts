/**
 * Global setup of the e2e vitest project: one production server for every e2e spec, on a
 * fresh test database seeded with the demo users/project (3 synthetic images, starter model).
 * Specs read it with `inject('e2e')` (null when Chromium is missing: they skip) and, for specs
 * that take a server from the environment, E2E_BASE_URL / E2E_DATABASE_URL / E2E_BLOB_DIR.
 */
import type { TestProject } from 'vitest/node';
import { findChromium } from './chromium';
import { ensureProductionBuild, freePort, startServer, type RunningServer } from './e2e-server';
import { seedE2eProject, type SeededE2eProject } from './seed-e2e-project';

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
let seeded: SeededE2eProject | null = null;

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
  seeded = await seedE2eProject({ imageCount: 3, imageSize: 256, dirPrefix: 'loupe-e2e-' });
  server = await startServer(seeded.serverEnv, await freePort());
  const environment: E2eEnvironment = {
    baseUrl: server.url,
    databaseUrl: seeded.database.url,
    dataDir: seeded.dataDir,
    blobDir: seeded.blobDir,
    artifactDir: seeded.artifactDir,
    projectId: seeded.projectId,
    password: seeded.password,
  };
  project.provide('e2e', environment);
  process.env['E2E_BASE_URL'] = environment.baseUrl;
  process.env['E2E_DATABASE_URL'] = environment.databaseUrl;
  process.env['E2E_BLOB_DIR'] = environment.blobDir;
  log(
    `[e2e] server ${server.url} ready (${seeded.database.kind} database) in ${Math.round((Date.now() - started) / 1000)} s`,
  );
}

export async function teardown(): Promise<void> {
  await server?.stop();
  await seeded?.dispose();
}
