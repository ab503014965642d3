/**
 * The trainer's environment, read and validated in one place (nothing else reads process.env).
 * Database and storage locations come from libs/db's env module, so the trainer, the web app and
 * `npm start` agree on defaults (DATA_DIR/artifacts, DATA_DIR/blobs, the embedded database port).
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { readDbEnv } from '@loupe/db';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

export const trainerOnlyEnvSchema = z.object({
  /** The starter model every new project begins with. */
  STARTER_MODEL_DIR: z.string().min(1).default('models/starter'),
  /** `product` trains the served network; `tiny` is the test-sized one. */
  TRAINER_CONFIG: z.enum(['product', 'tiny']).default('product'),
  TRAINER_WORKER_ID: z.string().min(1).default(`trainer-${hostname()}-${process.pid}`),
  /** How often an idle worker looks for a job. */
  TRAINER_POLL_INTERVAL_MS: positiveInt.default(2000),
  /** How often the worker applies every project's training policy. */
  TRAINER_POLICY_INTERVAL_MS: positiveInt.default(5000),
  /** A claimed job's lease; the heartbeat renews it, a dead worker's lease lapses and the job is reclaimed. */
  TRAINER_LOCK_SECONDS: positiveInt.default(30),
  /** Minimum gap between progress writes to the database. */
  TRAINER_PROGRESS_INTERVAL_MS: positiveInt.default(2000),
  /** Images scored per active-learning batch (one transaction each). */
  TRAINER_SCORE_BATCH: positiveInt.default(16),
});

export interface TrainerEnv extends z.infer<typeof trainerOnlyEnvSchema> {
  /** Resolved: DATABASE_URL, else the embedded database `npm start` serves on LOUPE_DB_PORT. */
  DATABASE_URL: string;
  DATA_DIR: string;
  ARTIFACT_DIR: string;
  BLOB_DIR: string;
  DB_POOL_SIZE: number;
}

export class TrainerEnvError extends Error {
  override name = 'TrainerEnvError';
}

export function loadTrainerEnv(
  source: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): TrainerEnv {
  const db = readDbEnv(source, cwd);
  // Treat empty strings as unset, as shells and .env files often export them.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = trainerOnlyEnvSchema.safeParse(cleaned);
  if (!result.success) {
    const issues = result.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new TrainerEnvError(`invalid trainer environment: ${issues}`);
  }
  return {
    ...result.data,
    STARTER_MODEL_DIR: resolve(cwd, result.data.STARTER_MODEL_DIR),
    DATABASE_URL:
      db.DATABASE_URL ??
      `postgresql://postgres@127.0.0.1:${db.LOUPE_DB_PORT}/postgres?sslmode=disable`,
    DATA_DIR: db.DATA_DIR,
    ARTIFACT_DIR: db.ARTIFACT_DIR,
    BLOB_DIR: db.BLOB_DIR,
    DB_POOL_SIZE: Math.min(db.DB_POOL_SIZE, 4),
  };
}
