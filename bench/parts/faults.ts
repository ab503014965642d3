/**
 * Faults bench (issue #17, items 4 and 7): the hostile upload set (bench/faults/hostile-uploads.ts)
 * sent to the real web app (production build under `next start`, real Postgres) by an admin while
 * annotators keep saving masks. Measured: the annotators' save latency before and during the set
 * (p50/p99, the longest single request), the server's resident memory (baseline, peak, and after
 * the set once the decode threads have gone idle), and counts: bad inputs tried, refused (or, for
 * the lying trailer, stored) as a correct server does, saves acknowledged vs rows stored, uploads
 * acknowledged vs images stored (items lost: goal 0).
 *
 *   npm run bench:faults [-- --quick]
 */
import { createBlobStore, createDb, type Db } from '@loupe/db';
import { createTestDatabaseOn } from '@loupe/db/testing';
import { createMask, encodeMaskBytes } from '@loupe/prompts';
import { upsertUser } from '@loupe/web/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from '../run';
import { mountSmallDisk, runDiskFullCase, unmountSmallDisk } from '../faults/disk-full';
import { hostileUploads, type HostileUpload } from '../faults/hostile-uploads';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../faults/throwaway-postgres';
import { summarize } from '../lib/percentiles';
import { processTreePids, processTreeRssMiB, sampleRss } from '../lib/process-rss';
import { repoRoot } from '../lib/repo-root';
import { seedAnnotators } from '../speed/seed-annotators';
import { TrpcHttpError, TrpcSession } from '../speed/trpc-http';
import { startWebApp, type RunningWebApp } from '../speed/web-app';

const MiB = 1024 * 1024;
const PASSWORD = 'bench-password-123';
/** Targets (issue #17): other requests' p99, the longest stall, memory back near its baseline. */
export const FAULT_TARGETS = { p99Ms: 200, stallMs: 1000, rssBackMiB: 100 };

function sizes(options: BenchOptions) {
  if (options.quick)
    return {
      annotators: 3,
      bombMiB: 1024,
      honestSlices: 160,
      baselineSeconds: 5,
      settleS: 40,
      afterRestartSeconds: 5,
    };
  return {
    annotators: 6,
    bombMiB: 2048,
    honestSlices: 480,
    baselineSeconds: 10,
    settleS: 60,
    afterRestartSeconds: 10,
  };
}

/** The server's limits for the run: defaults, but a request cap a stream can pass in seconds. */
const SERVER_LIMITS = {
  LOUPE_UPLOAD_MAX_BYTES: 256 * MiB,
  LOUPE_UPLOAD_BATCH_MAX_BYTES: 320 * MiB,
  LOUPE_VOLUME_MAX_BYTES: 1024 * MiB,
};

function maskBase64(size: number, seed: number): string {
  const mask = createMask(size, size);
  const r = size / 6 + (seed % 5);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if ((x - size / 2) ** 2 + (y - size / 2 - (seed % 7)) ** 2 < r * r)
        mask.data[y * size + x] = 1;
  return Buffer.from(encodeMaskBytes(mask)).toString('base64');
}

interface SaveLoad {
  /** Save round trips (ms) of acknowledged saves. */
  timings: number[];
  /** Acknowledged saves, with when each was sent and answered (performance.now()). */
  acked: Array<{ taskId: string; objectId: string; sentAt: number; ackedAt: number }>;
  failed: number;
  /** The first few failures' messages and the first of each other kind, prefixed by the kind. */
  failures: string[];
  /** Failed attempts by kind: `http:<status>` or `network:<code>` (refused, reset, ...). */
  failureKinds: Record<string, number>;
  /** Save requests sent and not yet answered, right now. */
  inFlight: number;
}

/** What went wrong with a save, in a word the report can count. */
function failureKind(error: unknown): string {
  if (error instanceof TrpcHttpError) return `http:${error.status}`;
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  if (cause?.code) return `network:${cause.code}`;
  return error instanceof Error ? `error:${error.name}` : 'error:unknown';
}

