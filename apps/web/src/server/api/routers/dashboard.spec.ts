/**
 * The dashboard is admin-only: every procedure of the dashboard router and the CSV route refuse
 * signed-out callers, non-members and members below ADMIN, on a real migrated database. Admins get
 * the data, and the training controls act through libs/db.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobStore, type Db } from '@loupe/db';
import { createTestDatabase, type TestDatabase } from '@loupe/db/testing';
import { GET as getDashboardCsv } from '../../../app/api/projects/[projectId]/dashboard.csv/route';
import { createSessionToken, hashSessionToken, SESSION_COOKIE } from '../../auth/session-token';
import type { SessionUser } from '../../services/auth/get-session-user';
import { SMALL, seedDashboardSmall } from '../../services/dashboard/testing/seed-dashboard-small';
import type { Context } from '../context';
import { dashboardRouter } from './dashboard';
import { createCallerFactory } from '../trpc';

let testDb: TestDatabase;
let storeDir: string;
const createCaller = createCallerFactory(dashboardRouter);
const tokens = new Map<string, string>();

const users: Record<'admin' | 'reviewer' | 'annotator' | 'outsider' | 'siteAdmin', SessionUser> = {
  admin: { id: SMALL.admin, email: 'admin@dash.test', name: 'Ada Admin', isSiteAdmin: false },
  reviewer: {
    id: SMALL.reviewer,
    email: 'rev@dash.test',
    name: 'Rita Reviewer',
    isSiteAdmin: false,
  },
  annotator: { id: SMALL.ann, email: 'ann@dash.test', name: 'Ann', isSiteAdmin: false },
  outsider: {
    id: 'dash-outsider',
    email: 'out@dash.test',
    name: 'Otto Outsider',
    isSiteAdmin: false,
  },
  // Site admins may create projects but get no project rights without a membership.
  siteAdmin: {
    id: 'dash-site-admin',
    email: 'site@dash.test',
    name: 'Sid Site',
    isSiteAdmin: true,
  },
};

function caller(user: SessionUser | null) {
  const ctx: Context = {
    db: testDb.db,
    stores: {
      blobs: createBlobStore(join(storeDir, 'blobs')),
      artifacts: createBlobStore(join(storeDir, 'artifacts')),
    },
    user,
    sessionToken: null,
    clientAddress: '192.0.2.1',
    setCookie: () => undefined,
  };
  return createCaller(ctx);
}

/** Calls every dashboard procedure with valid input. Keep in step with the router (checked below). */
const PROCEDURES: Record<
  string,
  (c: ReturnType<typeof caller>, projectId: string) => Promise<unknown>
> = {
  get: (c, projectId) => c.get({ projectId }),
  startRound: (c, projectId) => c.startRound({ projectId, kind: 'finetune' }),
  promoteCandidate: (c, projectId) => c.promoteCandidate({ projectId, modelVersionId: SMALL.v3 }),
  rollback: (c, projectId) => c.rollback({ projectId, version: 1 }),
};

