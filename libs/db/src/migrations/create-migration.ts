import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DbError } from '../errors/db-error';
import { diffMigrationsToSchema } from './diff-migrations-to-schema';
import { defaultPrismaDir, migrationsDirIn } from './migrations-paths';
import { LOCKFILE_CONTENT, LOCKFILE_NAME } from './read-migrations';

export interface CreatedMigration {
  name: string;
  path: string;
  sql: string;
}

/** 20261123150405 in UTC, Prisma's migration folder prefix. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * `prisma migrate dev --create-only` without the CLI engine: writes
 * prisma/migrations/<timestamp>_<name>/migration.sql from the diff between the committed migrations
 * and schema.prisma. Returns null when the schema has no changes.
 */
export async function createMigration(
  name: string,
  options: { prismaDir?: string; now?: Date } = {},
): Promise<CreatedMigration | null> {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!slug)
    throw new DbError('BAD_INPUT', 'Give the migration a name: npm run db:migration -- <name>');
  const prismaDir = options.prismaDir ?? defaultPrismaDir();
  const sql = await diffMigrationsToSchema({ prismaDir });
  if (!sql) return null;
  const migrationsDir = migrationsDirIn(prismaDir);
  const folder = `${timestamp(options.now ?? new Date())}_${slug}`;
  const path = join(migrationsDir, folder);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'migration.sql'), sql);
  const lockPath = join(migrationsDir, LOCKFILE_NAME);
  if (!existsSync(lockPath)) writeFileSync(lockPath, LOCKFILE_CONTENT);
  return { name: folder, path, sql };
}
