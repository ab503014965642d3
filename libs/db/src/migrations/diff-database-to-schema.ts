import { DbError } from '../errors/db-error';
import { describeEngineError } from './apply-migrations';
import { defaultPrismaDir, schemaPathIn } from './migrations-paths';
import { schemaEngineAdapter } from './schema-engine-adapter';
import { NO_FILTERS, withSchemaEngine } from './with-schema-engine';

/**
 * SQL that would take the live database at `url` to schema.prisma; '' when they match (drift check).
 * Prisma's own bookkeeping table (_prisma_migrations) is not part of the comparison.
 */
export async function diffDatabaseToSchema(
  url: string,
  options: { prismaDir?: string } = {},
): Promise<string> {
  const prismaDir = options.prismaDir ?? defaultPrismaDir();
  try {
    return await withSchemaEngine(
      schemaEngineAdapter(url),
      schemaPathIn(prismaDir),
      async (engine, schema) => {
        const result = await engine.diff({
          // "The schema's datasource" = the database the engine's driver adapter is connected to.
          from: { tag: 'schemaDatasource', files: [schema], configDir: prismaDir },
          to: { tag: 'schemaDatamodel', files: [schema] },
          script: true,
          exitCode: null,
          filters: NO_FILTERS,
        });
        const sql = result.stdout ?? '';
        return sql.split('\n').every((line) => line.trim() === '' || line.trim().startsWith('--'))
          ? ''
          : sql;
      },
    );
  } catch (error) {
    throw new DbError(
      'MIGRATION',
      `Comparing the database with schema.prisma failed: ${describeEngineError(error)}`,
      { cause: error },
    );
  }
}
