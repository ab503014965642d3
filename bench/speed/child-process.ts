/**
 * Runs a helper process (a tsx script) that prints one `READY <json>` line when it is serving,
 * so servers under load run outside the process that generates the load and times it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../lib/repo-root';

export const READY_PREFIX = 'READY ';

export class ChildProcessError extends Error {
  override name = 'ChildProcessError';
}

export interface ReadyChild<T> {
  ready: T;
  child: ChildProcess;
  /** Output so far (last lines), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startReadyChild<T>(options: {
  script: string;
  env: Record<string, string>;
  name: string;
  timeoutMs?: number;
}): Promise<ReadyChild<T>> {
  const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [options.script], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const output = () => lines.slice(-20).join('\n');
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new ChildProcessError(
            `${options.name}: not ready within ${options.timeoutMs ?? 120_000} ms\n${output()}`,
          ),
        ),
      options.timeoutMs ?? 120_000,
    );
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        if (line.startsWith(READY_PREFIX)) {
          clearTimeout(timer);
          resolve(JSON.parse(line.slice(READY_PREFIX.length)) as T);
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new ChildProcessError(
          `${options.name} exited with code ${code} before it was ready\n${output()}`,
        ),
      );
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGTERM');
    throw error;
  });
  return {
    ready,
    child,
    output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** For the child side: announce readiness and stop cleanly on SIGTERM. */
export function announceReady(payload: unknown, onStop: () => Promise<void>): void {
  console.log(`${READY_PREFIX}${JSON.stringify(payload)}`);
  const stop = () => {
    onStop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
