import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { migrationsDirIn, defaultPrismaDir } from '../migrations/migrations-paths';
import { readMigrations } from '../migrations/read-migrations';

/**
 * Starting PGlite from scratch (initdb) and migrating it takes several seconds per test file; a
 * snapshot of a freshly migrated data folder loads in about one. Snapshots are cached in the temp
 * folder, keyed by the migrations' content and the PGlite version, so a changed migration never
 * reuses a stale one.
 */
export function migratedSnapshotPath(): string {
  const require = createRequire(import.meta.url);
  // The package does not export its package.json; it sits two levels above the entry (dist/index.*).
  const packageJson = join(
    dirname(dirname(require.resolve('@electric-sql/pglite'))),
    'package.json',
  );
  const pgliteVersion = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string })
    .version;
  const hash = createHash('sha256').update(pgliteVersion);
  for (const migration of readMigrations(migrationsDirIn(defaultPrismaDir()))
    .migrationDirectories) {
    hash.update(migration.path);
    if (migration.migrationFile.content.tag === 'ok')
      hash.update(migration.migrationFile.content.value);
  }
  return join(tmpdir(), `loupe-pglite-migrated-${hash.digest('hex').slice(0, 16)}.tar`);
}

export function readSnapshot(path: string): Blob | undefined {
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}

/** Written to a temporary name and renamed, so parallel test files never read half a snapshot. */
export async function writeSnapshot(path: string, snapshot: Blob): Promise<void> {
  const temporary = `${path}.${randomUUID()}.part`;
  writeFileSync(temporary, new Uint8Array(await snapshot.arrayBuffer()));
  renameSync(temporary, path);
}
