/**
 * `@loupe/db/ops`: what start scripts and CLIs need before the Prisma client exists (env, errors,
 * migrations, the embedded server, client generation). Nothing here imports the generated client.
 */
export type { DbEnv } from './config/db-env';
export { readDbEnv, embeddedDataDir, childEnv, DbEnvError } from './config/db-env';
export { SERVER_MALLOC_ENV, withServerMallocEnv } from './config/server-malloc-env';
export type { DbErrorCode } from './errors/db-error';
export { DbError, isDbError } from './errors/db-error';
export { assertDatabaseReachable } from './client/assert-database-reachable';
export { redactUrl } from './client/redact-url';
export type { EmbeddedDatabase, EmbeddedDatabaseOptions } from './embedded/start-embedded-database';
export { startEmbeddedDatabase } from './embedded/start-embedded-database';
export { applyMigrations } from './migrations/apply-migrations';
export type { CreatedMigration } from './migrations/create-migration';
export { createMigration } from './migrations/create-migration';
export { diffMigrationsToSchema } from './migrations/diff-migrations-to-schema';
export { diffDatabaseToSchema } from './migrations/diff-database-to-schema';
export { generatePrismaClient, isPrismaClientGenerated } from './migrations/generate-prisma-client';
export { assertPortFree } from './embedded/assert-port-free';
