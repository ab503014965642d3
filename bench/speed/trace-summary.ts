/**
 * Summarises a Chromium trace (CDP Tracing, JSON "traceEvents") of the annotate page: per thread
 * (the page's main thread and the inference worker) the time busy running tasks and the time per
 * devtools timeline event (script, animation frames, paint, GC, ...), and the page's own
 * user-timing spans (performance.measure: loupe.box, loupe.worker.decoder, ...). Times are per
 * interaction (box or click) so runs with different counts compare.
 */
import { percentile } from '../lib/percentiles';

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  id?: string | number;
  id2?: { local?: string; global?: string };
  args?: Record<string, unknown>;
}

export interface ThreadSummary {
  thread: string;
  /** Union of top-level task time, ms per interaction. */
  busyMsPerInteraction: number;
  /** Devtools timeline events (nested same-name events counted once), ms per interaction, largest first. */
  eventsMsPerInteraction: Record<string, number>;
}

export interface TraceSummary {
  interactions: number;
  /** Trace length (first to last event), s. */
  spanSeconds: number;
  mainThread: ThreadSummary | null;
  worker: ThreadSummary | null;
  /** performance.measure spans by name: count, p50 and mean ms. */
  userTiming: Record<string, { n: number; p50Ms: number; meanMs: number }>;
}

/** Total length of the union of [start, end) intervals (µs). */
function unionLength(intervals: Array<[number, number]>): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = Number.NEGATIVE_INFINITY;
  let curEnd = Number.NEGATIVE_INFINITY;
  for (const [s, e] of intervals) {
    if (s > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else if (e > curEnd) curEnd = e;
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

const round = (v: number) => Math.round(v * 100) / 100;

function threadSummary(
  label: string,
  events: TraceEvent[],
  interactions: number,
  topEvents: number,
): ThreadSummary {
  const top: Array<[number, number]> = [];
  const byName = new Map<string, Array<[number, number]>>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const interval: [number, number] = [e.ts, e.ts + e.dur];
    if (e.cat?.split(',').includes('toplevel')) top.push(interval);
    if (e.cat?.includes('devtools.timeline') || e.cat?.includes('v8')) {
      const list = byName.get(e.name) ?? [];
      list.push(interval);
      byName.set(e.name, list);
    }
  }
  const per = Math.max(1, interactions);
  const named = [...byName.entries()]
    .map(([name, list]) => [name, unionLength(list) / 1000 / per] as const)
    .filter(([, ms]) => ms >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .slice(0, topEvents);
  return {
    thread: label,
    busyMsPerInteraction: round(unionLength(top) / 1000 / per),
    eventsMsPerInteraction: Object.fromEntries(named.map(([n, ms]) => [n, round(ms)])),
  };
}

export function summarizeTrace(
  trace: { traceEvents?: TraceEvent[] } | TraceEvent[],
  interactions: number,
  options: { topEvents?: number } = {},
): TraceSummary {
  const events = Array.isArray(trace) ? trace : (trace.traceEvents ?? []);
  const topEvents = options.topEvents ?? 12;
  // Thread names (metadata events): the page's main thread and the dedicated worker.
  const names = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name')
      names.set(`${e.pid}:${e.tid}`, String(e.args?.['name'] ?? ''));
  // The renderer is the process whose main thread ran the page's spans.
  const spanEvents = events.filter((e) => e.cat?.includes('blink.user_timing'));
  const loupeSpan = spanEvents.find((e) => e.name.startsWith('loupe.'));
  const rendererPid = loupeSpan?.pid;
  const threadOf = (want: RegExp) => {
    for (const [key, name] of names) {
      const [pid] = key.split(':');
      if (want.test(name) && (rendererPid === undefined || Number(pid) === rendererPid)) return key;
    }
    return null;
  };
  const mainKey = threadOf(/^CrRendererMain$/);
  const workerKey = threadOf(/DedicatedWorker/);
  const eventsOn = (key: string | null) =>
    key ? events.filter((e) => `${e.pid}:${e.tid}` === key) : [];

  // performance.measure: async begin/end pairs ('b'/'e'), matched by name and id.
  const open = new Map<string, number>();
  const spans = new Map<string, number[]>();
  for (const e of spanEvents) {
    if (!e.name.startsWith('loupe.')) continue;
    const id = e.id ?? e.id2?.local ?? e.id2?.global ?? '';
    const key = `${e.pid}:${e.name}:${id}`;
    if (e.ph === 'b') open.set(key, e.ts);
    else if (e.ph === 'e') {
      const start = open.get(key);
      if (start === undefined) continue;
      open.delete(key);
      const list = spans.get(e.name) ?? [];
      list.push((e.ts - start) / 1000);
      spans.set(e.name, list);
    } else if (e.ph === 'X' && e.dur !== undefined) {
      const list = spans.get(e.name) ?? [];
      list.push(e.dur / 1000);
      spans.set(e.name, list);
    }
  }
  const userTiming = Object.fromEntries(
    [...spans.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([name, list]) => [
        name,
        {
          n: list.length,
          p50Ms: round(percentile(list, 50)),
          meanMs: round(list.reduce((a, v) => a + v, 0) / list.length),
        },
      ]),
  );
  const timed = events.filter((e) => e.ts > 0);
  const first = Math.min(...timed.map((e) => e.ts));
  const last = Math.max(...timed.map((e) => e.ts + (e.dur ?? 0)));
  return {
    interactions,
    spanSeconds: timed.length ? round((last - first) / 1e6) : 0,
    mainThread: mainKey
      ? threadSummary('main (CrRendererMain)', eventsOn(mainKey), interactions, topEvents)
      : null,
    worker: workerKey
      ? threadSummary('inference worker', eventsOn(workerKey), interactions, topEvents)
      : null,
    userTiming,
  };
}

/** The categories the annotate bench traces with. */
export const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'blink.user_timing',
  'v8',
  'disabled-by-default-devtools.timeline',
];
