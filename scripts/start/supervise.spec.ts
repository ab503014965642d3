import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnManaged } from './managed-child';
import { supervise } from './supervise';

const scratch = mkdtempSync(join(tmpdir(), 'loupe-supervise-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('spawnManaged.stop', () => {
  it('kills what the child left running after it exited, escalating to SIGKILL', async () => {
    const pidFile = join(scratch, 'stubborn.pid');
    // Like npm exiting while next-server (ignoring SIGTERM, held by an open stream) lives on.
    const stubborn = `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)`;
    const child = spawnManaged({
      name: 'npm-like',
      command: 'sh',
      args: ['-c', `${process.execPath} -e "${stubborn}" & echo $! > ${pidFile}; exit 0`],
      cwd: scratch,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    });
    expect(await child.exited).toBe(0);
    await sleep(300);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(isRunning(grandchild)).toBe(true);
    expect(child.groupAlive()).toBe(true);
    const started = Date.now();
    await child.stop(500);
    expect(isRunning(grandchild)).toBe(false);
    expect(child.groupAlive()).toBe(false);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('supervise', () => {
  it('restarts a child that dies, with a growing backoff, and says so; stop ends it for good', async () => {
    const lines: string[] = [];
    let spawned = 0;
    const child = supervise({
      name: 'flaky',
      say: (line) => lines.push(line),
      backoffMs: 100,
      maxBackoffMs: 400,
      spawn: () => {
        spawned += 1;
        return spawnManaged({
          name: 'flaky',
          command: process.execPath,
          args: ['-e', 'process.exit(7)'],
          cwd: scratch,
          env: {},
        });
      },
    });
    const deadline = Date.now() + 10_000;
    while (child.restarts() < 3 && Date.now() < deadline) await sleep(50);
    await child.stop(1_000);
    const after = spawned;
    await sleep(600);
    expect(spawned).toBe(after);
    expect(lines.slice(0, 3)).toEqual([
      'flaky exited with code 7; restarting in 0.1 s (restart 1)',
      'flaky exited with code 7; restarting in 0.2 s (restart 2)',
      'flaky exited with code 7; restarting in 0.4 s (restart 3)',
    ]);
  });

  it('keeps a healthy child running and stops its whole group', async () => {
    const child = supervise({
      name: 'steady',
      say: () => undefined,
      spawn: () =>
        spawnManaged({
          name: 'steady',
          command: process.execPath,
          args: ['-e', 'setInterval(() => {}, 1000)'],
          cwd: scratch,
          env: {},
        }),
    });
    await sleep(300);
    await child.stop(1_000);
    expect(child.restarts()).toBe(0);
  });
});
