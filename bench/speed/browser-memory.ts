/**
 * Memory of the annotate page and its inference worker in headless Chromium (issue 18 item 6):
 * - pageHeapMB: the page's JS heap (performance.memory, main thread only);
 * - uaMemory: performance.measureUserAgentSpecificMemory() (cross-origin isolated pages only),
 *   split by scope, so the dedicated worker's bytes (its JS heap and the wasm memory it holds) are
 *   reported apart from the window's; Chrome answers at its next garbage collection (up to ~20 s);
 * - rendererRssMiB: resident memory (Linux /proc) of this browser's renderer processes: the page
 *   and its workers live in one renderer, so this is what the machine holds for them.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { processTreePids } from '../lib/process-rss';

export interface BrowserMemory {
  pageHeapMB: number | null;
  uaMemory: {
    totalMB: number;
    /** Bytes attributed to the window (main thread) and to dedicated workers, MB. */
    windowMB: number;
    workerMB: number;
    workers: number;
  } | null;
  /** Why uaMemory is null (not isolated, no API, or no answer in time). */
  uaMemoryMissing?: string;
  renderer: { rssMiB: number; processes: number } | null;
}

const MB = 1e6;
const round1 = (v: number) => Math.round(v * 10) / 10;

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

function rssKiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Renderer processes started by this Node process's browsers (descendants of process.pid). */
export function rendererRss(): BrowserMemory['renderer'] {
  const renderers = processTreePids(process.pid).filter((pid) =>
    cmdline(pid).includes('--type=renderer'),
  );
  if (renderers.length === 0) return null;
  const kib = renderers.reduce((sum, pid) => sum + rssKiB(pid), 0);
  return { rssMiB: round1(kib / 1024), processes: renderers.length };
}

export async function measureBrowserMemory(
  page: Page,
  options: { uaTimeoutMs?: number } = {},
): Promise<BrowserMemory> {
  const pageHeapMB = await page.evaluate(() => {
    const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return memory ? Math.round(memory.usedJSHeapSize / 1e5) / 10 : null;
  });
  const ua = await page.evaluate(async (timeoutMs) => {
    type Breakdown = { bytes: number; attribution: { scope: string }[] };
    const api = (
      performance as unknown as {
        measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: Breakdown[] }>;
      }
    ).measureUserAgentSpecificMemory;
    if (!crossOriginIsolated) return { missing: 'page not cross-origin isolated' };
    if (!api) return { missing: 'no performance.measureUserAgentSpecificMemory' };
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs));
    const result = await Promise.race([api.call(performance), timeout]);
    if (!result) return { missing: `no answer within ${timeoutMs} ms` };
    let windowBytes = 0;
    let workerBytes = 0;
    const workers = new Set<string>();
    for (const entry of result.breakdown) {
      const scopes = entry.attribution.map((a) => a.scope);
      // Shared entries (several scopes) go to the window's side: they are not the worker's alone.
      if (scopes.length === 1 && scopes[0] === 'DedicatedWorkerGlobalScope') {
        workerBytes += entry.bytes;
        workers.add(JSON.stringify(entry.attribution));
      } else windowBytes += entry.bytes;
    }
    return { total: result.bytes, windowBytes, workerBytes, workers: workers.size };
  }, options.uaTimeoutMs ?? 30_000);
  const uaMemory =
    'missing' in ua
      ? null
      : {
          totalMB: round1(ua.total / MB),
          windowMB: round1(ua.windowBytes / MB),
          workerMB: round1(ua.workerBytes / MB),
          workers: ua.workers,
        };
  return {
    pageHeapMB,
    uaMemory,
    ...('missing' in ua ? { uaMemoryMissing: ua.missing } : {}),
    renderer: rendererRss(),
  };
}
