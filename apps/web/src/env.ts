/**
 * The web app's environment, read and validated once. Nothing else in apps/web reads process.env.
 * Database and storage settings (DATABASE_URL, DATA_DIR, BLOB_DIR, ARTIFACT_DIR, PORT ...) are
 * libs/db's `readDbEnv`, so the web, trainer and start script agree on them.
 */
import { readDbEnv, type DbEnv } from '@loupe/db';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Session cookie lifetime. */
  LOUPE_SESSION_DAYS: z.coerce.number().positive().default(14),
  /** Upload limits: bytes per file, pixels per side, pixels per image, slices per volume. */
  LOUPE_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** One upload request of several files (a folder, a zip, a DICOM series): bytes in total. */
  LOUPE_UPLOAD_BATCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024 * 1024),
  LOUPE_IMAGE_MAX_SIDE: z.coerce.number().int().positive().default(8192),
  LOUPE_IMAGE_MAX_PIXELS: z.coerce.number().int().positive().default(40_000_000),
  LOUPE_VOLUME_MAX_SLICES: z.coerce.number().int().positive().default(1024),
  /** Voxel bytes one NIfTI volume may declare; a .nii.gz is never inflated past this. */
  LOUPE_VOLUME_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024 * 1024),
  /** Threads that decode uploads off the request thread (default: one core left for requests, at most 2). */
  LOUPE_DECODE_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .default(Math.min(2, Math.max(1, availableParallelism() - 1))),
  /** Demo password the seed gives its users (printed by `npm start`). */
  LOUPE_DEMO_PASSWORD: z.string().min(8).default('loupe-demo'),
  /** Sign-in limits: attempts per account / per client address in a window before delays start. */
  LOUPE_SIGNIN_ACCOUNT_ATTEMPTS: z.coerce.number().int().positive().default(5),
  LOUPE_SIGNIN_ADDRESS_ATTEMPTS: z.coerce.number().int().positive().default(30),
  LOUPE_SIGNIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(3600),
  LOUPE_SIGNIN_MAX_DELAY_SECONDS: z.coerce.number().int().positive().default(900),
  /**
   * Key that encrypts stored secrets (PACS passwords): 32 bytes as 64 hex characters or base64.
   * Unset: a key generated on first use and kept in DATA_DIR/secret.key.
   */
  LOUPE_SECRET_KEY: z.string().min(1).optional(),
  /** Folder of the starter model every new project is served first (default <repo>/models/starter). */
  STARTER_MODEL_DIR: z.string().min(1).optional(),
  /** Cookies get `Secure` only when served over https. */
  LOUPE_SECURE_COOKIES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export type Env = Omit<z.infer<typeof envSchema>, 'STARTER_MODEL_DIR'> & {
  db: DbEnv;
  /** The workspace root (where nx.json is): `next dev` runs in apps/web, `npm start` at the root. */
  repoRoot: string;
  starterModelDir: string;
};

function findRepoRoot(from: string): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
  return dir;
}

function readEnv(): Env {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment for apps/web: ${issues}`);
  }
  const repoRoot = findRepoRoot(process.cwd());
  const { STARTER_MODEL_DIR, ...rest } = parsed.data;
  return {
    ...rest,
    // DATA_DIR and friends resolve against the repo root wherever the process was started.
    db: readDbEnv(process.env, repoRoot),
    repoRoot,
    starterModelDir: resolve(repoRoot, STARTER_MODEL_DIR ?? 'models/starter'),
  };
}

export const env: Env = readEnv();
