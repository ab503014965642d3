import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { prefixLines } from './prefix-lines';

export interface ManagedChild {
  name: string;
  process: ChildProcess;
  /** Resolves with the exit code (signal deaths count as 1). */
  exited: Promise<number>;
  /** SIGTERM to the child's whole process group, SIGKILL after graceMs; resolves once the group is gone. */
  stop(graceMs?: number): Promise<number>;
  /** Whether any process of the child's group still runs (the child itself may have exited). */
  groupAlive(): boolean;
}

export interface SpawnManagedOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  onLine?: (line: string) => void;
}

/**
 * Starts a child in its own process group (so `npm run` -> sh -> next all stop together) with
 * its output prefixed by [name].
 */
export function spawnManaged(options: SpawnManagedOptions): ManagedChild {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.stdout)
    prefixLines(child.stdout, options.name, (line) => console.log(line), options.onLine);
  if (child.stderr)
    prefixLines(child.stderr, options.name, (line) => console.error(line), options.onLine);
  const exited = new Promise<number>((resolve) => {
    child.once('error', (error) => {
      console.error(`[${options.name}] could not start ${options.command}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  let stopping: Promise<number> | undefined;
  // The group outlives the direct child: `npm run start` exits on SIGTERM while next-server,
  // held open by a browser's event stream, keeps running. So signal and watch the group itself.
  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    if (child.pid === undefined) return false;
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  return {
    name: options.name,
    process: child,
    exited,
    groupAlive: () => signalGroup(0),
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        signalGroup('SIGTERM');
        const deadline = Date.now() + graceMs;
        let killed = false;
        while (signalGroup(0)) {
          if (!killed && Date.now() >= deadline) {
            signalGroup('SIGKILL');
            killed = true;
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return exited;
      })();
      return stopping;
    },
  };
}
