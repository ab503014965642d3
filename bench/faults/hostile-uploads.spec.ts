/**
 * The fast half of bench:faults in `npm test`: every file of the hostile upload set (bombs and
 * the honest volume at small sizes) through the web app's own ingest services on a real
 * database, each answered as the bench expects, and nothing stored for a refusal. The HTTP-only
 * case (a body streamed past the cap without Content-Length) is apps/web's read-capped-form spec.
 */
import { createBlobStore } from '@loupe/db';
import { createTestDatabaseOn, type TestDatabase } from '@loupe/db/testing';
import { closeDecodePool, ingestUpload } from '@loupe/web/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileUploads } from './hostile-uploads';

const MiB = 1024 * 1024;
const LIMITS = {
  maxBytes: 64 * MiB,
  maxBatchBytes: 64 * MiB,
  maxSide: 8192,
  maxPixels: 40_000_000,
  maxSlices: 1024,
  maxVolumeBytes: 1024 * MiB,
};

let database: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabaseOn('postgres', { poolSize: 2 });
  dataDir = await mkdtemp(join(tmpdir(), 'loupe-faults-spec-'));
});

afterAll(async () => {
  await closeDecodePool();
  await database?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('hostile upload set', () => {
  it('each file gets the answer bench:faults expects; refusals store nothing', async () => {
    const { db } = database;
    const project = await db.project.create({
      data: { slug: 'faults-spec', name: 'Faults spec', objectLabel: 'lesion', tagVocabulary: [] },
      select: { id: true },
    });
    const blobs = createBlobStore(join(dataDir, 'blobs'));
    const uploads = await hostileUploads({ bombMiB: 256, honestSlices: 8, batchMaxBytes: MiB });
    const fileUploads = uploads.filter((u) => u.body.kind === 'files');
    expect(fileUploads.length).toBeGreaterThanOrEqual(9);
    for (const upload of fileUploads) {
      if (upload.body.kind !== 'files') continue;
      const before = await db.image.count({ where: { projectId: project.id } });
      const { outcomes } = await ingestUpload(
        { db, blobs },
        { projectId: project.id, files: upload.body.files, bytesOwned: true },
        LIMITS,
      );
      const stored = (await db.image.count({ where: { projectId: project.id } })) - before;
      const expected = upload.expect.code ?? upload.expect.outcomeCode;
      if (expected) {
        expect(
          outcomes.map((o) => o.code),
          upload.name,
        ).toEqual([expected]);
        expect(stored, upload.name).toBe(0);
      } else {
        expect(
          outcomes.map((o) => o.ok),
          `${upload.name}: ${outcomes.map((o) => o.message).join('; ')}`,
        ).toEqual([true]);
        expect(stored, upload.name).toBe(outcomes[0]?.imageIds?.length);
        expect(stored).toBeGreaterThan(0);
      }
    }
  });
});
