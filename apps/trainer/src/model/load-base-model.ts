/**
 * The weights a round starts from, most specific first:
 * 1. this run's own last checkpoint (a crashed attempt resumes where it stopped),
 * 2. the active model's checkpoint (fine-tuning continues from what annotators use now),
 * 3. the starter model's checkpoint when the active model is the starter (it is registered
 *    from models/starter without one),
 * 4. a fresh segmenter with the active model's config (only if no weights exist anywhere).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '@loupe/db';
import { readVerifiedArtifact } from '../artifacts/read-verified-artifact';
import type { ModelPort, TrainableModel } from './model-port';

export interface BaseModelSource {
  runCheckpointKey: string | null;
  active: {
    id: string;
    checkpointKey: string | null;
    manifestSha256: string | null;
    configName: string;
  } | null;
  starterDir: string;
  fallbackConfigName: string;
  seed: number;
}

export interface LoadedBaseModel {
  model: TrainableModel;
  from: 'run-checkpoint' | 'active-checkpoint' | 'starter-checkpoint' | 'fresh';
}

async function loadStored(
  port: ModelPort,
  store: BlobStore,
  key: string,
  workDir: string,
): Promise<TrainableModel> {
  // Verify the bytes before the model lib reads the file, then load from a private copy.
  const bytes = await readVerifiedArtifact(store, key);
  await mkdir(workDir, { recursive: true });
  const file = join(workDir, `base-${key.split('/')[1] ?? 'checkpoint'}`);
  await writeFile(file, bytes);
  return port.loadCheckpoint(file);
}

async function starterCheckpointFor(
  active: NonNullable<BaseModelSource['active']>,
  starterDir: string,
): Promise<string | null> {
  const manifest = join(starterDir, 'manifest.json');
  const checkpoint = join(starterDir, 'checkpoint.safetensors');
  if (!existsSync(manifest) || !existsSync(checkpoint) || !active.manifestSha256) return null;
  const sha = createHash('sha256')
    .update(await readFile(manifest))
    .digest('hex');
  return sha === active.manifestSha256 ? checkpoint : null;
}

export async function loadBaseModel(
  port: ModelPort,
  store: BlobStore,
  source: BaseModelSource,
  workDir: string,
): Promise<LoadedBaseModel> {
  if (source.runCheckpointKey)
    return {
      model: await loadStored(port, store, source.runCheckpointKey, workDir),
      from: 'run-checkpoint',
    };
  if (source.active?.checkpointKey)
    return {
      model: await loadStored(port, store, source.active.checkpointKey, workDir),
      from: 'active-checkpoint',
    };
  if (source.active) {
    const starter = await starterCheckpointFor(source.active, source.starterDir);
    if (starter) return { model: await port.loadCheckpoint(starter), from: 'starter-checkpoint' };
  }
  return { model: await port.createFresh(source.fallbackConfigName, source.seed), from: 'fresh' };
}
