/**
 * The environment of `npm start`, the db CLIs and the test harness, read and validated in one place
 * (nothing else in libs/db or scripts/ reads process.env). Library functions take explicit
 * arguments instead, so the web and trainer pass in what their own env modules read.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { withServerMallocEnv } from './server-malloc-env';

const port = z.coerce.number().int().min(0).max(65_535);
const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((value) => value === '1' || value === 'true' || value === 'yes');
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

const dbEnvSchema = z.object({
  /** Postgres server to use; unset = the embedded PGlite database under DATA_DIR. */
  DATABASE_URL: postgresUrl.optional(),
  /** Root of everything Loupe writes locally. */
  DATA_DIR: z.string().min(1).default('.data'),
  /** Content-addressed model artifacts (default DATA_DIR/artifacts). */
  ARTIFACT_DIR: z.string().min(1).optional(),
  /** Content-addressed images and masks (default DATA_DIR/blobs). */
  BLOB_DIR: z.string().min(1).optional(),
  /** Port of the web app. */
  PORT: port.default(3000),
  /** Port the embedded database listens on (localhost only). */
  LOUPE_DB_PORT: port.default(54329),
  /** Connections the embedded database serves at once (all processes together). */
  LOUPE_DB_MAX_CONNECTIONS: z.coerce.number().int().positive().default(64),
  /** Prisma/pg pool size per process. */
  DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
  /** 1 = `next dev` instead of a production build. */
  LOUPE_DEV: flag.default(false),
  /** 1 = do not seed the demo project on start. */
  LOUPE_SKIP_SEED: flag.default(false),
  /** Set by start/test harness for children talking to the embedded database (NOTIFY does not cross its connections). */
  LOUPE_EMBEDDED_DB: flag.default(false),
  /** Tests: a Postgres server where each test file creates its own database; unset = embedded. */
  TEST_DATABASE_URL: postgresUrl.optional(),
});

export interface DbEnv extends Omit<z.infer<typeof dbEnvSchema>, 'ARTIFACT_DIR' | 'BLOB_DIR'> {
  DATA_DIR: string;
  ARTIFACT_DIR: string;
  BLOB_DIR: string;
}

export class DbEnvError extends Error {
  override readonly name = 'DbEnvError';
}

/** Parses the environment; empty strings count as unset. Relative folders resolve against `cwd`. */
export function readDbEnv(
  source: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): DbEnv {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = dbEnvSchema.safeParse(cleaned);
  if (!result.success) {
    const issues = result.error.issues
      .map((issue) => `${issue.path.join('.')} ${issue.message}`)
      .join('; ');
    throw new DbEnvError(`Invalid environment: ${issues}.`);
  }
  const env = result.data;
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(cwd, path));
  const dataDir = absolute(env.DATA_DIR);
  return {
    ...env,
    DATA_DIR: dataDir,
    ARTIFACT_DIR: absolute(env.ARTIFACT_DIR ?? join(dataDir, 'artifacts')),
    BLOB_DIR: absolute(env.BLOB_DIR ?? join(dataDir, 'blobs')),
  };
}

/** Where the embedded database keeps its files. */
export function embeddedDataDir(env: Pick<DbEnv, 'DATA_DIR'>): string {
  return join(env.DATA_DIR, 'pg');
}

/**
 * The environment every child of `npm start` gets: the parent's (PATH, NODE_OPTIONS, ...) with the
 * validated, absolute values filled in, so web, trainer and seed agree on every folder and URL,
 * and the malloc settings that let a server give freed memory back (server-malloc-env.ts).
 */
export function childEnv(
  env: DbEnv,
  databaseUrl: string,
  embedded: boolean,
  source: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return {
    ...withServerMallocEnv(inherited),
    DATABASE_URL: databaseUrl,
    DATA_DIR: env.DATA_DIR,
    ARTIFACT_DIR: env.ARTIFACT_DIR,
    BLOB_DIR: env.BLOB_DIR,
    PORT: String(env.PORT),
    DB_POOL_SIZE: String(env.DB_POOL_SIZE),
    LOUPE_EMBEDDED_DB: embedded ? '1' : '0',
    NODE_ENV: env.LOUPE_DEV ? 'development' : 'production',
  };
}
