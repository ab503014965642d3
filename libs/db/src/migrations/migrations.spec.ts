import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DbError } from '../errors/db-error';
import { createTestDatabaseOn, testDatabaseKinds } from '../testing/create-test-database';
import { applyMigrations } from './apply-migrations';
import { createMigration } from './create-migration';
import { diffDatabaseToSchema } from './diff-database-to-schema';
import { diffMigrationsToSchema } from './diff-migrations-to-schema';
import { defaultPrismaDir } from './migrations-paths';

const kinds = await testDatabaseKinds();
const scratch = mkdtempSync(join(tmpdir(), 'loupe-migrations-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('committed migrations', () => {
  it('replay to exactly schema.prisma (the diff is empty)', async () => {
    expect(await diffMigrationsToSchema()).toBe('');
  });

  it.each(kinds)(
    'leave a %s database identical to schema.prisma, and re-applying is a no-op',
    async (kind) => {
      const test = await createTestDatabaseOn(kind);
      try {
        expect(await diffDatabaseToSchema(test.url)).toBe('');
        expect(await applyMigrations(test.url)).toEqual([]);
        const recorded = await test.db.$queryRaw<
          { migration_name: string }[]
        >`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL`;
        const committed = readdirSync(join(defaultPrismaDir(), 'migrations'), {
          withFileTypes: true,
        }).filter((entry) => entry.isDirectory());
        expect(recorded.map((row) => row.migration_name).sort()).toEqual(
          committed.map((entry) => entry.name).sort(),
        );
        // The comparison is real: drift shows up.
        await test.db.$executeRawUnsafe('ALTER TABLE "Task" DROP COLUMN "flagReason"');
        expect(await diffDatabaseToSchema(test.url)).toMatch(
          /ALTER TABLE "Task" ADD COLUMN\s+"flagReason" TEXT/,
        );
      } finally {
        await test.close();
      }
    },
  );
});

describe('createMigration', () => {
  it('writes the next migration from a schema change, then reports nothing to do', async () => {
    const prismaDir = join(scratch, 'prisma');
    cpSync(defaultPrismaDir(), prismaDir, { recursive: true });
    const schemaPath = join(prismaDir, 'schema.prisma');
    writeFileSync(
      schemaPath,
      readFileSync(schemaPath, 'utf8').replace(
        '  flagReason     String?',
        '  flagReason     String?\n  testOnlyNote   String?',
      ),
    );

    const created = await createMigration('add note', {
      prismaDir,
      now: new Date('2030-01-02T03:04:05Z'),
    });
    expect(created?.name).toBe('20300102030405_add_note');
    expect(created?.sql).toMatch(/ALTER TABLE "Task" ADD COLUMN\s+"testOnlyNote" TEXT/);
    expect(
      existsSync(join(prismaDir, 'migrations', '20300102030405_add_note', 'migration.sql')),
    ).toBe(true);
    expect(await createMigration('again', { prismaDir })).toBeNull();
  });

  it('fails with one clear line when the migrations folder is missing', async () => {
    const empty = join(scratch, 'empty-prisma');
    cpSync(join(defaultPrismaDir(), 'schema.prisma'), join(empty, 'schema.prisma'));
    const failure = applyMigrations('postgresql://postgres@127.0.0.1:1/none', { prismaDir: empty });
    await expect(failure).rejects.toBeInstanceOf(DbError);
    await expect(failure).rejects.toThrow(
      /No migrations folder at .*empty-prisma\/migrations; restore prisma\/migrations/,
    );
  });

  it('fails with one clear line when the database cannot be reached', async () => {
    await expect(applyMigrations('postgresql://postgres@127.0.0.1:1/none')).rejects.toThrow(
      /^Cannot reach the database at postgresql:\/\/postgres@127\.0\.0\.1:1\/none \(ECONNREFUSED\); start that Postgres server or fix DATABASE_URL/,
    );
  });
});
