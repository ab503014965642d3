import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BlobStore } from '../blobs/create-blob-store';
import type { ModelVersion, PrismaClient } from '../generated/prisma/client';
import { DbError } from '../errors/db-error';
import { getActiveModel } from './get-active-model';
import { promoteModelVersion } from './promote-model-version';
import { readModelManifest } from './read-model-manifest';
import { registerModel } from './register-model-version';

/** The exporter records held-out metrics under training.heldOut; they seed the dashboard's baseline. */
function heldOutMetrics(manifest: Record<string, unknown>): Record<string, unknown> | undefined {
  const training = manifest['training'];
  if (typeof training !== 'object' || training === null) return undefined;
  const heldOut = (training as Record<string, unknown>)['heldOut'];
  return typeof heldOut === 'object' && heldOut !== null ? (heldOut as Record<string, unknown>) : undefined;
}

export const DEFAULT_STARTER_DIR = 'models/starter';

/**
 * Every project starts serving the starter model: when the project has no model yet, registers
 * `starterDir` as version 1 and promotes it. Safe to call from several processes at once (only one
 * registers). Returns the active model. A relative starterDir resolves against the working directory.
 */
export async function ensureStarterModel(
  db: PrismaClient,
  store: BlobStore,
  projectId: string,
  starterDir: string = DEFAULT_STARTER_DIR,
): Promise<ModelVersion> {
  const active = await getActiveModel(db, projectId);
  if (active) return active;
  const dir = resolve(starterDir);
  if (!existsSync(dir)) {
    throw new DbError('MISSING_FILE', `Starter model folder ${dir} does not exist; run "npm run train:starter" to create it.`);
  }
  const manifest = readModelManifest(dir);
  const created = await registerModel(
    db,
    store,
    {
      projectId,
      dir,
      status: 'CANDIDATE',
      configName: manifest.configName,
      metrics: heldOutMetrics(manifest.raw),
      statusReason: 'starter model',
    },
    true,
  );
  if (created) return promoteModelVersion(db, created.id);
  // Another process registered first; it promotes right after, so wait briefly for that.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const now = await getActiveModel(db, projectId);
    if (now) return now;
    await new Promise((done) => setTimeout(done, 100));
  }
  const first = await db.modelVersion.findFirst({ where: { projectId }, orderBy: { version: 'asc' }, select: { id: true } });
  if (!first) throw new DbError('CONFLICT', `Project ${projectId} has no model after registering the starter.`);
  return promoteModelVersion(db, first.id);
}
