import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processTreePids, processTreeRssMiB } from './process-rss';

// The faults bench SIGKILLs `next start` with everything it forked; a missed child keeps the port.
describe.skipIf(!existsSync('/proc/self/stat'))('processTreePids', () => {
  it('lists a process and its grandchildren, and none of its siblings', async () => {
    const sibling = spawn('sleep', ['30']);
    // sh forks two sleeps and waits: the root has children, which have none.
    const root = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait']);
    try {
      let tree: number[] = [];
      for (let i = 0; i < 100 && tree.length < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        tree = processTreePids(root.pid as number);
      }
      expect(tree[0]).toBe(root.pid);
      expect(tree).toHaveLength(3);
      expect(tree).not.toContain(sibling.pid);
      expect(tree).not.toContain(process.pid);
      expect(processTreeRssMiB(root.pid)).toBeGreaterThan(0);
    } finally {
      for (const pid of processTreePids(root.pid as number)) process.kill(pid, 'SIGKILL');
      sibling.kill('SIGKILL');
    }
  });
});
