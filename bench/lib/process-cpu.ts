/**
 * CPU time (user + system) used by processes, from Linux /proc: what a load benchmark's work
 * costs, which unlike latency does not depend on how busy the machine is. Null where /proc is not
 * there (macOS) or the process has exited.
 */
import { readFileSync } from 'node:fs';
import { processTreePids } from './process-rss';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every Linux ABI). */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds a process has used so far (itself; waited-for children not included). */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": utime and stime are fields 14 and 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/**
 * Starts counting the CPU time of a fixed set of processes (and, for `trees`, their descendants
 * as they are when counting starts); `stop()` answers the milliseconds they used meanwhile.
 */
export function countCpu(pids: readonly number[], options: { trees?: boolean } = {}) {
  const watched = options.trees ? pids.flatMap((pid) => processTreePids(pid)) : [...pids];
  const used = () => watched.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
  const start = used();
  return { stop: () => (watched.length === 0 ? null : Math.round(used() - start)) };
}
