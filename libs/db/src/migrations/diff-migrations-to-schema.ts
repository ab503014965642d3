import { startEmbeddedDatabase } from '../embedded/start-embedded-database';
import { DbError } from '../errors/db-error';
import { describeEngineError } from './apply-migrations';
import { defaultPrismaDir, migrationsDirIn, schemaPathIn } from './migrations-paths';
import { readMigrations } from './read-migrations';
import { schemaEngineAdapter } from './schema-engine-adapter';
import { NO_FILTERS, withSchemaEngine } from './with-schema-engine';

/**
 * SQL that takes a database from "all committed migrations applied" to schema.prisma
 * (`prisma migrate diff --from-migrations --to-schema`). Empty string: nothing to do.
 * The engine replays the migrations on a shadow database; ours is a throwaway in-memory PGlite,
 * so no Postgres server (and no CREATE DATABASE right) is needed.
 */
export async function diffMigrationsToSchema(
  options: { prismaDir?: string } = {},
): Promise<string> {
  const prismaDir = options.prismaDir ?? defaultPrismaDir();
  const migrationsList = readMigrations(migrationsDirIn(prismaDir), { allowEmpty: true });
  const shadow = await startEmbeddedDatabase({ port: 0 });
  const factory = schemaEngineAdapter(shadow.url, { shadowUrl: shadow.url });
  try {
    return await withSchemaEngine(factory, schemaPathIn(prismaDir), async (engine, schema) => {
      const result = await engine.diff({
        from:
          migrationsList.migrationDirectories.length === 0
            ? { tag: 'empty' }
            : { tag: 'migrations', ...migrationsList },
        to: { tag: 'schemaDatamodel', files: [schema] },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      return isEmptyScript(result.stdout ?? '') ? '' : (result.stdout ?? '');
    });
  } catch (error) {
    if (error instanceof DbError) throw error;
    throw new DbError(
      'MIGRATION',
      `Diffing migrations against schema.prisma failed: ${describeEngineError(error)}`,
      { cause: error },
    );
  } finally {
    await shadow.stop();
  }
}

/** The engine writes a comment ("-- This is an empty migration.") when there is nothing to change. */
function isEmptyScript(sql: string): boolean {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}
