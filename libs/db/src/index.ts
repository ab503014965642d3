/**
 * @loupe/db: the server-only data layer. Postgres (or the embedded PGlite) through Prisma's pg
 * driver adapter, migrations via Prisma's wasm schema engine, leases, the job queue, the blob
 * store and the model registry. See .coord/db-api.md / README "Configuration".
 */
export * from './generated/prisma/client';

export type { Db, CreateDbOptions } from './client/create-db';
export { createDb } from './client/create-db';
export type { DbOrTx } from './client/db-types';
export { assertDatabaseReachable } from './client/assert-database-reachable';
export { isEmbeddedDatabase } from './client/is-embedded-database';
export { redactUrl } from './client/redact-url';

export type { DbErrorCode } from './errors/db-error';
export { DbError, LeaseConflictError, StaleRevisionError, isDbError } from './errors/db-error';

export type { DbEnv } from './config/db-env';
export { readDbEnv, embeddedDataDir, childEnv, DbEnvError } from './config/db-env';
export { SERVER_MALLOC_ENV, withServerMallocEnv } from './config/server-malloc-env';

export type { EmbeddedDatabase, EmbeddedDatabaseOptions } from './embedded/start-embedded-database';
export { startEmbeddedDatabase } from './embedded/start-embedded-database';

export { applyMigrations } from './migrations/apply-migrations';
export type { CreatedMigration } from './migrations/create-migration';
export { createMigration } from './migrations/create-migration';
export { diffMigrationsToSchema } from './migrations/diff-migrations-to-schema';
export { diffDatabaseToSchema } from './migrations/diff-database-to-schema';

export type { BlobStore, StoredBlob } from './blobs/create-blob-store';
export { createBlobStore } from './blobs/create-blob-store';

export type { RegisterModelVersionInput } from './models/register-model-version';
export { registerModelVersion } from './models/register-model-version';
export { promoteModelVersion } from './models/promote-model-version';
export { rollbackToVersion } from './models/rollback-to-version';
export { getActiveModel } from './models/get-active-model';
export { ensureStarterModel, DEFAULT_STARTER_DIR } from './models/ensure-starter-model';
export type { ModelManifest } from './models/read-model-manifest';
export { readModelManifest } from './models/read-model-manifest';

export type { ModelPromotedEvent } from './notifications/notify-model-promoted';
export { notifyModelPromoted, MODEL_PROMOTED_CHANNEL } from './notifications/notify-model-promoted';
export type { SubscribeModelPromotionsOptions } from './notifications/subscribe-model-promotions';
export { subscribeModelPromotions } from './notifications/subscribe-model-promotions';

export type { LeasedTask } from './tasks/leased-task';
export type { LeaseTaskInput } from './tasks/lease-task';
export { leaseTask } from './tasks/lease-task';
export type { LeaseNextTaskInput } from './tasks/lease-next-task';
export { leaseNextTask } from './tasks/lease-next-task';
export { renewLease } from './tasks/renew-lease';
export { releaseLease } from './tasks/release-lease';
export type { SaveAnnotationInput, SavedAnnotation } from './tasks/save-annotation';
export { saveAnnotation } from './tasks/save-annotation';

export type { EnqueueJobInput } from './jobs/enqueue-job';
export { enqueueJob } from './jobs/enqueue-job';
export type { ClaimNextJobInput } from './jobs/claim-next-job';
export { claimNextJob } from './jobs/claim-next-job';
export { heartbeatJob } from './jobs/heartbeat-job';
export { completeJob } from './jobs/complete-job';
export { failJob } from './jobs/fail-job';
