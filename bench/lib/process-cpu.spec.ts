import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { countCpu } from './process-cpu';

describe.skipIf(!existsSync('/proc/self/stat'))('countCpu', () => {
  it("counts a busy process's CPU time and not an idle one's", async () => {
    // Burns 300 ms of its own CPU time (not wall time), says so, then stays alive idle.
    const busy = spawn(process.execPath, [
      '-e',
      `process.stdin.once('data', () => {
        const t = process.cpuUsage();
        while ((process.cpuUsage(t).user + process.cpuUsage(t).system) < 300_000) {}
        console.log('done');
      }); setInterval(() => {}, 1000);`,
    ]);
    const idle = spawn('sleep', ['30']);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // node's own start-up, uncounted
      const busyCpu = countCpu([busy.pid as number]);
      const idleCpu = countCpu([idle.pid as number]);
      busy.stdin.write('go\n');
      await once(busy.stdout, 'data');
      expect(busyCpu.stop()).toBeGreaterThanOrEqual(280);
      expect(idleCpu.stop()).toBeLessThan(50);
      expect(countCpu([]).stop()).toBeNull();
    } finally {
      busy.kill('SIGKILL');
      idle.kill('SIGKILL');
    }
  });
});
