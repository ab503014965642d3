import { assertDatabaseReachable } from '../client/assert-database-reachable';
import { DbError } from '../errors/db-error';
import { takeSchemaEnginePanic } from './load-schema-engine';
import { defaultPrismaDir, migrationsDirIn, schemaPathIn } from './migrations-paths';
import { readMigrations } from './read-migrations';
import { schemaEngineAdapter } from './schema-engine-adapter';
import { NO_FILTERS, withSchemaEngine } from './with-schema-engine';

export interface ApplyMigrationsOptions {
  /** Folder holding schema.prisma and migrations/ (default: the repository's prisma/). */
  prismaDir?: string;
}

/**
 * `prisma migrate deploy` without the CLI's downloaded engine: applies pending migrations from
 * prisma/migrations and records them in _prisma_migrations. Returns the names it applied.
 */
export async function applyMigrations(
  url: string,
  options: ApplyMigrationsOptions = {},
): Promise<string[]> {
  const prismaDir = options.prismaDir ?? defaultPrismaDir();
  const migrationsList = readMigrations(migrationsDirIn(prismaDir));
  await assertDatabaseReachable(url);
  const adapter = schemaEngineAdapter(url);
  try {
    return await withSchemaEngine(adapter, schemaPathIn(prismaDir), async (engine) => {
      const result = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
      return result.appliedMigrationNames;
    });
  } catch (error) {
    if (error instanceof DbError) throw error;
    throw new DbError('MIGRATION', `Applying migrations failed: ${describeEngineError(error)}`, {
      cause: error,
    });
  }
}

/** Engine errors arrive as objects with a message (sometimes nested); keep the first line. */
export function describeEngineError(error: unknown): string {
  const panic = takeSchemaEnginePanic();
  if (panic) return `schema engine panicked: ${panic.split('\n')[0]}`;
  const message =
    error instanceof Error
      ? error.message
      : typeof error === 'string'
        ? error
        : JSON.stringify(error);
  return message.split('\n').find((line) => line.trim() !== '') ?? 'unknown error';
}
