/**
 * The wide-field annotate figures alone (bench:speed's browser.annotateWide: 3900x3072 16-bit,
 * box -> proposal, click -> mask, saves, a traced box + click pairs), printed as one JSON line
 * with the load before and after, for comparing two checkouts side by side without the rest of
 * bench:speed. With LOUPE_BENCH_TRACE_DIR the raw Chromium trace (with V8's sampling profiler:
 * per function CPU time of the page and the worker) is kept there (LOUPE_WORKER_MINIFY=0: the
 * worker's own function names in it). DEMO=1: the demo image (browser.annotatePage) instead.
 *   npx tsx bench/speed/profile-wide-annotate.ts [TRIALS=8] [SAVES=6] [DEMO=1]
 */
import { loadavg } from 'node:os';
import { WIDE_IMAGE } from '../parts/speed';
import { measureAnnotateLatency } from './annotate-latency';

const loadBefore = loadavg()[0];
const { memory, projectWalk, ...figures } = await measureAnnotateLatency({
  trials: Number(process.env['TRIALS'] ?? 8),
  ...(process.env['DEMO'] ? {} : { image: WIDE_IMAGE }),
  saves: Number(process.env['SAVES'] ?? 6),
  traceTrials: 4,
  hotSwap: false,
  log: () => {},
});
void memory;
void projectWalk;
console.log(JSON.stringify({ load: [loadBefore, loadavg()[0]], ...figures }));
