/**
 * A fresh test database and data folder seeded with the demo users, one project of synthetic
 * images and the starter model, plus the environment `next start` needs to serve it. Shared by
 * the global setup and by specs that run a server of their own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore } from '@loupe/db';
import { createTestDatabaseOn, testDatabaseKinds, type TestDatabase } from '@loupe/db/testing';
import { seedDemo, webEnv } from '@loupe/web/testing';

export const E2E_PASSWORD = 'loupe-e2e-password';

export interface SeededE2eProject {
  database: TestDatabase;
  dataDir: string;
  blobDir: string;
  artifactDir: string;
  projectId: string;
  password: string;
  /** DATABASE_URL, DATA_DIR, BLOB_DIR, ARTIFACT_DIR, LOUPE_DEMO_PASSWORD for the server. */
  serverEnv: Record<string, string>;
  /** Closes the database and removes the data folder. */
  dispose(): Promise<void>;
}

export async function seedE2eProject(options: {
  imageCount: number;
  imageSize: number;
  /** Prefix of the temporary data folder's name. */
  dirPrefix: string;
}): Promise<SeededE2eProject> {
  const kinds = await testDatabaseKinds();
  const database = await createTestDatabaseOn(kinds[0] ?? 'embedded', { poolSize: 4 });
  const dataDir = mkdtempSync(join(tmpdir(), options.dirPrefix));
  const blobDir = join(dataDir, 'blobs');
  const artifactDir = join(dataDir, 'artifacts');
  const seeded = await seedDemo(
    {
      db: database.db,
      stores: { blobs: createBlobStore(blobDir), artifacts: createBlobStore(artifactDir) },
    },
    {
      password: E2E_PASSWORD,
      imageCount: options.imageCount,
      imageSize: options.imageSize,
      starterModelDir: webEnv.starterModelDir,
      limits: { maxBytes: 32 * 1024 * 1024, maxSide: 4096, maxPixels: 16_000_000, maxSlices: 256 },
    },
  );
  return {
    database,
    dataDir,
    blobDir,
    artifactDir,
    projectId: seeded.projectId,
    password: E2E_PASSWORD,
    serverEnv: {
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      BLOB_DIR: blobDir,
      ARTIFACT_DIR: artifactDir,
      LOUPE_DEMO_PASSWORD: E2E_PASSWORD,
    },
    async dispose() {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
