/**
 * Resident memory of a process and all its descendants (Linux /proc), in MiB: `next start` and
 * the trainer may fork helpers, and what the machine must hold is the whole tree. Null where /proc
 * is not there (macOS) or the process has exited.
 */
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
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

/** The process and all its descendants (the root alone where /proc is not there). */
export function processTreePids(rootPid: number): number[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [rootPid];
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop() as number;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export function processTreeRssMiB(rootPid: number | undefined): number | null {
  if (rootPid === undefined) return null;
  let total = 0;
  for (const pid of processTreePids(rootPid)) total += rssKiB(pid);
  return total > 0 ? Math.round((total / 1024) * 10) / 10 : null;
}

/** Samples the tree's RSS every `intervalMs` until stopped; returns peak and mean. */
export function sampleRss(
  rootPid: number | undefined,
  intervalMs = 500,
): { stop(): { peakMiB: number; meanMiB: number; samples: number } | null } {
  const samples: number[] = [];
  const take = () => {
    const value = processTreeRssMiB(rootPid);
    if (value !== null) samples.push(value);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      if (samples.length === 0) return null;
      const mean = samples.reduce((a, v) => a + v, 0) / samples.length;
      return {
        peakMiB: Math.max(...samples),
        meanMiB: Math.round(mean * 10) / 10,
        samples: samples.length,
      };
    },
  };
}
