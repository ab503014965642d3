/**
 * End-to-end latency in the real annotate page (a production build of apps/web under `next start`,
 * headless Chromium, Postgres): "new box -> proposal on screen" and "click -> refined mask on
 * screen" as the page itself records them (window.__loupe.latencies, measured from the pointer
 * event to the frame that paints the mask), then hot-swap: a new model version is registered and
 * promoted through libs/db's registry while the page is open, a simulated annotator keeps drawing
 * boxes, and the time from the promotion to the first proposal from the new version is taken.
 */
import type { LoupeTestHooks, ProposalBreakdown } from '@loupe/contracts';
import { createBlobStore, createDb, promoteModelVersion, registerModelVersion } from '@loupe/db';
import { createTestDatabaseOn } from '@loupe/db/testing';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { summarize } from '../lib/percentiles';
import { measureBrowserMemory, type BrowserMemory } from './browser-memory';
import { launchChromium } from './chromium';
import { repoRoot } from '../lib/repo-root';
import { seedAnnotators, type BenchImageSpec } from './seed-annotators';
import { summarizeTrace, TRACE_CATEGORIES, type TraceSummary } from './trace-summary';
import { addQueue } from './queue-under-load';
import { startWebApp } from './web-app';

const PASSWORD = 'bench-password-123';

type Figure = { p50: number; p95: number; n: number };

export interface AnnotateLatency {
  /** The image annotated: width x height, bit depth. */
  image: BenchImageSpec;
  /** Action -> mask in the on-screen canvas (the page's latencies). */
  boxToProposal: Figure;
  clickToMask: Figure;
  /** Action -> start of the first animation frame after that (the frame that shows it). */
  boxToProposalNextFrame: Figure;
  clickToMaskNextFrame: Figure;
  /** Median of each part of the latency (ProposalBreakdown), per prompt kind. */
  breakdownP50: { box: Record<string, number>; click: Record<string, number> };
  /** Accepting an object (Enter): save request -> server's answer, RLE encoding included. */
  save: { p50: number; p95: number; p99: number; n: number } | null;
  /** Sign-in page left -> annotate page ready (image + model in the worker). */
  pageReadyMs: number;
  /** The page's JS heap after the trials (performance.memory), MB. */
  pageHeapMB: number | null;
  /** After the timed trials: page heap, the worker's and window's memory, the renderer's RSS. */
  memory: BrowserMemory | null;
  /** walkImages: memory while stepping (Skip) through the images of a projectImages-image project. */
  projectWalk: ProjectWalk | { error: string } | null;
  /** Chromium trace of `traceTrials` more box + click pairs (after the timed ones). */
  trace: TraceSummary | { error: string } | null;
  backend: string;
  threads: number;
  hotSwap:
    | {
        hotSwapMs: number;
        /** Promotion -> the page's worker reports the new model ready. */
        modelReadyMs: number;
        boxesDrawnMeanwhile: number;
      }
    | { error: string }
    | null;
}

export interface ProjectWalk {
  projectImages: number;
  imagesWalked: number;
  /** Distinct tasks shown (the queue never served one twice in the walk when = imagesWalked + 1). */
  distinctTasks: number;
  /** Skip -> next image ready in the worker, ms. */
  nextImageReady: { p50: number; p95: number; n: number };
  memoryAtStart: BrowserMemory;
  memoryAtEnd: BrowserMemory;
  /** Page heap (performance.memory) after every 10th image, MB. */
  pageHeapMBEvery10: (number | null)[];
  pageHeapPeakMB: number | null;
}

async function hooks(page: Page): Promise<LoupeTestHooks> {
  return page.evaluate(() => window.__loupe!);
}

/** What waitFor polls: the hooks' flags and how many figures each list holds. */
interface HooksCounts {
  ready: boolean;
  taskId: string | null;
  modelStatus: string;
  latencies: { box: { length: number }; click: { length: number }; save: { length: number } };
  frameLatencies: { box: { length: number }; click: { length: number } };
}

/**
 * Polls the page (every 20 ms) until `predicate` holds, then returns the hooks in full. The poll
 * reads the counts only: copying the growing hooks out of the page every 20 ms took the page's
 * main thread for milliseconds at a time, inside the very clicks being timed.
 */
