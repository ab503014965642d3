import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { missingEntryPoints } from './check-entry-points';
import { spawnManaged } from './managed-child';
import { formatPrefix, prefixLines } from './prefix-lines';
import { webBuildIsStale } from './web-build-is-stale';

const scratch = mkdtempSync(join(tmpdir(), 'loupe-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function touch(path: string, secondsAgo: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, 'x');
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, when, when);
}

describe('webBuildIsStale', () => {
  it('is stale without a build, fresh after one, stale again when a source changes', () => {
    const root = join(scratch, 'repo');
    touch(join(root, 'apps/web/src/page.tsx'), 100);
    touch(join(root, 'apps/web/src/page.spec.tsx'), 1); // specs are not built
    expect(webBuildIsStale(root, ['apps/web/src'])).toBe(true);
    touch(join(root, 'apps/web/.next/BUILD_ID'), 50);
    expect(webBuildIsStale(root, ['apps/web/src', 'libs/missing'])).toBe(false);
    touch(join(root, 'apps/web/src/deep/new.ts'), 10);
    expect(webBuildIsStale(root, ['apps/web/src'])).toBe(true);
  });
});

describe('missingEntryPoints', () => {
  it('names each missing entry point and web script', () => {
    const root = join(scratch, 'entries');
    mkdirSync(join(root, 'apps/web'), { recursive: true });
    writeFileSync(
      join(root, 'apps/web/package.json'),
      JSON.stringify({ scripts: { build: 'next build' } }),
    );
    expect(missingEntryPoints(root, { dev: false, seed: true })).toEqual([
      'apps/web/src/server/seed/cli.ts (the demo seed)',
      'apps/trainer/src/main.ts (the trainer worker)',
      'the "start" script in apps/web/package.json',
    ]);
    touch(join(root, 'apps/trainer/src/main.ts'), 0);
    expect(missingEntryPoints(root, { dev: true, seed: false })).toEqual([
      'the "dev" script in apps/web/package.json',
    ]);
  });
});

describe('prefixLines', () => {
  it('prefixes every line and reports it raw', async () => {
    const written: string[] = [];
    const seen: string[] = [];
    prefixLines(
      Readable.from(['one\ntw', 'o\nthree']),
      'web',
      (line) => written.push(line),
      (line) => seen.push(line),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toEqual(['[web] one', '[web] two', '[web] three']);
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(formatPrefix('db', false)).toBe('[db] ');
  });
});

/** Alive and not a zombie (an orphan nobody reaps stays in the table as Z). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('spawnManaged', () => {
  it('stops the whole process group, grandchildren included', async () => {
    const pidFile = join(scratch, 'grandchild.pid');
    // A shell that starts a long-lived grandchild, like `npm run start` -> sh -> next.
    const child = spawnManaged({
      name: 'test',
      command: 'sh',
      args: ['-c', `sleep 60 & echo $! > ${pidFile}; echo started; wait`],
      cwd: scratch,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(isRunning(grandchild)).toBe(true);
    await child.stop(2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isRunning(grandchild)).toBe(false);
  });

  it('reports the exit code of a child that dies', async () => {
    const child = spawnManaged({
      name: 'dies',
      command: process.execPath,
      args: ['-e', 'process.exit(3)'],
      cwd: scratch,
      env: {},
    });
    expect(await child.exited).toBe(3);
  });
});
