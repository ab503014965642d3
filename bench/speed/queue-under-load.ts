/**
 * "Next image" under load (issue 18): the latency of `queue.next` as one annotator feels it, alone
 * and while 50 signed-in annotators work at once, each as the annotate page does: lease the next
 * task, show its image (fetched, unless it was prefetched), lease the task after it ahead and
 * prefetch that image and its thumbnail, think 2-8 s (the save benchmark's think time), save one
 * mask, submit, repeat. The queue holds `queueSize` more tasks than the annotators reach, so a lease walks a big
 * queue. The server is the real web app (production build, `next start`, its own process); its
 * resident memory is sampled throughout. Real Postgres or the embedded database (PGlite in its
 * own process).
 *
 * `measureLeaseStatement` times the lease statement itself in-process at two queue sizes, the
 * current one beside the one it replaced (a full sort of every leasable task), to show that its
 * cost does not grow with the queue.
 */
import { leaseNextTask, Prisma, releaseLease, type Db } from '@loupe/db';
import { createTestDatabaseOn } from '@loupe/db/testing';
import { createMask, encodeMaskBytes } from '@loupe/prompts';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { percentileInterval, summarize } from '../lib/percentiles';
import { countCpu } from '../lib/process-cpu';
import { sampleRss } from '../lib/process-rss';
import { THINK_TIME_MS } from './api-concurrency';
import { withBenchDatabase, withSeededWebApp } from './bench-web-app';
import { seedAnnotators } from './seed-annotators';
import { signInEach, type TrpcSession } from './trpc-http';
import type { RunningWebApp } from './web-app';

const PASSWORD = 'bench-password-123';

const round1 = (value: number) => Math.round(value * 10) / 10;
/**
 * p50/p95/p99 with the sample count, and a 95% distribution-free interval for the p99 (exact
 * binomial order statistics; high null: too few samples to bound the p99 from above).
 */
const figures = (values: number[]) => {
  const s = summarize(values);
  const interval = percentileInterval(values, 99);
  return {
    p50: round1(s.p50),
    p95: round1(s.p95),
    p99: round1(s.p99),
    n: s.n,
    p99Interval95: {
      low: round1(interval.low),
      high: interval.high === null ? null : round1(interval.high),
    },
  };
};

interface TaskView {
  id: string;
  revision: number;
  image: { id: string; width: number; height: number };
}

/** `count` more tasks in the project, each on its own Image row sharing one ingested image's files. */
export async function addQueue(
  db: Db,
  projectId: string,
  count: number,
  prefix: string,
): Promise<void> {
  if (count <= 0) return;
  await db.$executeRaw`
    INSERT INTO "Image" (id, "projectId", "fileName", "mimeType", width, height, channels, "bitDepth",
      "storageKey", "pixelsKey", "thumbnailKey", "sizeBytes", sha256)
    SELECT ${prefix} || g, src."projectId", 'queued-' || g || '.png', src."mimeType", src.width, src.height,
      src.channels, src."bitDepth", src."storageKey", src."pixelsKey", src."thumbnailKey", src."sizeBytes",
      md5(${prefix} || g)
    FROM generate_series(1, ${count}::int) AS g,
      (SELECT * FROM "Image" WHERE "projectId" = ${projectId} ORDER BY "createdAt" LIMIT 1) AS src`;
  // Spread priorities, many equal (as scoring leaves them), so ties are walked too.
  await db.$executeRaw`
    INSERT INTO "Task" (id, "projectId", "imageId", status, priority, "updatedAt")
    SELECT ${prefix} || 'task-' || g, ${projectId}, ${prefix} || g, 'UNLABELED'::"TaskStatus",
      CASE WHEN g % 3 = 0 THEN 0 ELSE ((g * 7919) % 1000) / 1000.0 END, now()
    FROM generate_series(1, ${count}::int) AS g`;
}

/** A lesion-like disc as libs/prompts mask bytes, base64 (what the annotate page sends). */
function maskBase64(width: number, height: number, seed: number): string {
  const mask = createMask(width, height);
  const cx = width / 2 + (seed % 7) - 3;
  const cy = height / 2 - (seed % 5) + 2;
  const r = Math.min(width, height) / 6;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) mask.data[y * width + x] = 1;
  return Buffer.from(encodeMaskBytes(mask)).toString('base64');
}

