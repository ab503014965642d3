/**
 * The database a trainer spec runs on: Postgres when one answers (TEST_DATABASE_URL, or the local
 * server; a fresh database per spec file, created in well under a second), else the embedded
 * PGlite (slower to start, same code path).
 */
import { createTestDatabaseOn, testDatabaseKinds, type TestDatabase } from '@loupe/db/testing';

export async function createSpecDatabase(
  options: { poolSize?: number } = {},
): Promise<TestDatabase> {
  const kinds = await testDatabaseKinds();
  return createTestDatabaseOn(kinds.includes('postgres') ? 'postgres' : 'embedded', options);
}