/** Each annotator saves a new object every `pauseMs` until stopped. */
function startSaving(
  annotators: Array<{ session: TrpcSession; taskId: string }>,
  projectId: string,
  imageSize: number,
  prefix: string,
  pauseMs = 100,
): { stop(): Promise<SaveLoad>; inFlight(): number } {
  const load: SaveLoad = {
    timings: [],
    acked: [],
    failed: 0,
    failures: [],
    failureKinds: {},
    inFlight: 0,
  };
  let running = true;
  const loops = annotators.map(async ({ session, taskId }, a) => {
    for (let k = 0; running; k++) {
      const objectId = `${prefix}-${a}-${k}`;
      const t0 = performance.now();
      load.inFlight++;
      try {
        await session.mutation('annotations.save', {
          projectId,
          taskId,
          objectId,
          finalRle: maskBase64(imageSize, a * 101 + k),
          proposalRle: null,
          modelVersionId: null,
          clicks: 1,
          brushStrokes: 0,
          activeSeconds: 3,
        });
        const ackedAt = performance.now();
        load.timings.push(ackedAt - t0);
        load.acked.push({ taskId, objectId, sentAt: t0, ackedAt });
      } catch (error) {
        load.failed++;
        const kind = failureKind(error);
        load.failureKinds[kind] = (load.failureKinds[kind] ?? 0) + 1;
        // The first few messages, plus the first of every other kind (a rare 500 among 503s).
        if (load.failures.length < 3 || load.failureKinds[kind] === 1)
          load.failures.push(
            `${kind}: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`,
          );
      } finally {
        load.inFlight--;
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  });
  return {
    inFlight: () => load.inFlight,
    async stop() {
      running = false;
      await Promise.all(loops);
      return load;
    },
  };
}

interface UploadOutcome {
  name: string;
  what: string;
  bad: boolean;
  status: number;
  code: string | null;
  expectedStatus: number;
  expectedCode: string | null;
  correct: boolean;
  ms: number;
  /** Images the server acknowledged creating. */
  imagesAcked: number;
  message: string;
}

/** A multipart body of `totalBytes` streamed in 1 MiB chunks, with no Content-Length. */
function chunkedMultipart(totalBytes: number): {
  stream: ReadableStream<Uint8Array>;
  type: string;
} {
  const boundary = 'loupe-faults-boundary';
  const head = new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.nii"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const chunk = new Uint8Array(MiB).fill(7);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
    },
    pull(controller) {
      if (sent >= totalBytes) {
        controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
        controller.close();
        return;
      }
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, type: `multipart/form-data; boundary=${boundary}` };
}

async function send(
  admin: TrpcSession,
  projectId: string,
  upload: HostileUpload,
): Promise<UploadOutcome> {
  const path = `/api/projects/${projectId}/images`;
  const t0 = performance.now();
  let response: Response;
  if (upload.body.kind === 'chunked') {
    const { stream, type } = chunkedMultipart(upload.body.totalBytes);
    response = await admin.postStream(path, stream, type).catch((error: unknown) => {
      // The server may answer 413 and close before the body is sent; fetch then fails the upload.
      const cause = (error as { cause?: { code?: string } }).cause;
      return new Response(
        JSON.stringify({ error: { code: `network:${cause?.code ?? 'error'}` } }),
        {
          status: 599,
        },
      );
    });
  } else {
    const form = new FormData();
    for (const file of upload.body.files)
      form.append('file', new Blob([file.bytes as Uint8Array<ArrayBuffer>]), file.name);
    response = await admin.postForm(path, form);
  }
  const text = await response.text();
  const ms = performance.now() - t0;
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (a proxy error page): the status says enough
  }
  const error = json['error'] as { code?: string; message?: string } | undefined;
  const outcomes = json['outcomes'] as
    Array<{ ok: boolean; code?: string; message: string; imageIds?: string[] }> | undefined;
  const images = json['images'] as unknown[] | undefined;
  const code = error?.code ?? outcomes?.find((o) => !o.ok)?.code ?? null;
  const expectedCode = upload.expect.code ?? upload.expect.outcomeCode ?? null;
  const correct =
    response.status === upload.expect.status &&
    (expectedCode === null
      ? !error && !(outcomes ?? []).some((o) => !o.ok)
      : code === expectedCode);
  return {
    name: upload.name,
    what: upload.what,
    bad: upload.bad,
    status: response.status,
    code,
    expectedStatus: upload.expect.status,
    expectedCode,
    correct,
    ms: Math.round(ms),
    imagesAcked:
      (images?.length ?? 0) +
      (outcomes ?? []).reduce((n, o) => n + (o.ok ? (o.imageIds?.length ?? 0) : 0), 0),
    message: (error?.message ?? outcomes?.map((o) => o.message).join('; ') ?? '').slice(0, 160),
  };
}

