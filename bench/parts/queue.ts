/**
 * Queue bench (issue 18, "next image under load"): `queue.next` p50/p99 for one annotator alone
 * and with 50 annotators working at once (2-8 s think time, as the save benchmark), over HTTP
 * against the real web app, on real Postgres and on the embedded database; the lease-ahead call,
 * how often the next image was already prefetched, that no task was served twice, and the web
 * server's resident memory meanwhile (bench/speed/queue-under-load.ts). Then the lease statement
 * alone at two queue sizes, beside the statement it replaced (`statement`).
 * Targets: p99 <= 100 ms on Postgres, <= 250 ms embedded.
 *
 *   npm run bench:queue [-- --quick]
 */
import { cpus, loadavg } from 'node:os';
import type { BenchOptions } from '../run';
import { measured } from '../lib/measured';
import { measureLeaseStatement, measureQueueUnderLoad } from '../speed/queue-under-load';

export interface QueueBenchOptions extends BenchOptions {
  /** npm test: the statement comparison only, tiny (the HTTP run needs a production build). */
  smoke?: boolean;
}

function sizes(options: QueueBenchOptions) {
  if (options.smoke)
    return { annotators: 0, rounds: 0, queueSize: 0, queueSizes: [200, 2_000], runs: 5 };
  if (options.quick)
    return { annotators: 50, rounds: 3, queueSize: 2_000, queueSizes: [1_000, 10_000], runs: 15 };
  // 12 rounds: 600 queue.next samples per database, enough for the largest to bound the p99 (a
  // quick run's 150 cannot: its p99Interval95.high is null); the same for 400 cycles alone.
  return {
    annotators: 50,
    rounds: 12,
    aloneCycles: 400,
    queueSize: 10_000,
    queueSizes: [1_000, 50_000],
    runs: 30,
  };
}

export async function runQueueBench(options: QueueBenchOptions): Promise<Record<string, unknown>> {
  const size = sizes(options);
  const result: Record<string, unknown> = {
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
  if (size.annotators > 0) {
    for (const database of ['postgres', 'embedded'] as const) {
      result[database] = await measured(`queue/${database}`, () =>
        measureQueueUnderLoad({
          database,
          annotators: size.annotators,
          rounds: size.rounds,
          queueSize: size.queueSize,
          ...('aloneCycles' in size ? { aloneCycles: size.aloneCycles } : {}),
        }),
      );
    }
  }
  const statement: Record<string, unknown> = {};
  for (const database of ['postgres', 'embedded'] as const) {
    statement[database] = await measured(`queue/statement ${database}`, () =>
      measureLeaseStatement({ database, queueSizes: size.queueSizes, runs: size.runs }),
    );
  }
  result['statement'] = statement;
  result['loadAverageAtEnd'] = Math.round((loadavg()[0] ?? 0) * 10) / 10;
  result['notes'] = [
    `On a ${cpus().length}-core machine shared with other work (1-min load average ${String(result['loadAverageAtStart'])} at start, ${String(result['loadAverageAtEnd'])} at end): noisy upper bounds.`,
    "<db>.next: queue.next round trips (HTTP, the real app under next start) as 50 annotators felt them while all worked at once, each as the annotate page does: next, image (unless prefetched), lease-ahead (next with excludeTaskId) + prefetch of its pixels and thumbnail, 2-8 s think time, save, submit; the queue holds queueSize more tasks. <db>.alone: one annotator, nobody else working, cycling with no think time (6 cycles in --quick, 400 in the full run: 367 or more bound its p99). tasksServedTwice must be 0. serverRssMiB: the next start process tree during the 50-annotator phase. Every figure carries n (samples) and p99Interval95 (a 95% distribution-free interval for the p99 from order statistics; high null: too few samples to bound it). nextAndLeaseAhead: every queue.next call of the 50 together. nextServer: the server's own time per queue.next (Server-Timing handler: session, role, lease, task view), nextOutsideHandler: client minus that (queued in the server before the handler, HTTP, the bench's loop), nextSlowest: the slowest 1% one by one; benchEventLoopDelayMs: the bench process's own event-loop delay meanwhile.",
    'statement.<db>.queue<N>: the lease statement alone in-process (lease + release, N tasks, a tenth already submitted): current = walks the status index, LIMIT 1 per source; before = the statement it replaced (sorts every leasable task).',
  ].join(' ');
  return result;
}