interface AnnotatorTimings {
  nextMs: number[];
  /** The server's own time for each queue.next in nextMs (Server-Timing handler; NaN: none sent). */
  nextServerMs: number[];
  leaseAheadMs: number[];
  imageFetchMs: number[];
  /** queue.next returned the task leased ahead, whose image was already fetched. */
  prefetchHits: number;
  tasks: string[];
  failures: string[];
}

/**
 * One annotator's loop, as the annotate page drives the server (lease-ahead included): think
 * (annotating the image on screen; before the first lease, arriving at work, so 50 people do not
 * all click at the same instant), save and submit it, then "next image".
 */
async function annotate(
  session: TrpcSession,
  projectId: string,
  rounds: number,
  thinkMs: (k: number) => number,
  out: AnnotatorTimings,
): Promise<void> {
  let ahead = null as { taskId: string; image: Promise<ArrayBuffer> } | null;
  let current = null as TaskView | null;
  const finish = async (view: TaskView, k: number) => {
    const saved = await session.mutation<{ revision: number }>('annotations.save', {
      projectId,
      taskId: view.id,
      objectId: 'obj-1',
      expectedRevision: view.revision,
      finalRle: maskBase64(view.image.width, view.image.height, k),
      clicks: 1,
      brushStrokes: 0,
      activeSeconds: 10,
    });
    await session.mutation('tasks.submit', {
      projectId,
      taskId: view.id,
      expectedRevision: saved.revision,
    });
  };
  for (let k = 0; k < rounds; k++) {
    try {
      await new Promise((resolve) => setTimeout(resolve, thinkMs(k)));
      if (current) await finish(current, k);
      current = null;
      let t0 = performance.now();
      const { data: view, serverMs } = await session.timedMutation<TaskView | null>('queue.next', {
        projectId,
      });
      out.nextMs.push(performance.now() - t0);
      out.nextServerMs.push(serverMs ?? Number.NaN);
      if (!view) return;
      out.tasks.push(view.id);
      current = view;
      if (ahead?.taskId === view.id) {
        await ahead.image;
        out.prefetchHits++;
      } else {
        t0 = performance.now();
        await (await session.get(`/api/images/${view.image.id}/raw`)).arrayBuffer();
        out.imageFetchMs.push(performance.now() - t0);
      }
      t0 = performance.now();
      const next: TaskView | null = await session.mutation<TaskView | null>('queue.next', {
        projectId,
        excludeTaskId: view.id,
      });
      out.leaseAheadMs.push(performance.now() - t0);
      // As use-task-session prefetches: the pixels and the thumbnail of the task leased ahead.
      ahead = next
        ? {
            taskId: next.id,
            image: Promise.all([
              session.get(`/api/images/${next.image.id}/raw`).then((r) => r.arrayBuffer()),
              session.get(`/api/images/${next.image.id}/thumbnail`).then((r) => r.arrayBuffer()),
            ]).then(([pixels]) => pixels),
          }
        : null;
    } catch (error) {
      if (out.failures.length < 3)
        out.failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  try {
    if (current) await finish(current, rounds);
  } catch (error) {
    if (out.failures.length < 3)
      out.failures.push(error instanceof Error ? error.message : String(error));
  }
}

function perCycle(
  cpuMs: { server: number | null; postgres: number | null; bench: number },
  cycles: number,
) {
  const per = (ms: number | null) => (ms === null || cycles === 0 ? null : round1(ms / cycles));
  return {
    cycles,
    server: per(cpuMs.server),
    postgres: per(cpuMs.postgres),
    bench: per(cpuMs.bench) ?? 0,
  };
}

const emptyTimings = (): AnnotatorTimings => ({
  nextMs: [],
  nextServerMs: [],
  leaseAheadMs: [],
  imageFetchMs: [],
  prefetchHits: 0,
  tasks: [],
  failures: [],
});

export interface QueueLoadResult {
  annotators: number;
  rounds: number;
  queueSize: number;
  thinkTimeMs: [number, number];
  /** One annotator alone, no think time. */
  alone: { next: ReturnType<typeof figures> };
  /** queue.next as each of the 50 working annotators felt it (the headline). */
  next: ReturnType<typeof figures>;
  leaseAhead: ReturnType<typeof figures>;
  /** Every queue.next call of the 50 (next and lease-ahead together): twice the samples. */
  nextAndLeaseAhead: ReturnType<typeof figures>;
  /**
   * Where the tail is: the server's own time for each queue.next of `next` (context, procedure:
   * session, role, lease, view), the rest (client minus server: queued in the server before the
   * handler ran, HTTP, the bench's own event loop), and the slowest 1% (at least 3) one by one.
   */
  nextServer: ReturnType<typeof figures>;
  nextOutsideHandler: ReturnType<typeof figures>;
  nextSlowest: Array<{ clientMs: number; serverMs: number | null }>;
  /**
   * CPU time per annotator cycle (next, image or prefetch, lease-ahead, save, submit) during the
   * 50-annotator phase, by process: the web server's tree, the Postgres backends serving it
   * (null on the embedded database), the bench itself. Unlike latency it does not depend on how
   * busy the machine is: it says what the 2 cores must serve per cycle.
   */
  cpuMsPerCycle: {
    cycles: number;
    server: number | null;
    postgres: number | null;
    bench: number;
  };
  /** The bench process's own event-loop delay meanwhile (it times every request). */
  benchEventLoopDelayMs: { p99: number; max: number };
  /** Image fetches the prefetch did not cover (the first task of each annotator). */
  imageFetch: ReturnType<typeof figures>;
  prefetchHitShare: number;
  /** Tasks served during the run, and how many were served to two annotators (must be 0). */
  tasksServed: number;
  tasksServedTwice: number;
  failures: string[];
  /** The web server's resident memory (process tree) during the 50-annotator phase. */
  serverRssMiB: { peakMiB: number; meanMiB: number; samples: number } | null;
  server: string;
}

async function runLoad(
  app: RunningWebApp,
  projectId: string,
  users: Array<{ email: string }>,
  rounds: number,
  queueSize: number,
  backendPids: (() => Promise<number[]>) | null,
  aloneCycles: number,
): Promise<Omit<QueueLoadResult, 'server'>> {
  const sessions = await signInEach(app.url, users, PASSWORD);
  // Alone: the first annotator, no think time, nobody else working.
  const alone = emptyTimings();
  await annotate(sessions[0] as TrpcSession, projectId, aloneCycles, () => 0, alone);
  // Everyone at once, with think time; memory sampled meanwhile.
  const all = sessions.map(() => emptyTimings());
  const rss = sampleRss(app.pid);
  const benchLoop = monitorEventLoopDelay({ resolution: 10 });
  benchLoop.enable();
  // The web app's pool is open (the alone phase used it): its backends serve the load phase.
  const serverCpu = countCpu(app.pid === undefined ? [] : [app.pid], { trees: true });
  const postgresCpu = backendPids ? countCpu(await backendPids()) : null;
  const benchCpuStart = process.cpuUsage();
  const [minThink, maxThink] = THINK_TIME_MS;
  await Promise.all(
    sessions.map((session, a) =>
      annotate(
        session,
        projectId,
        rounds,
        (k) => minThink + ((a * 7919 + k * 104729) % (maxThink - minThink)),
        all[a] as AnnotatorTimings,
      ),
    ),
  );
  benchLoop.disable();
  const benchCpu = process.cpuUsage(benchCpuStart);
  const cpuMs = {
    server: serverCpu.stop(),
    postgres: postgresCpu?.stop() ?? null,
    bench: Math.round((benchCpu.user + benchCpu.system) / 1000),
  };
  const serverRssMiB = rss.stop();
  const merged = all.reduce((acc, t) => ({
    nextMs: [...acc.nextMs, ...t.nextMs],
    nextServerMs: [...acc.nextServerMs, ...t.nextServerMs],
    leaseAheadMs: [...acc.leaseAheadMs, ...t.leaseAheadMs],
    imageFetchMs: [...acc.imageFetchMs, ...t.imageFetchMs],
    prefetchHits: acc.prefetchHits + t.prefetchHits,
    tasks: [...acc.tasks, ...t.tasks],
    failures: [...acc.failures, ...t.failures].slice(0, 5),
  }));
  if (merged.nextMs.length === 0)
    throw new Error(`no lease succeeded: ${merged.failures.join(' | ')}`);
  const served = [...alone.tasks, ...merged.tasks];
  const paired = merged.nextMs.map((clientMs, i) => ({
    clientMs,
    serverMs: merged.nextServerMs[i] ?? Number.NaN,
  }));
  const timed = paired.filter((p) => Number.isFinite(p.serverMs));
  const slowest = [...paired]
    .sort((a, b) => b.clientMs - a.clientMs)
    .slice(0, Math.max(3, Math.ceil(paired.length / 100)));
  return {
    annotators: sessions.length,
    rounds,
    queueSize,
    thinkTimeMs: THINK_TIME_MS,
    alone: { next: figures(alone.nextMs) },
    next: figures(merged.nextMs),
    leaseAhead: figures(merged.leaseAheadMs),
    nextAndLeaseAhead: figures([...merged.nextMs, ...merged.leaseAheadMs]),
    nextServer: figures(timed.map((p) => p.serverMs)),
    nextOutsideHandler: figures(timed.map((p) => p.clientMs - p.serverMs)),
    nextSlowest: slowest.map((p) => ({
      clientMs: round1(p.clientMs),
      serverMs: Number.isFinite(p.serverMs) ? round1(p.serverMs) : null,
    })),
    cpuMsPerCycle: perCycle(cpuMs, merged.tasks.length),
    benchEventLoopDelayMs: {
      p99: round1(benchLoop.percentile(99) / 1e6),
      max: round1(benchLoop.max / 1e6),
    },
    imageFetch: figures(merged.imageFetchMs),
    prefetchHitShare: round1((100 * merged.prefetchHits) / Math.max(1, merged.tasks.length)) / 100,
    tasksServed: served.length,
    tasksServedTwice: served.length - new Set(served).size,
    failures: [...alone.failures, ...merged.failures].slice(0, 5),
    serverRssMiB,
  };
}

function withServer(
  databaseUrl: string,
  embedded: boolean,
  options: QueueLoadOptions,
): Promise<Omit<QueueLoadResult, 'server'>> {
  return withSeededWebApp({
    databaseUrl,
    embedded,
    tmpPrefix: 'loupe-bench-queue-',
    seed: async ({ db, blobs }) => {
      const seeded = await seedAnnotators({
        db,
        blobs,
        annotators: options.annotators,
        password: PASSWORD,
      });
      await addQueue(db, seeded.projectId, options.queueSize, 'queue-');
      await db.$executeRawUnsafe('ANALYZE');
      // The database backends serving the web app, for their CPU time (real Postgres only: the
      // embedded database is one process of its own).
      const backendPids = embedded
        ? null
        : async () =>
            (
              await db.$queryRaw<{ pid: number }[]>`
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()`
            ).map((row) => Number(row.pid));
      return { ...seeded, backendPids };
    },
    run: (seeded, server) =>
      runLoad(
        server,
        seeded.projectId,
        seeded.users,
        options.rounds,
        options.queueSize,
        seeded.backendPids,
        options.aloneCycles ?? 6,
      ),
  });
}

export interface QueueLoadOptions {
  annotators: number;
  rounds: number;
  queueSize: number;
  /** Cycles of the one annotator alone (default 6); 367 or more bound its p99 from above. */
  aloneCycles?: number;
}

export async function measureQueueUnderLoad(
  options: QueueLoadOptions & { database: 'postgres' | 'embedded' },
): Promise<QueueLoadResult> {
  return withBenchDatabase(options.database, (databaseUrl, embedded) =>
    withServer(databaseUrl, embedded, options),
  );
}

/**
 * The statement this one replaced (before issue 18): every leasable task of the project sorted
 * on each call. Kept here only to measure it beside the current one.
 */
async function legacyLeaseNext(db: Db, projectId: string, userId: string): Promise<string | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH candidate AS (
      SELECT c."id"
      FROM "Task" AS c
      WHERE c."projectId" = ${projectId}
        AND (
          c."status" IN ('UNLABELED', 'SENT_BACK')
          OR (c."status" = 'IN_PROGRESS'
              AND (c."leaseHolderId" IS NULL OR c."leaseHolderId" = ${userId} OR c."leaseExpiresAt" <= now()))
        )
      ORDER BY (c."status" = 'IN_PROGRESS' AND c."leaseHolderId" = ${userId} AND c."leaseExpiresAt" > now()) DESC,
               c."priority" DESC, c."createdAt" ASC, c."id" ASC
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "Task" AS t
    SET "status" = 'IN_PROGRESS', "leaseHolderId" = ${userId},
        "leaseExpiresAt" = now() + interval '60 seconds', "updatedAt" = now()
    FROM candidate WHERE t."id" = candidate."id"
    RETURNING t."id"`;
  return rows[0]?.id ?? null;
}

/**
 * The lease statement alone, in-process, at each queue size: lease then release (so the queue
 * stays the same size), `runs` times, the current statement and the one it replaced alternately.
 */
export async function measureLeaseStatement(options: {
  database: 'postgres' | 'embedded';
  queueSizes: number[];
  runs: number;
}): Promise<
  Record<string, { current: ReturnType<typeof figures>; before: ReturnType<typeof figures> }>
> {
  const database = await createTestDatabaseOn(options.database, { poolSize: 2 });
  try {
    const { db } = database;
    const user = await db.user.create({
      data: { email: 'lease-bench@loupe.local', name: 'Lease bench', passwordHash: 'x' },
      select: { id: true },
    });
    const result: Record<
      string,
      { current: ReturnType<typeof figures>; before: ReturnType<typeof figures> }
    > = {};
    for (const size of options.queueSizes) {
      const project = await db.project.create({
        data: { slug: `lease-bench-${size}`, name: `Lease bench ${size}` },
        select: { id: true },
      });
      await db.$executeRaw`
        INSERT INTO "Image" (id, "projectId", "fileName", "mimeType", width, height, channels, "bitDepth",
          "storageKey", "pixelsKey", "thumbnailKey", "sizeBytes", sha256)
        SELECT ${project.id} || '-img-' || g, ${project.id}, 'i' || g || '.png', 'image/png', 64, 64, 1, 8,
          'k', 'k', 'k', 10, md5(${project.id} || g)
        FROM generate_series(1, ${size}::int) AS g`;
      // A tenth already submitted (with high priorities, as served tasks keep theirs).
      await db.$executeRaw`
        INSERT INTO "Task" (id, "projectId", "imageId", status, priority, "updatedAt")
        SELECT ${project.id} || '-task-' || g, ${project.id}, ${project.id} || '-img-' || g,
          (CASE WHEN g % 10 = 0 THEN 'SUBMITTED' ELSE 'UNLABELED' END)::"TaskStatus",
          CASE WHEN g % 10 = 0 THEN 2 WHEN g % 3 = 0 THEN 0 ELSE ((g * 7919) % 1000) / 1000.0 END, now()
        FROM generate_series(1, ${size}::int) AS g`;
      await db.$executeRaw(Prisma.sql`ANALYZE "Task"`);
      const current: number[] = [];
      const before: number[] = [];
      for (let i = 0; i < options.runs + 2; i++) {
        let t0 = performance.now();
        const leased = await leaseNextTask(db, {
          projectId: project.id,
          userId: user.id,
          leaseSeconds: 60,
        });
        if (i >= 2) current.push(performance.now() - t0);
        if (leased) await releaseLease(db, { taskId: leased.id, userId: user.id });
        t0 = performance.now();
        const legacy = await legacyLeaseNext(db, project.id, user.id);
        if (i >= 2) before.push(performance.now() - t0);
        if (legacy) await releaseLease(db, { taskId: legacy, userId: user.id });
      }
      result[`queue${size}`] = { current: figures(current), before: figures(before) };
    }
    return result;
  } finally {
    await database.close();
  }
}
