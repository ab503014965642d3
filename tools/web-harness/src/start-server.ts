/** `next start` of the shared production build (see ensure-production-build.ts) in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';
import { nextBin, TEST_DIST_DIR, webRoot } from './paths';

export interface RunningServer {
  url: string;
  /** Everything the server printed (stdout and stderr). */
  output: () => string;
  /** The `next start` process (its resident memory is a benchmark figure). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** `next start` of the build on 127.0.0.1 with the given environment; resolves once it answers. */
export async function startServer(
  env: Record<string, string>,
  port?: number,
  timeoutMs = 60_000,
): Promise<RunningServer> {
  const listenPort = port ?? (await freePort());
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [nextBin, 'start', '-p', String(listenPort), '-H', '127.0.0.1'],
    {
      cwd: webRoot,
      env: {
        ...process.env,
        ...env,
        LOUPE_NEXT_DIST_DIR: TEST_DIST_DIR,
        NEXT_TELEMETRY_DISABLED: '1',
        NODE_ENV: 'production',
        PORT: String(listenPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    // Long benchmark runs: keep the recent part only.
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const url = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`next start exited with ${child.exitCode}:\n${output.slice(-3000)}`);
    try {
      const response = await fetch(`${url}/sign-in`, { redirect: 'manual' });
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `next start did not answer within ${timeoutMs / 1000} s:\n${output.slice(-3000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, output: () => output, pid: child.pid, stop };
}