async function trpcCode(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

async function csv(
  user: keyof typeof users | null,
  query: string,
  projectId: string = SMALL.projectId,
): Promise<Response> {
  const headers = new Headers();
  if (user) headers.set('cookie', `${SESSION_COOKIE}=${tokens.get(users[user].id)}`);
  const req = new Request(`http://localhost/api/projects/${projectId}/dashboard.csv${query}`, {
    headers,
  });
  return getDashboardCsv(req, { params: Promise.resolve({ projectId }) });
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  storeDir = await mkdtemp(join(tmpdir(), 'loupe-dashboard-spec-'));
  const db: Db = testDb.db;
  await seedDashboardSmall(db);
  await db.user.createMany({
    data: [
      {
        id: users.outsider.id,
        email: users.outsider.email,
        name: users.outsider.name,
        passwordHash: 'x',
      },
      {
        id: users.siteAdmin.id,
        email: users.siteAdmin.email,
        name: users.siteAdmin.name,
        passwordHash: 'x',
        isSiteAdmin: true,
      },
    ],
  });
  for (const user of Object.values(users)) {
    const token = createSessionToken();
    tokens.set(user.id, token);
    await db.session.create({
      data: {
        tokenHash: hashSessionToken(token),
        userId: user.id,
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
  }
  // The CSV route uses the app's process-wide client (server/db.ts); point it at this database.
  (globalThis as unknown as { loupeDb?: Db }).loupeDb = db;
});

afterAll(async () => {
  delete (globalThis as unknown as { loupeDb?: Db }).loupeDb;
  await testDb?.close();
  if (storeDir) await rm(storeDir, { recursive: true, force: true });
});

describe('dashboard access', () => {
  it('tests every procedure of the router', () => {
    expect(Object.keys(dashboardRouter._def.procedures).sort()).toEqual(
      Object.keys(PROCEDURES).sort(),
    );
  });

  it.each(Object.keys(PROCEDURES))('%s refuses everyone but project admins', async (name) => {
    const call = PROCEDURES[name]!;
    expect(await trpcCode(call(caller(null), SMALL.projectId))).toBe('UNAUTHORIZED');
    for (const who of ['reviewer', 'annotator', 'outsider', 'siteAdmin'] as const) {
      expect(await trpcCode(call(caller(users[who]), SMALL.projectId)), who).toBe('FORBIDDEN');
    }
    // An admin of one project has no rights in another.
    expect(await trpcCode(call(caller(users.admin), SMALL.otherProjectId))).toBe('FORBIDDEN');
    // Nothing was changed by the refused calls.
    expect(await testDb.db.job.count()).toBe(0);
    expect(
      (await testDb.db.project.findUniqueOrThrow({ where: { id: SMALL.projectId } }))
        .activeModelVersionId,
    ).toBe(SMALL.v2);
  });

  it('the CSV route refuses everyone but project admins', async () => {
    expect((await csv(null, '?table=annotators')).status).toBe(401);
    for (const who of ['reviewer', 'annotator', 'outsider', 'siteAdmin'] as const) {
      expect((await csv(who, '?table=annotators')).status, who).toBe(403);
    }
    expect((await csv('admin', '?table=annotators', SMALL.otherProjectId)).status).toBe(403);
  });
});

describe('dashboard for admins', () => {
  it('serves the dashboard data', async () => {
    const data = await caller(users.admin).get({ projectId: SMALL.projectId, idleSeconds: 10 });
    expect(data.efficiency.total.masks).toBe(5);
    expect(data.efficiency.total.activeSeconds).toBeCloseTo(102, 9);
    expect(data.annotators.map((a) => a.name)).toEqual(['Ann', 'Bob']);
  });

  it('rejects out-of-range options', async () => {
    expect(
      await trpcCode(caller(users.admin).get({ projectId: SMALL.projectId, idleSeconds: 0 })),
    ).toBe('BAD_REQUEST');
  });

  it('serves each table as CSV', async () => {
    const response = await csv('admin', '?table=annotators');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${SMALL.projectId}-annotators.csv"`,
    );
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'user_id,name,email,masks,active_seconds,seconds_per_mask,prompts_per_mask,corrections_per_mask,accepted_without_edit_share,' +
        'mean_proposal_dice,mean_proposal_iou,masks_per_annotator_hour,edit_rate,reviews,approved,sent_back',
    );
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('dash-bob,Bob,bob@dash.test,2,64,32,0.5,1,0.5,1,1,112.5,0.5,1,1,0');

    const byVersion = (await (await csv('admin', '?table=efficiency-by-model-version')).text())
      .trimEnd()
      .split('\r\n');
    expect(byVersion.map((line) => line.split(',').slice(0, 3).join(','))).toEqual([
      'model_version,model_version_id,masks',
      ',,1',
      '1,dash-v1,2',
      '2,dash-v2,2',
    ]);
    const queue = await (await csv('admin', '?table=queue')).text();
    expect(queue).toContain('APPROVED,3\r\n');
    expect((await csv('admin', '?table=nope')).status).toBe(400);
    expect((await csv('admin', '')).status).toBe(400);
  });

  it('starts one round of each kind at a time', async () => {
    const admin = caller(users.admin);
    const { jobId } = await admin.startRound({ projectId: SMALL.projectId, kind: 'finetune' });
    const job = await testDb.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect([job.projectId, job.type, job.status, job.payload]).toEqual([
      SMALL.projectId,
      'finetune',
      'QUEUED',
      { trigger: 'manual', requestedById: SMALL.admin },
    ]);
    expect(await trpcCode(admin.startRound({ projectId: SMALL.projectId, kind: 'finetune' }))).toBe(
      'CONFLICT',
    );
    expect(await trpcCode(admin.startRound({ projectId: SMALL.projectId, kind: 'pretrain' }))).toBe(
      'OK',
    );
    expect(await testDb.db.job.count({ where: { projectId: SMALL.projectId } })).toBe(2);
  });

  it('promotes a candidate and rolls back', async () => {
    const admin = caller(users.admin);
    const status = async () =>
      (
        await testDb.db.modelVersion.findMany({
          where: { projectId: SMALL.projectId },
          orderBy: { version: 'asc' },
        })
      ).map((m) => m.status);
    // Only candidates of this project can be promoted.
    expect(
      await trpcCode(
        admin.promoteCandidate({ projectId: SMALL.projectId, modelVersionId: SMALL.v1 }),
      ),
    ).toBe('CONFLICT');
    expect(
      await trpcCode(
        admin.promoteCandidate({ projectId: SMALL.projectId, modelVersionId: 'dash-other-v1' }),
      ),
    ).toBe('NOT_FOUND');

    expect(
      await admin.promoteCandidate({ projectId: SMALL.projectId, modelVersionId: SMALL.v3 }),
    ).toEqual({
      modelVersionId: SMALL.v3,
      version: 3,
    });
    expect(await status()).toEqual(['RETIRED', 'RETIRED', 'ACTIVE']);

    expect(await admin.rollback({ projectId: SMALL.projectId, version: 2 })).toEqual({
      modelVersionId: SMALL.v2,
      version: 2,
    });
    expect(await status()).toEqual(['RETIRED', 'ACTIVE', 'RETIRED']);
    const project = await testDb.db.project.findUniqueOrThrow({ where: { id: SMALL.projectId } });
    expect(project.activeModelVersionId).toBe(SMALL.v2);

    expect(await trpcCode(admin.rollback({ projectId: SMALL.projectId, version: 2 }))).toBe(
      'CONFLICT',
    );
    expect(await trpcCode(admin.rollback({ projectId: SMALL.projectId, version: 99 }))).toBe(
      'NOT_FOUND',
    );
  });
});
