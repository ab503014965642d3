/**
 * Everything a job needs, built once per process (main.ts, cli.ts, tests) and passed in.
 */
import type { BlobStore, Db } from '@loupe/db';
import type { TrainerEnv } from './env';
import type { ModelPort } from './model/model-port';
import type { ConsoleOutput } from './progress/console-progress';

export interface TrainerServices {
  env: TrainerEnv;
  db: Db;
  /** Images (BLOB_DIR); the trainer only reads them. */
  blobs: BlobStore;
  /** Model artifacts and checkpoints (ARTIFACT_DIR), content-addressed. */
  artifacts: BlobStore;
  model: ModelPort;
  /** Where progress bars and log lines go (process.stdout in the worker). */
  console: ConsoleOutput;
  log(line: string): void;
}
