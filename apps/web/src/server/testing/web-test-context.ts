/**
 * Test fixture for server specs: a real migrated database (local Postgres when it answers, else
 * the embedded one), blob stores in a temp folder, users for every role plus a stranger, a project
 * serving the starter model with a few ingested images, and tRPC callers acting as each of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore, ensureStarterModel, type Db } from '@loupe/db';
import {
  createTestDatabaseOn,
  testDatabaseKinds,
  type TestDatabase,
  type TestDatabaseKind,
} from '@loupe/db/testing';
import sharp from 'sharp';
import { env } from '../../env';
import { createCaller } from '../api/root';
import type { Stores } from '../blobs';
import type { SessionUser } from '../services/auth/get-session-user';
import { ingestImage } from '../services/images/ingest-image';
import type { ImageLimits } from '../services/images/decoded-image';
import { upsertUser } from '../services/users/create-user';

export const TEST_PASSWORD = 'correct horse battery';
export const TEST_LIMITS: ImageLimits = {
  maxBytes: 8 * 1024 * 1024,
  maxSide: 2048,
  maxPixels: 4_000_000,
  maxSlices: 64,
};

export const ROLES = [
  'admin',
  'reviewer',
  'annotator',
  'annotator2',
  'stranger',
  'siteAdmin',
] as const;
export type TestUserKey = (typeof ROLES)[number];

export interface WebTestContext {
  database: TestDatabase;
  db: Db;
  stores: Stores;
  users: Record<TestUserKey, SessionUser>;
  projectId: string;
  otherProjectId: string;
  imageIds: string[];
  taskIds: string[];
  /** tRPC caller acting as a user (null: anonymous), from a client address (default 192.0.2.1). */
  caller(as: TestUserKey | null, clientAddress?: string): ReturnType<typeof createCaller>;
  close(): Promise<void>;
}

/** A w x h 8-bit grey PNG with a bright disc (distinct per seed, so sha256s differ). */
export async function testPng(width: number, height: number, seed: number): Promise<Uint8Array> {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - width / 2 - seed, y - height / 2);
      pixels[y * width + x] = d < Math.min(width, height) / 5 ? 220 : (x * 7 + y * 3 + seed) % 60;
    }
  return new Uint8Array(
    await sharp(pixels, { raw: { width, height, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer(),
  );
}

/** `kind`: the database to run on (default: local Postgres when it answers, else embedded). */
export async function createWebTestContext(
  options: { images?: number; kind?: TestDatabaseKind } = {},
): Promise<WebTestContext> {
  const kind = options.kind ?? (await testDatabaseKinds())[0] ?? 'embedded';
  const database = await createTestDatabaseOn(kind, { poolSize: 8 });
  const db = database.db;
  const root = mkdtempSync(join(tmpdir(), 'loupe-web-test-'));
  const stores: Stores = {
    blobs: createBlobStore(join(root, 'blobs')),
    artifacts: createBlobStore(join(root, 'artifacts')),
  };

  const users = {} as Record<TestUserKey, SessionUser>;
  for (const key of ROLES) {
    const email = `${key.toLowerCase()}@test.local`;
    // Only one real argon2 hash (sign-in tests use the admin); the rest skip the cost.
    const created =
      key === 'admin'
        ? await upsertUser(db, { email, name: key, password: TEST_PASSWORD, isSiteAdmin: true })
        : await db.user.create({
            data: {
              email,
              name: key,
              passwordHash: 'not-a-hash',
              isSiteAdmin: key === 'siteAdmin',
            },
            select: { id: true, email: true },
          });
    users[key] = {
      id: created.id,
      email,
      name: key,
      isSiteAdmin: key === 'admin' || key === 'siteAdmin',
    };
  }
  const project = await db.project.create({
    data: { slug: 'test-project', name: 'Test project', objectLabel: 'leakage' },
    select: { id: true },
  });
  const other = await db.project.create({
    data: { slug: 'other-project', name: 'Other project' },
    select: { id: true },
  });
  const memberships: [TestUserKey, 'ADMIN' | 'REVIEWER' | 'ANNOTATOR'][] = [
    ['admin', 'ADMIN'],
    ['reviewer', 'REVIEWER'],
    ['annotator', 'ANNOTATOR'],
    ['annotator2', 'ANNOTATOR'],
  ];
  await db.membership.createMany({
    data: memberships.map(([key, role]) => ({
      userId: users[key].id,
      projectId: project.id,
      role,
    })),
  });
  // The stranger belongs to another project: membership elsewhere must not open this one.
  await db.membership.create({
    data: { userId: users.stranger.id, projectId: other.id, role: 'ADMIN' },
  });
  await ensureStarterModel(db, stores.artifacts, project.id, env.starterModelDir);
  await ensureStarterModel(db, stores.artifacts, other.id, env.starterModelDir);

  const imageIds: string[] = [];
  const taskIds: string[] = [];
  for (let i = 0; i < (options.images ?? 3); i++) {
    const result = await ingestImage(
      { db, blobs: stores.blobs },
      {
        projectId: project.id,
        fileName: `img-${i}.png`,
        bytes: await testPng(64, 48, i),
        priority: 10 - i,
      },
      TEST_LIMITS,
    );
    imageIds.push(result.images[0]!.id);
    taskIds.push(result.images[0]!.taskId);
  }

  return {
    database,
    db,
    stores,
    users,
    projectId: project.id,
    otherProjectId: other.id,
    imageIds,
    taskIds,
    caller: (as, clientAddress = '192.0.2.1') =>
      createCaller({
        db,
        stores,
        user: as ? users[as] : null,
        sessionToken: null,
        clientAddress,
        setCookie: () => undefined,
      }),
    async close() {
      await database.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
