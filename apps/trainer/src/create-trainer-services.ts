/**
 * Builds the services a trainer process runs with from its environment: one database client,
 * the image blob store, the model artifact store and the model library.
 */
import { createBlobStore, createDb } from '@loupe/db';
import type { TrainerEnv } from './env';
import { createModelPort } from './model/create-model-port';
import type { ConsoleOutput } from './progress/console-progress';
import type { TrainerServices } from './trainer-services';

export async function createTrainerServices(
  env: TrainerEnv,
  options: { console?: ConsoleOutput; log?: (line: string) => void } = {},
): Promise<TrainerServices> {
  const db = createDb(env.DATABASE_URL, { poolSize: env.DB_POOL_SIZE });
  const log = options.log ?? ((line: string) => console.log(`[trainer] ${line}`));
  return {
    env,
    db,
    blobs: createBlobStore(env.BLOB_DIR),
    artifacts: createBlobStore(env.ARTIFACT_DIR),
    model: await createModelPort({ log }),
    console: options.console ?? process.stdout,
    log,
  };
}
