/**
 * The real web app for end-to-end measurements, without touching apps/web's own .next (its
 * developer may be running `next dev` there): a private copy of apps/web in the temp folder,
 * beside links to the repo's node_modules, libs and models, built once with the app's own build
 * (inference worker + `next build`) and rebuilt when apps/web or libs change; served by
 * `next start` in a child process against the bench's database and folders.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../lib/repo-root';

export class WebAppUnavailableError extends Error {
  override name = 'WebAppUnavailableError';
}

const BUILD_ROOT = join(tmpdir(), 'loupe-bench-web');
const WEB_COPY = join(BUILD_ROOT, 'apps', 'web');
const STAMP = join(BUILD_ROOT, 'source-stamp.txt');

/** Newest mtime under the folders the app is built from (skipping outputs). */
async function newestSourceMtime(dirs: string[]): Promise<number> {
  let newest = 0;
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (['node_modules', '.next', 'generated', 'public', '.scratch'].includes(entry.name)) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile()) newest = Math.max(newest, (await stat(full)).mtimeMs);
    }
  };
  for (const dir of dirs) if (existsSync(dir)) await visit(dir);
  return newest;
}

function run(command: string, args: string[], cwd: string, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const keep = (chunk: Buffer) => tail.push(...chunk.toString().split('\n').filter(Boolean)) && tail.splice(0, Math.max(0, tail.length - 30));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new WebAppUnavailableError(`${command} ${args.join(' ')} failed (exit ${code}):\n${tail.join('\n')}`));
    });
    log(`[bench] ${args.join(' ')} in ${cwd}`);
  });
}

let builtThisProcess: Promise<string> | null = null;

/**
 * Returns the built copy's apps/web folder, building it when missing or stale. Built at most once
 * per process, so every measurement of one bench run uses the same build.
 */
export function prepareWebAppBuild(log: (line: string) => void = console.log): Promise<string> {
  builtThisProcess ??= buildIfStale(log).catch((error: unknown) => {
    builtThisProcess = null;
    throw error;
  });
  return builtThisProcess;
}

async function buildIfStale(log: (line: string) => void): Promise<string> {
  const sources = [join(repoRoot, 'apps', 'web'), join(repoRoot, 'libs')];
  const stamp = String(await newestSourceMtime(sources));
  if (existsSync(join(WEB_COPY, '.next', 'BUILD_ID')) && existsSync(STAMP) && (await readFile(STAMP, 'utf8')) === stamp) return WEB_COPY;
  await rm(BUILD_ROOT, { recursive: true, force: true });
  await mkdir(join(BUILD_ROOT, 'apps'), { recursive: true });
  await cp(join(repoRoot, 'apps', 'web'), WEB_COPY, {
    recursive: true,
    filter: (source) => !/[/\\](node_modules|\.next)([/\\]|$)/.test(source) && !/public[/\\](ort|inference-worker\.js)/.test(source),
  });
  for (const file of ['tsconfig.base.json', 'nx.json', 'package.json']) await cp(join(repoRoot, file), join(BUILD_ROOT, file));
  for (const link of ['node_modules', 'libs', 'models']) await symlink(join(repoRoot, link), join(BUILD_ROOT, link));
  const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
  const started = Date.now();
  await run(bin('tsx'), ['scripts/build-worker.ts'], WEB_COPY, log);
  await run(bin('next'), ['build'], WEB_COPY, log);
  await writeFile(STAMP, stamp);
  log(`[bench] web app built in ${((Date.now() - started) / 1000).toFixed(0)} s (${WEB_COPY})`);
  return WEB_COPY;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningWebApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** `next start` on a free 127.0.0.1 port with the given env; resolves once it answers HTTP. */
export async function startWebApp(options: { webDir: string; env: Record<string, string>; timeoutMs?: number }): Promise<RunningWebApp> {
  const port = await freePort();
  const child = spawn(join(repoRoot, 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: options.webDir,
    env: { ...process.env, ...options.env, PORT: String(port), NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const output = () => lines.slice(-30).join('\n');
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (;;) {
    if (child.exitCode !== null) throw new WebAppUnavailableError(`next start exited with ${child.exitCode}:\n${output()}`);
    const answered = await fetch(`${url}/sign-in`).then(
      (response) => response.status < 500,
      () => false,
    );
    if (answered) return { url, output, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new WebAppUnavailableError(`next start did not answer within ${options.timeoutMs ?? 60_000} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
