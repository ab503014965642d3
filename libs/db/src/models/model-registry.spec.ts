import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobStore } from '../blobs/create-blob-store';
import { DbError } from '../errors/db-error';
import type { ModelPromotedEvent } from '../notifications/notify-model-promoted';
import { subscribeModelPromotions } from '../notifications/subscribe-model-promotions';
import type { TestDatabase } from '../testing/create-test-database';
import { createTestDatabaseOn, testDatabaseKinds } from '../testing/create-test-database';
import { createProjectWithTasks } from '../testing/fixtures';
import { ensureStarterModel } from './ensure-starter-model';
import { getActiveModel } from './get-active-model';
import { promoteModelVersion } from './promote-model-version';
import { readModelManifest } from './read-model-manifest';
import { registerModelVersion } from './register-model-version';
import { rollbackToVersion } from './rollback-to-version';
import { defaultPrismaDir } from '../migrations/migrations-paths';

const kinds = await testDatabaseKinds();
const scratch = mkdtempSync(join(tmpdir(), 'loupe-models-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A model folder as the exporter writes it (file contents are stand-ins; the registry does not parse ONNX). */
function writeModelDir(name: string, options: { tamper?: boolean } = {}): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const encoder = `encoder of ${name}`;
  const decoder = `decoder of ${name}`;
  writeFileSync(join(dir, 'encoder.onnx'), encoder);
  writeFileSync(join(dir, 'decoder.onnx'), options.tamper ? 'tampered' : decoder);
  // The starter's manifest (the contract shape the exporter writes), pointed at these stand-in files.
  const starterManifest = JSON.parse(readFileSync(join(defaultPrismaDir(), '..', 'models', 'starter', 'manifest.json'), 'utf8'));
  const manifest = {
    ...starterManifest,
    version: name,
    encoder: { ...starterManifest.encoder, sha256: sha(encoder), bytes: encoder.length },
    decoder: { ...starterManifest.decoder, sha256: sha(decoder), bytes: decoder.length },
    training: { heldOut: { dice: 0.9, noc90: 6.4 } },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

/** Waits until `predicate` holds or fails after timeoutMs. */
async function eventually(predicate: () => boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(kinds)('model registry on %s', (kind) => {
  let test: TestDatabase;
  const store = createBlobStore(join(scratch, `artifacts-${kind}`));
  beforeAll(async () => {
    test = await createTestDatabaseOn(kind);
  });
  afterAll(async () => {
    await test?.close();
  });

  it('starts every project on the starter, once, even when asked concurrently', async () => {
    const { projectId } = await createProjectWithTasks(test.db, { tasks: 0 });
    const starterDir = writeModelDir(`starter-${kind}`);
    const results = await Promise.all([1, 2, 3].map(() => ensureStarterModel(test.db, store, projectId, starterDir)));
    expect(new Set(results.map((model) => model.id)).size).toBe(1);
    expect(results[0]).toMatchObject({ version: 1, status: 'ACTIVE', configName: 'base', config: { name: 'base', inputSize: 128 }, valDice: 0.9, valNoc90: 6.4 });
    expect(await test.db.modelVersion.count({ where: { projectId } })).toBe(1);
    expect(await store.verify(results[0]!.encoderKey!, results[0]!.encoderSha256!)).toBe(true);
    await expect(ensureStarterModel(test.db, store, (await createProjectWithTasks(test.db, { tasks: 0 })).projectId, join(scratch, 'nope'))).rejects.toThrow(
      /Starter model folder .*nope does not exist; run "npm run train:starter"/,
    );
  });

  it('registers, promotes (retiring the old one), notifies subscribers, and rolls back', async () => {
    const { projectId } = await createProjectWithTasks(test.db, { tasks: 0 });
    const events: ModelPromotedEvent[] = [];
    const unsubscribe = await subscribeModelPromotions(test.url, (event) => events.push(event), { intervalMs: 200 });
    try {
      const v1 = await ensureStarterModel(test.db, store, projectId, writeModelDir(`v1-${kind}`));
      const v2 = await registerModelVersion(test.db, store, {
        projectId,
        dir: writeModelDir(`v2-${kind}`),
        status: 'CANDIDATE',
        parentId: v1.id,
        configName: 'product',
        metrics: { dice: 0.81, noc90: 3.5 },
      });
      expect(v2).toMatchObject({ version: 2, status: 'CANDIDATE', valDice: 0.81, valNoc90: 3.5, parentId: v1.id });
      await promoteModelVersion(test.db, v2.id);
      expect((await getActiveModel(test.db, projectId))?.id).toBe(v2.id);
      expect(await test.db.modelVersion.findUniqueOrThrow({ where: { id: v1.id } })).toMatchObject({ status: 'RETIRED' });
      await eventually(() => events.some((event) => event.modelVersionId === v2.id));
      expect(events.find((event) => event.modelVersionId === v2.id)).toEqual({ projectId, modelVersionId: v2.id });

      const back = await rollbackToVersion(test.db, projectId, 1);
      expect(back).toMatchObject({ id: v1.id, status: 'ACTIVE' });
      expect(await test.db.modelVersion.findUniqueOrThrow({ where: { id: v2.id } })).toMatchObject({ status: 'RETIRED' });
      expect(await test.db.modelVersion.count({ where: { projectId, status: 'ACTIVE' } })).toBe(1);
      await eventually(() => events.at(-1)?.modelVersionId === v1.id);
      await expect(rollbackToVersion(test.db, projectId, 9)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await unsubscribe();
    }
  });

  it('refuses files that do not match their manifest, and unpromotable versions', async () => {
    const { projectId } = await createProjectWithTasks(test.db, { tasks: 0 });
    const tampered = registerModelVersion(test.db, store, { projectId, dir: writeModelDir(`bad-${kind}`, { tamper: true }), status: 'CANDIDATE', configName: 'tiny' });
    await expect(tampered).rejects.toBeInstanceOf(DbError);
    await expect(tampered).rejects.toThrow(/decoder\.onnx does not match its manifest/);
    const failed = await registerModelVersion(test.db, store, { projectId, dir: writeModelDir(`failed-${kind}`), status: 'FAILED', configName: 'tiny' });
    await expect(promoteModelVersion(test.db, failed.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(registerModelVersion(test.db, store, { projectId, dir: join(scratch, 'missing'), status: 'CANDIDATE', configName: 'tiny' })).rejects.toMatchObject({
      code: 'MISSING_FILE',
    });
  });
});

describe('readModelManifest', () => {
  const starter = join(defaultPrismaDir(), '..', 'models', 'starter');
  it.skipIf(!existsSync(join(starter, 'manifest.json')))('reads the committed starter model with both hashes declared', () => {
    const manifest = readModelManifest(starter);
    expect(Object.keys(manifest.declaredSha256).sort()).toEqual(['decoder.onnx', 'encoder.onnx']);
  });

  it('refuses a manifest that declares no hashes', () => {
    const dir = join(scratch, 'unhashed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'encoder.onnx'), 'e');
    writeFileSync(join(dir, 'decoder.onnx'), 'd');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ configName: 'tiny' }));
    expect(() => readModelManifest(dir)).toThrow(/not a valid model manifest: invalid model manifest: format: /);
  });
});
