/**
 * Every tRPC procedure, called as every kind of caller: anonymous, a stranger (member of another
 * project only), annotator, reviewer, project admin and a site admin who is not a member. The
 * table must name every procedure of the router, so a new procedure without a rule fails here.
 */
import type { TrainingJobKind } from '@loupe/contracts';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebTestContext,
  type TestUserKey,
  type WebTestContext,
} from '../testing/web-test-context';
import { appRouter } from './root';
import type { Access } from './trpc';

type InputFor = (ctx: WebTestContext) => unknown;

const project = (ctx: WebTestContext) => ({ projectId: ctx.projectId });
const missingTask = (ctx: WebTestContext) => ({ projectId: ctx.projectId, taskId: 'no-such-task' });

/** The access rule and a harmless input for every procedure. */
const RULES: Record<string, { access: Access; input?: InputFor }> = {
  'auth.me': { access: 'public' },
  'auth.signIn': {
    access: 'public',
    input: () => ({ email: 'nobody@test.local', password: 'wrong-password' }),
  },
  'auth.signOut': { access: 'user' },
  'projects.list': { access: 'user' },
  'projects.create': {
    access: 'siteAdmin',
    input: () => ({ name: `Access test ${Math.random()}` }),
  },
  'projects.get': { access: 'ANNOTATOR', input: project },
  'projects.members': { access: 'ADMIN', input: project },
  'projects.addMember': {
    access: 'ADMIN',
    input: (ctx) => ({
      projectId: ctx.projectId,
      email: 'no-such-user@test.local',
      role: 'ANNOTATOR',
    }),
  },
  'projects.trainingPolicy': { access: 'ADMIN', input: project },
  'projects.updateTrainingPolicy': {
    access: 'ADMIN',
    input: (ctx) => ({ projectId: ctx.projectId, policy: { leaseSeconds: 900 } }),
  },
  'projects.updateTags': { access: 'ADMIN', input: (ctx) => ({ ...project(ctx), tags: [] }) },
  'images.list': { access: 'ANNOTATOR', input: project },
  // PACS: a closed loopback port, so admin calls fail fast with a clear BAD_REQUEST.
  'pacs.connection': { access: 'ADMIN', input: project },
  'pacs.saveConnection': {
    access: 'ADMIN',
    input: (ctx) => ({
      projectId: ctx.projectId,
      connection: { baseUrl: 'http://127.0.0.1:9/dicom-web', timeoutMs: 1000 },
    }),
  },
  'pacs.testConnection': { access: 'ADMIN', input: project },
  'pacs.search': {
    access: 'ADMIN',
    input: (ctx) => ({ projectId: ctx.projectId, query: { level: 'studies' } }),
  },
  'pacs.importSeries': {
    access: 'ADMIN',
    input: (ctx) => ({
      projectId: ctx.projectId,
      series: [{ studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4' }],
    }),
  },
  'pacs.segTargets': { access: 'ADMIN', input: project },
  'pacs.sendSeg': {
    access: 'ADMIN',
    input: (ctx) => ({ projectId: ctx.projectId, target: { volumeId: 'no-such-volume' } }),
  },
  'queue.next': { access: 'ANNOTATOR', input: project },
  'queue.open': { access: 'ANNOTATOR', input: missingTask },
  'queue.renew': { access: 'ANNOTATOR', input: missingTask },
  'queue.release': { access: 'ANNOTATOR', input: missingTask },
  'tasks.get': { access: 'ANNOTATOR', input: missingTask },
  'tasks.submit': { access: 'ANNOTATOR', input: missingTask },
  'tasks.skip': { access: 'ANNOTATOR', input: missingTask },
  'tasks.flag': {
    access: 'ANNOTATOR',
    input: (ctx) => ({ ...missingTask(ctx), reason: 'blurry' }),
  },
  'annotations.save': {
    access: 'ANNOTATOR',
    input: (ctx) => ({ ...missingTask(ctx), objectId: 'obj1', finalRle: 'TAEBAQE=' }),
  },
  'annotations.remove': {
    access: 'ANNOTATOR',
    input: (ctx) => ({ ...missingTask(ctx), objectId: 'obj1' }),
  },
  'volumes.open': { access: 'ANNOTATOR', input: missingTask },
  'volumes.renew': {
    access: 'ANNOTATOR',
    input: (ctx) => ({ ...project(ctx), volumeId: 'no-such-volume' }),
  },
  'volumes.saveObject': {
    access: 'ANNOTATOR',
    input: (ctx) => ({
      ...project(ctx),
      volumeId: 'no-such-volume',
      objectId: 'obj1',
      slices: [{ sliceIndex: 0, finalRle: 'TAEBAQE=', origin: 'prompted' }],
    }),
  },
  'volumes.removeObject': {
    access: 'ANNOTATOR',
    input: (ctx) => ({ ...project(ctx), volumeId: 'no-such-volume', objectId: 'obj1' }),
  },
  'volumes.finish': {
    access: 'ANNOTATOR',
    input: (ctx) => ({ ...project(ctx), volumeId: 'no-such-volume', status: 'SKIPPED' }),
  },
  'events.record': { access: 'ANNOTATOR', input: (ctx) => ({ ...missingTask(ctx), events: [] }) },
  'models.active': { access: 'ANNOTATOR', input: project },
  'weakLabels.applyTags': {
    access: 'ANNOTATOR',
    input: (ctx) => ({ ...missingTask(ctx), tags: ['present'] }),
  },
  'weakLabels.saveBoxes': {
    access: 'ANNOTATOR',
    input: (ctx) => ({ ...missingTask(ctx), boxes: [{ x0: 1, y0: 1, x1: 5, y1: 5 }] }),
  },
  'review.queue': { access: 'REVIEWER', input: project },
  'review.task': { access: 'REVIEWER', input: missingTask },
  'review.decide': {
    access: 'REVIEWER',
    input: (ctx) => ({ ...missingTask(ctx), decision: 'APPROVED' }),
  },
  'dashboard.get': { access: 'ADMIN', input: project },
  'dashboard.startRound': {
    access: 'ADMIN',
    input: (ctx) => ({ projectId: ctx.projectId, kind: 'finetune' satisfies TrainingJobKind }),
  },
  'dashboard.promoteCandidate': {
    access: 'ADMIN',
    input: (ctx) => ({ projectId: ctx.projectId, modelVersionId: 'no-such-model' }),
  },
  'dashboard.rollback': {
    access: 'ADMIN',
    input: (ctx) => ({ projectId: ctx.projectId, version: 999 }),
  },
};

const CALLERS: (TestUserKey | null)[] = [
  null,
  'stranger',
  'annotator',
  'reviewer',
  'admin',
  'siteAdmin',
];

function allowed(access: Access, caller: TestUserKey | null): boolean {
  switch (access) {
    case 'public':
      return true;
    case 'user':
      return caller !== null;
    case 'siteAdmin':
      return caller === 'admin' || caller === 'siteAdmin';
    case 'ANNOTATOR':
      return caller === 'annotator' || caller === 'reviewer' || caller === 'admin';
    case 'REVIEWER':
      return caller === 'reviewer' || caller === 'admin';
    case 'ADMIN':
      return caller === 'admin';
  }
}

function procedurePaths(): string[] {
  return Object.keys(appRouter._def.procedures as Record<string, unknown>).sort();
}

describe('access control', () => {
  let ctx: WebTestContext;
  beforeAll(async () => {
    ctx = await createWebTestContext({ images: 1 });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('has a rule for every procedure, matching the procedure builder it uses', () => {
    const paths = procedurePaths();
    const missing = paths.filter((p) => !RULES[p]);
    expect(
      missing,
      `procedures without an access rule in this test: ${missing.join(', ')}`,
    ).toEqual([]);
    expect(Object.keys(RULES).filter((p) => !paths.includes(p))).toEqual([]);
    for (const path of paths) {
      const procedure = (
        appRouter._def.procedures as unknown as Record<
          string,
          { _def: { meta?: { access?: Access } } }
        >
      )[path]!;
      expect(procedure._def.meta?.access, `${path} access`).toBe(RULES[path]!.access);
    }
  });

  for (const path of procedurePaths()) {
    it(`${path}: refuses exactly the callers its rule excludes`, async () => {
      const rule = RULES[path]!;
      for (const who of CALLERS) {
        const target = path
          .split('.')
          .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], ctx.caller(who));
        let outcome = 'ok';
        try {
          await (target as (input: unknown) => Promise<unknown>)(rule.input?.(ctx));
        } catch (error) {
          outcome =
            error instanceof TRPCError ? error.code : `non-tRPC error: ${(error as Error).message}`;
        }
        const refused = outcome === 'UNAUTHORIZED' || outcome === 'FORBIDDEN';
        const expectRefused = !allowed(rule.access, who);
        // auth.signIn with a wrong password is UNAUTHORIZED for everyone; it is public nonetheless.
        if (path === 'auth.signIn') {
          expect(outcome, `${path} as ${who ?? 'anonymous'}`).toBe('UNAUTHORIZED');
          continue;
        }
        expect({ who: who ?? 'anonymous', refused, outcome }).toEqual({
          who: who ?? 'anonymous',
          refused: expectRefused,
          outcome: expect.any(String),
        });
        if (expectRefused) expect(outcome).toBe(who === null ? 'UNAUTHORIZED' : 'FORBIDDEN');
        else expect(outcome).not.toMatch(/^non-tRPC error|INTERNAL_SERVER_ERROR/);
      }
    });
  }
});