async function waitFor(
  page: Page,
  predicate: (h: HooksCounts) => boolean,
  what: string,
  timeoutMs: number,
): Promise<LoupeTestHooks> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await page.evaluate((): HooksCounts | null => {
      const h = window.__loupe;
      if (!h) return null;
      // No helper functions in here: the bundler would name them with a helper the page lacks.
      const { latencies: l, frameLatencies: f } = h;
      return {
        ready: h.ready,
        taskId: h.taskId,
        modelStatus: h.modelStatus,
        latencies: {
          box: { length: l.box.length },
          click: { length: l.click.length },
          save: { length: l.save.length },
        },
        frameLatencies: { box: { length: f.box.length }, click: { length: f.click.length } },
      };
    });
    const state = counts && predicate(counts) ? await hooks(page) : null;
    if (state) return state;
    if (Date.now() > deadline)
      throw new Error(
        `annotate page: ${what} not seen within ${timeoutMs} ms (model status: ${counts?.modelStatus ?? 'no hooks'})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Drags a box over the middle of the canvas (the seeded images have their bright disc there). */
async function drawBox(page: Page, jitter: number): Promise<void> {
  const canvas = await page.getByTestId('viewer-canvas').boundingBox();
  if (!canvas) throw new Error('annotate page: no viewer canvas');
  const cx = canvas.x + canvas.width / 2 + jitter;
  const cy = canvas.y + canvas.height / 2 - jitter;
  const half = Math.min(canvas.width, canvas.height) * 0.14;
  await page.mouse.move(cx - half, cy - half);
  await page.mouse.down();
  await page.mouse.move(cx, cy, { steps: 2 });
  await page.mouse.move(cx + half, cy + half, { steps: 2 });
  await page.mouse.up();
}

async function clickInside(page: Page, offset: number): Promise<void> {
  const canvas = await page.getByTestId('viewer-canvas').boundingBox();
  if (!canvas) throw new Error('annotate page: no viewer canvas');
  await page.mouse.click(
    canvas.x + canvas.width / 2 + offset,
    canvas.y + canvas.height / 2 + offset,
  );
}

/** A second model version: the starter's files with another manifest version (a new artifact). */
async function swapModelDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-bench-swap-model-'));
  const starter = join(repoRoot, 'models', 'starter');
  for (const file of ['encoder.onnx', 'decoder.onnx'])
    await cp(join(starter, file), join(dir, file));
  const manifest = JSON.parse(await readFile(join(starter, 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify({ ...manifest, version: `bench-swap-${Date.now()}` }, null, 2),
  );
  return dir;
}

/** Median of each numeric breakdown field over the proposals of one kind. */
function breakdownMedians(list: ProposalBreakdown[]): Record<string, number> {
  const out: Record<string, number> = {};
  const keys = Object.keys(list[0] ?? {}).filter((k) => k !== 'kind');
  for (const key of keys) {
    const values = list
      .map((b) => (b as unknown as Record<string, number | null>)[key])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length) out[key] = Math.round(summarize(values).p50 * 100) / 100;
  }
  return out;
}

export async function measureAnnotateLatency(options: {
  trials: number;
  /** The image to annotate; default the 384 x 384 8-bit demo-like image. */
  image?: BenchImageSpec;
  /** Objects accepted (Enter) after the timed trials, for the save figure; 0 = none. */
  saves?: number;
  /** Box + click pairs traced with Chromium tracing after the timed trials; 0 = no trace. */
  traceTrials?: number;
  /** Measure the hot swap (default true). */
  hotSwap?: boolean;
  /** Tasks in the project, the rest as rows sharing the first image's files (default: as seeded). */
  projectImages?: number;
  /** Images stepped through with Skip (a box on each) at the end, memory before and after; 0 = none. */
  walkImages?: number;
  log?: (line: string) => void;
}): Promise<AnnotateLatency> {
  const log = options.log ?? console.log;
  const database = await createTestDatabaseOn('postgres', { poolSize: 2 });
  const dataDir = await mkdtemp(join(tmpdir(), 'loupe-bench-annotate-'));
  const blobs = createBlobStore(join(dataDir, 'blobs'));
  const artifacts = createBlobStore(join(dataDir, 'artifacts'));
  const seeded = await seedAnnotators({
    db: database.db,
    blobs,
    artifacts,
    annotators: 1,
    password: PASSWORD,
    imageSize: 384,
    ...(options.image ? { image: options.image, extraImages: 0 } : {}),
    starterModelDir: join(repoRoot, 'models', 'starter'),
  });
  if (options.projectImages) {
    const seededCount = await database.db.task.count({ where: { projectId: seeded.projectId } });
    await addQueue(database.db, seeded.projectId, options.projectImages - seededCount, 'walk-');
  }
  const app = await startWebApp({
    env: {
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      BLOB_DIR: join(dataDir, 'blobs'),
      ARTIFACT_DIR: join(dataDir, 'artifacts'),
      LOUPE_EMBEDDED_DB: '0',
    },
    log,
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${app.url}/sign-in`);
    await page.locator('input[name="email"]').fill(seeded.users[0]?.email ?? '');
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/projects/, { timeout: 30_000 });
    const openedAt = Date.now();
    await page.goto(`${app.url}/projects/${seeded.projectId}/annotate`);
    const ready = await waitFor(
      page,
      (h) => h.ready && h.modelStatus === 'ready',
      'image and model ready',
      90_000,
    );
    const pageReadyMs = Date.now() - openedAt;
    // One untimed box and click first: the worker's first run pays wasm compilation.
    await drawBox(page, 0);
    await waitFor(page, (h) => h.latencies.box.length >= 1, 'first proposal', 60_000);
    await clickInside(page, 0);
    await waitFor(page, (h) => h.latencies.click.length >= 1, 'first refinement', 60_000);
    for (let i = 0; i < options.trials; i++) {
      await drawBox(page, (i % 5) - 2);
      await waitFor(page, (h) => h.latencies.box.length >= i + 2, `proposal ${i + 1}`, 30_000);
      await clickInside(page, (i % 3) - 1);
      await waitFor(page, (h) => h.latencies.click.length >= i + 2, `refinement ${i + 1}`, 30_000);
    }
    // The frame figures land one animation frame after the canvas ones.
    const measuredHooks = await waitFor(
      page,
      (h) =>
        h.frameLatencies.box.length >= options.trials + 1 &&
        h.frameLatencies.click.length >= options.trials + 1,
      'frame timings',
      10_000,
    );
    const box = summarize(measuredHooks.latencies.box.slice(1));
    const click = summarize(measuredHooks.latencies.click.slice(1));
    const boxFrame = summarize(measuredHooks.frameLatencies.box.slice(1));
    const clickFrame = summarize(measuredHooks.frameLatencies.click.slice(1));
    const timed = measuredHooks.breakdowns.slice(2);
    const breakdownP50 = {
      box: breakdownMedians(timed.filter((b) => b.kind === 'box')),
      click: breakdownMedians(timed.filter((b) => b.kind === 'click')),
    };
    const memory = await measureBrowserMemory(page);
    const pageHeapMB = memory.pageHeapMB;

    let trace: AnnotateLatency['trace'] = null;
    if (options.traceTrials) {
      try {
        // LOUPE_BENCH_TRACE_DIR: the raw trace is kept there, with V8's sampling profiler on (per
        // function CPU time of the page and the worker; it slows both a little).
        const traceDir = process.env['LOUPE_BENCH_TRACE_DIR'];
        await browser.startTracing(page, {
          categories: traceDir
            ? [...TRACE_CATEGORIES, 'disabled-by-default-v8.cpu_profiler']
            : TRACE_CATEGORIES,
        });
        const before = await hooks(page);
        for (let i = 0; i < options.traceTrials; i++) {
          await drawBox(page, (i % 5) - 2);
          await waitFor(
            page,
            (h) => h.latencies.box.length >= before.latencies.box.length + i + 1,
            `traced proposal ${i + 1}`,
            30_000,
          );
          await clickInside(page, (i % 3) - 1);
          await waitFor(
            page,
            (h) => h.frameLatencies.click.length >= before.frameLatencies.click.length + i + 1,
            `traced refinement ${i + 1}`,
            30_000,
          );
        }
        const buffer = await browser.stopTracing();
        if (traceDir)
          await writeFile(
            join(traceDir, `annotate-${options.image?.width ?? 384}-${Date.now()}.json`),
            buffer,
          );
        trace = summarizeTrace(JSON.parse(buffer.toString('utf8')), options.traceTrials * 2);
      } catch (error) {
        trace = { error: error instanceof Error ? error.message : String(error) };
      }
    }

    let save: AnnotateLatency['save'] = null;
    if (options.saves) {
      for (let i = 0; i < options.saves; i++) {
        const before = await hooks(page);
        await drawBox(page, (i % 5) - 2);
        await waitFor(
          page,
          (h) => h.latencies.box.length > before.latencies.box.length,
          `proposal to save ${i + 1}`,
          30_000,
        );
        await page.keyboard.press('Enter');
        await waitFor(
          page,
          (h) => h.latencies.save.length > before.latencies.save.length,
          `save ${i + 1}`,
          30_000,
        );
      }
      const saved = await hooks(page);
      save = summarize(saved.latencies.save.slice(-options.saves));
    }

    let hotSwap: AnnotateLatency['hotSwap'] = null;
    if (options.hotSwap !== false)
      try {
        const dir = await swapModelDir();
        const db = createDb(database.url, { poolSize: 2 });
        try {
          const version = await registerModelVersion(db, artifacts, {
            projectId: seeded.projectId,
            dir,
            status: 'CANDIDATE',
            configName: 'starter',
          });
          const promotedAt = Date.now();
          await promoteModelVersion(db, version.id);
          let boxes = 0;
          let state = await hooks(page);
          const deadline = promotedAt + 60_000;
          // A busy annotator: a new box whenever the last proposal is on screen.
          while (state.lastPrediction?.version !== version.version) {
            if (Date.now() > deadline)
              throw new Error(
                `no proposal from v${version.version} within 60 s of promotion (model status: ${state.modelStatus})`,
              );
            const before = state.latencies.box.length;
            await drawBox(page, (boxes % 5) - 2);
            boxes++;
            state = await waitFor(
              page,
              (h) => h.latencies.box.length > before,
              'proposal after promotion',
              30_000,
            );
          }
          const firstNewProposalAt = Date.now();
          const swap = state.swaps.find((s) => s.to === version.version);
          hotSwap = {
            hotSwapMs: firstNewProposalAt - promotedAt,
            modelReadyMs: swap ? swap.at - promotedAt : Number.NaN,
            boxesDrawnMeanwhile: boxes,
          };
        } finally {
          await db.$disconnect();
          await rm(dir, { recursive: true, force: true });
        }
      } catch (error) {
        hotSwap = { error: error instanceof Error ? error.message : String(error) };
      }
    let projectWalk: AnnotateLatency['projectWalk'] = null;
    if (options.walkImages)
      try {
        projectWalk = await walkProject(page, options.walkImages, options.projectImages ?? 0);
      } catch (error) {
        projectWalk = { error: error instanceof Error ? error.message : String(error) };
      }
    const figure = (f: ReturnType<typeof summarize>): Figure => ({
      p50: f.p50,
      p95: f.p95,
      n: f.n,
    });
    return {
      image: options.image ?? { width: 384, height: 384, bitDepth: 8 },
      boxToProposal: figure(box),
      clickToMask: figure(click),
      boxToProposalNextFrame: figure(boxFrame),
      clickToMaskNextFrame: figure(clickFrame),
      breakdownP50,
      save,
      pageReadyMs,
      pageHeapMB,
      memory,
      projectWalk,
      trace,
      backend: ready.backend ?? 'unknown',
      threads: ready.threads ?? 0,
      hotSwap,
    };
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nweb app log:\n${app.output()}`,
      { cause: error },
    );
  } finally {
    await browser.close();
    await app.stop();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Skip through `count` images (a box drawn on each, as an annotator looks at it), memory around it. */
async function walkProject(page: Page, count: number, projectImages: number): Promise<ProjectWalk> {
  const memoryAtStart = await measureBrowserMemory(page);
  const tasks = new Set<string>();
  const readyMs: number[] = [];
  const heapEvery10: (number | null)[] = [];
  let state = await hooks(page);
  if (state.taskId) tasks.add(state.taskId);
  for (let i = 0; i < count; i++) {
    const before = state;
    await drawBox(page, (i % 5) - 2);
    await waitFor(
      page,
      (h) => h.latencies.box.length > before.latencies.box.length,
      `walk proposal ${i + 1}`,
      30_000,
    );
    const skippedAt = Date.now();
    await page.getByTestId('skip').click();
    state = await waitFor(
      page,
      (h) => h.ready && h.taskId !== null && h.taskId !== before.taskId,
      `walk image ${i + 2}`,
      30_000,
    );
    readyMs.push(Date.now() - skippedAt);
    if (state.taskId) tasks.add(state.taskId);
    if ((i + 1) % 10 === 0)
      heapEvery10.push(
        await page.evaluate(() => {
          const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
          return m ? Math.round(m.usedJSHeapSize / 1e5) / 10 : null;
        }),
      );
  }
  const memoryAtEnd = await measureBrowserMemory(page);
  const heaps = [memoryAtStart.pageHeapMB, ...heapEvery10, memoryAtEnd.pageHeapMB].filter(
    (v): v is number => v !== null,
  );
  const ready = summarize(readyMs);
  return {
    projectImages,
    imagesWalked: count,
    distinctTasks: tasks.size,
    nextImageReady: { p50: ready.p50, p95: ready.p95, n: ready.n },
    memoryAtStart,
    memoryAtEnd,
    pageHeapMBEvery10: heapEvery10,
    pageHeapPeakMB: heaps.length ? Math.max(...heaps) : null,
  };
}