function latency(load: SaveLoad) {
  const stats = summarize(load.timings);
  const max = load.timings.length ? Math.max(...load.timings) : Number.NaN;
  return {
    p50Ms: Math.round(stats.p50 * 10) / 10,
    p95Ms: Math.round(stats.p95 * 10) / 10,
    p99Ms: Math.round(stats.p99 * 10) / 10,
    maxMs: Math.round(max),
    n: stats.n,
    stallsOver1s: load.timings.filter((t) => t > 1000).length,
    failed: load.failed,
  };
}

async function countRows(db: Db, projectId: string, acked: SaveLoad['acked']): Promise<number> {
  const rows = await db.annotation.findMany({
    where: { projectId, objectId: { in: acked.map((a) => a.objectId) } },
    select: { taskId: true, objectId: true },
  });
  const stored = new Set(rows.map((r) => `${r.taskId}/${r.objectId}`));
  return acked.filter((a) => stored.has(`${a.taskId}/${a.objectId}`)).length;
}

/** Waits (up to `timeoutMs`) until the process is gone: exited and reaped. */
async function waitForExit(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/**
 * Issue #17 item 7: while the annotators save, `next start` (its whole process tree) is SIGKILLed
 * at a random point and started again on the same port; the annotators keep their sessions and
 * their save loops (attempts fail while it is down). Goal: every acknowledged save stored, once.
 */
async function killServerMidSave(options: {
  server: RunningWebApp;
  env: Record<string, string>;
  annotators: Array<{ session: TrpcSession; taskId: string }>;
  projectId: string;
  imageSize: number;
  db: Db;
  afterRestartSeconds: number;
}): Promise<{ server: RunningWebApp; result: Record<string, unknown> }> {
  const { server, projectId, db } = options;
  if (server.pid === undefined) throw new Error('the web server has no pid to kill');
  const port = Number(new URL(server.url).port);
  const load = startSaving(options.annotators, projectId, options.imageSize, 'kill');
  const killAfterMs = Math.round(1000 + Math.random() * 2000);
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  const savesInFlightAtKill = load.inFlight();
  const tree = processTreePids(server.pid);
  const killedAt = performance.now();
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  let restarted: RunningWebApp;
  try {
    if (!(await waitForExit(server.pid))) throw new Error('next start outlived SIGKILL');
    restarted = await startWebApp({ env: options.env, port, timeoutMs: 120_000 });
  } catch (error) {
    await load.stop();
    throw error;
  }
  const restartSeconds = (performance.now() - killedAt) / 1000;
  await new Promise((resolve) => setTimeout(resolve, options.afterRestartSeconds * 1000));
  const saves = await load.stop();

  return {
    server: restarted,
    result: {
      killAfterMs,
      processesKilled: tree.length,
      savesInFlightAtKill,
      restartSeconds: Math.round(restartSeconds * 10) / 10,
      ...(await accountSaves(db, projectId, 'kill-', saves, killedAt)),
    },
  };
}

/**
 * A fault case's saves against the rows stored: acknowledged saves missing (itemsLost, goal 0),
 * rows whose answer never reached the client (storedNotAcked), objects stored twice (goal 0).
 * The query is retried: the bench's own connections may have died with the fault.
 */
async function accountSaves(
  db: Db,
  projectId: string,
  prefix: string,
  saves: SaveLoad,
  faultAt: number,
): Promise<Record<string, unknown>> {
  let rows: Array<{ taskId: string; objectId: string }> = [];
  for (let attempt = 1; ; attempt++) {
    try {
      rows = await db.annotation.findMany({
        where: { projectId, objectId: { startsWith: prefix } },
        select: { taskId: true, objectId: true },
      });
      break;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  const rowKeys = rows.map((r) => `${r.taskId}/${r.objectId}`);
  const stored = new Set(rowKeys);
  const ackedKeys = new Set(saves.acked.map((a) => `${a.taskId}/${a.objectId}`));
  const savesStored = [...ackedKeys].filter((key) => stored.has(key)).length;
  const firstAckAfterFault = Math.min(
    ...saves.acked.filter((a) => a.sentAt > faultAt).map((a) => a.ackedAt),
  );
  return {
    savesUnavailableSeconds: Number.isFinite(firstAckAfterFault)
      ? Math.round((firstAckAfterFault - faultAt) / 100) / 10
      : null,
    savesAttempted: saves.acked.length + saves.failed,
    savesAcked: saves.acked.length,
    savesAckedBeforeKill: saves.acked.filter((a) => a.ackedAt < faultAt).length,
    savesAckedAfterRestart: saves.acked.filter((a) => a.sentAt > faultAt).length,
    savesStored,
    itemsLost: ackedKeys.size - savesStored,
    storedNotAcked: [...stored].filter((key) => !ackedKeys.has(key)).length,
    duplicateRows: rowKeys.length - stored.size,
    failedAttempts: saves.failed,
    failedByKind: saves.failureKinds,
    ...(saves.failures.length ? { failureMessages: saves.failures } : {}),
  };
}

/**
 * Issue #17 item 7: while the annotators save, the database (the bench's own cluster) crashes
 * at a random point (immediate stop: no checkpoint), stays down `downMs`, and is started again
 * (WAL crash recovery); the web server is left running. Goal: every acknowledged save stored,
 * once, and saves acknowledged again after the restart without restarting the web server.
 */
async function restartPostgresMidSave(options: {
  cluster: ThrowawayPostgres;
  annotators: Array<{ session: TrpcSession; taskId: string }>;
  projectId: string;
  imageSize: number;
  db: Db;
  downMs: number;
  afterRestartSeconds: number;
}): Promise<Record<string, unknown>> {
  const load = startSaving(options.annotators, options.projectId, options.imageSize, 'pgcrash');
  const crashAfterMs = Math.round(1000 + Math.random() * 2000);
  await new Promise((resolve) => setTimeout(resolve, crashAfterMs));
  const savesInFlightAtCrash = load.inFlight();
  const crashedAt = performance.now();
  let downSeconds: number;
  try {
    ({ downSeconds } = await options.cluster.crashAndRestart(options.downMs));
  } catch (error) {
    await load.stop();
    throw error;
  }
  await new Promise((resolve) => setTimeout(resolve, options.afterRestartSeconds * 1000));
  const saves = await load.stop();
  return {
    crashAfterMs,
    savesInFlightAtCrash,
    databaseDownSeconds: downSeconds,
    ...(await accountSaves(options.db, options.projectId, 'pgcrash-', saves, crashedAt)),
  };
}

export async function runFaultsBench(options: BenchOptions): Promise<Record<string, unknown>> {
  const size = sizes(options);
  const loadAtStart = loadavg()[0] ?? 0;
  // The bench's own cluster, so the database can be crashed mid-save (else the local server).
  const cluster = await startThrowawayPostgres();
  const ownCluster = 'url' in cluster ? cluster : null;
  if (ownCluster) process.env['TEST_DATABASE_URL'] = ownCluster.url;
  const database = await createTestDatabaseOn('postgres', { poolSize: 1 }).catch(
    async (error: unknown) => {
      await ownCluster?.stop();
      throw error;
    },
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'loupe-bench-faults-'));
  // The blob folder on a filesystem of its own, so the disk-full case can fill it (root only).
  const blobDir = join(dataDir, 'blobs');
  const noSmallDisk = await mountSmallDisk(blobDir, '1g');
  const db = createDb(database.url, { poolSize: 2 });
  let app: RunningWebApp | null = null;
  try {
    const seeded = await seedAnnotators({
      db,
      blobs: createBlobStore(blobDir),
      artifacts: createBlobStore(join(dataDir, 'artifacts')),
      annotators: size.annotators,
      password: PASSWORD,
      starterModelDir: join(repoRoot, 'models', 'starter'),
    });
    const adminEmail = 'bench-faults-admin@loupe.local';
    const adminUser = await upsertUser(db, {
      email: adminEmail,
      name: 'Faults admin',
      password: PASSWORD,
    });
    await db.membership.create({
      data: { userId: adminUser.id, projectId: seeded.projectId, role: 'ADMIN' },
    });
    const imagesBefore = await db.image.count({ where: { projectId: seeded.projectId } });
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      BLOB_DIR: blobDir,
      ARTIFACT_DIR: join(dataDir, 'artifacts'),
      LOUPE_EMBEDDED_DB: '0',
      ...Object.fromEntries(Object.entries(SERVER_LIMITS).map(([k, v]) => [k, String(v)])),
    };
    app = await startWebApp({ env, timeoutMs: 120_000 });
    const server = app;
    const admin = new TrpcSession(server.url);
    await admin.signIn(adminEmail, PASSWORD);
    const annotators = await Promise.all(
      seeded.users.map(async (user) => {
        const session = new TrpcSession(server.url);
        await session.signIn(user.email, PASSWORD);
        const task = await session.mutation<{ id?: string; taskId?: string } | null>('queue.next', {
          projectId: seeded.projectId,
        });
        const taskId = task?.id ?? task?.taskId;
        if (!taskId) throw new Error('queue.next returned no task');
        return { session, taskId };
      }),
    );
    const uploads = await hostileUploads({
      bombMiB: size.bombMiB,
      honestSlices: size.honestSlices,
      batchMaxBytes: SERVER_LIMITS.LOUPE_UPLOAD_BATCH_MAX_BYTES,
    });

    // Baseline: the same save load with no upload running (after a warm-up of every route).
    const warm = startSaving(annotators, seeded.projectId, seeded.imageSize, 'warm');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await warm.stop();
    const baselineLoad = startSaving(annotators, seeded.projectId, seeded.imageSize, 'base');
    await new Promise((resolve) => setTimeout(resolve, size.baselineSeconds * 1000));
    const baseline = await baselineLoad.stop();
    const rssBaseline = processTreeRssMiB(server.pid);

    // The hostile set, one upload after another, while the annotators keep saving.
    const rss = sampleRss(server.pid, 250);
    const during = startSaving(annotators, seeded.projectId, seeded.imageSize, 'hostile');
    const setStarted = performance.now();
    const outcomes: UploadOutcome[] = [];
    const uploadWindows: Array<{ name: string; from: number; to: number }> = [];
    for (const upload of uploads) {
      const from = performance.now();
      outcomes.push(await send(admin, seeded.projectId, upload));
      uploadWindows.push({ name: upload.name, from, to: performance.now() });
      console.log(
        `[bench] faults: ${upload.name} -> ${outcomes.at(-1)?.status} ${outcomes.at(-1)?.code ?? ''} in ${outcomes.at(-1)?.ms} ms`,
      );
    }
    const setSeconds = (performance.now() - setStarted) / 1000;
    const hostile = await during.stop();
    const rssDuring = rss.stop();

    // Memory afterwards: sampled until back within the target of the baseline (or settleS passed).
    const settleStarted = performance.now();
    let rssAfter = processTreeRssMiB(server.pid);
    while (
      rssBaseline !== null &&
      rssAfter !== null &&
      rssAfter - rssBaseline > FAULT_TARGETS.rssBackMiB &&
      performance.now() - settleStarted < size.settleS * 1000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rssAfter = processTreeRssMiB(server.pid);
    }
    const settleSeconds = (performance.now() - settleStarted) / 1000;

    const killed = await killServerMidSave({
      server,
      env,
      annotators,
      projectId: seeded.projectId,
      imageSize: seeded.imageSize,
      db,
      afterRestartSeconds: size.afterRestartSeconds,
    });
    app = killed.server;

    const postgresRestart = ownCluster
      ? await restartPostgresMidSave({
          cluster: ownCluster,
          annotators,
          projectId: seeded.projectId,
          imageSize: seeded.imageSize,
          db,
          downMs: 3000,
          afterRestartSeconds: size.afterRestartSeconds,
        })
      : { skipped: (cluster as { unavailable: string }).unavailable };

    const acked = [...baseline.acked, ...hostile.acked];
    const savesStored = await countRows(db, seeded.projectId, acked);
    const imagesStored =
      (await db.image.count({ where: { projectId: seeded.projectId } })) - imagesBefore;
    const imagesAcked = outcomes.reduce((n, o) => n + o.imagesAcked, 0);
    // After the counts above: the images it stores are its own, not the hostile set's.
    const diskFull = noSmallDisk
      ? { skipped: noSmallDisk }
      : await runDiskFullCase({
          blobDir,
          admin,
          projectId: seeded.projectId,
          db,
          startLoad: () => startSaving(annotators, seeded.projectId, seeded.imageSize, 'diskfull'),
        });
    const bad = outcomes.filter((o) => o.bad);
    const loadAtEnd = loadavg()[0] ?? 0;
    // Both servers' logs: the one killed mid-save and the one started after it.
    const serverErrors = [server.output(), app?.output() ?? '']
      .join('\n')
      .split('\n')
      // Each matching line with the two after it: an error's message follows its log prefix.
      .flatMap((line, i, lines) =>
        /internal error|unhandled|FATAL|body exceeded/i.test(line)
          ? [lines.slice(i, i + 3).join(' | ')]
          : [],
      )
      .slice(0, 4)
      .map((line) => line.slice(0, 500));
    return {
      notes:
        'Annotators save a mask every 100 ms each (real tRPC saves, real Postgres) while an admin ' +
        'uploads the hostile set one file after another to the production build under next start. ' +
        '"during" is every save sent while the set was being uploaded; stalls are saves over 1 s. ' +
        'RSS is the server process tree (decode threads included); "after" is sampled until it is ' +
        `within ${FAULT_TARGETS.rssBackMiB} MiB of the baseline or ${size.settleS} s passed. ` +
        'serverKill: the annotators keep saving while next start (its process tree) is SIGKILLed ' +
        `at a random point and restarted on the same port, then saving ${size.afterRestartSeconds} s ` +
        'more; itemsLost counts acknowledged saves missing from the database (goal 0), ' +
        'storedNotAcked saves committed whose answer died with the server (the client saw an error), ' +
        'duplicateRows objects stored twice (goal 0). postgresRestart: the bench runs on a Postgres ' +
        'cluster of its own (initdb/pg_ctl); while the annotators save, it is crashed (pg_ctl stop ' +
        '-m immediate) at a random point, kept down 3 s and started again (WAL recovery), the web ' +
        "server left running; the same counts. diskFull: the server's blob folder is a tmpfs of " +
        'its own, filled to its last 256 KiB while the annotators save; an honest 2 MiB volume ' +
        'upload must answer 507 STORAGE_FULL with a reason, store no rows and leave no partial ' +
        'file, and be stored once the filler is removed.',
      config: {
        annotators: annotators.length,
        bombMiB: size.bombMiB,
        honestVolumeMiB: size.honestSlices / 2,
        serverLimits: SERVER_LIMITS,
        cores: cpus().length,
        loadAverage1m: {
          start: Math.round(loadAtStart * 10) / 10,
          end: Math.round(loadAtEnd * 10) / 10,
        },
      },
      baseline: latency(baseline),
      during: latency(hostile),
      // Where the tail is: the slowest saves of the set, with the upload each overlapped.
      slowestDuring: hostile.acked
        .map((a) => ({ ...a, ms: a.ackedAt - a.sentAt }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5)
        .map((a) => ({
          ms: Math.round(a.ms),
          atSeconds: Math.round((a.sentAt - setStarted) / 100) / 10,
          uploads: uploadWindows
            .filter((w) => w.from < a.ackedAt && w.to > a.sentAt)
            .map((w) => w.name),
        })),
      hostileSetSeconds: Math.round(setSeconds * 10) / 10,
      rss: {
        baselineMiB: rssBaseline,
        peakMiB: rssDuring?.peakMiB ?? null,
        afterMiB: rssAfter,
        aboveBaselineAfterMiB:
          rssAfter !== null && rssBaseline !== null
            ? Math.round((rssAfter - rssBaseline) * 10) / 10
            : null,
        settleSeconds: Math.round(settleSeconds * 10) / 10,
      },
      counts: {
        badInputsTried: bad.length,
        refusedCorrectly: bad.filter((o) => o.correct).length,
        wrongAnswers: outcomes.filter((o) => !o.correct).length,
        savesAcked: acked.length,
        savesStored,
        imagesAcked,
        imagesStored,
        itemsLost: acked.length - savesStored + Math.max(0, imagesAcked - imagesStored),
        extraImages: Math.max(0, imagesStored - imagesAcked),
        saveFailures: baseline.failed + hostile.failed,
      },
      serverKill: killed.result,
      postgresRestart,
      diskFull,
      uploads: outcomes,
      ...(hostile.failures.length ? { saveFailureMessages: hostile.failures } : {}),
      ...(serverErrors.length ? { serverErrors } : {}),
    };
  } finally {
    await app?.stop();
    await db.$disconnect();
    await database.close();
    await ownCluster?.stop();
    if (!noSmallDisk) unmountSmallDisk(blobDir);
    await rm(dataDir, { recursive: true, force: true });
  }
}
