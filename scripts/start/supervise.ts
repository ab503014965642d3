/**
 * Keeps a long-lived child (the web server, the trainer) running: when it dies it is restarted
 * after a backoff that doubles per quick death (1 s, 2 s, ... 30 s) and resets once a run lasted
 * a minute, and each restart is announced. Before a restart, whatever is left of the dead
 * child's process group (a next-server whose npm parent died) is stopped, so the port is free.
 */
import type { ManagedChild } from './managed-child';

export interface SupervisedChild {
  name: string;
  /** How many times it was restarted. */
  restarts(): number;
  /** Stops it for good (no more restarts); resolves once its process group is gone. */
  stop(graceMs: number): Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  spawn: () => ManagedChild;
  say: (line: string) => void;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A run at least this long counts as healthy: the next death restarts after backoffMs again. */
  healthyAfterMs?: number;
}

export function supervise(options: SuperviseOptions): SupervisedChild {
  const backoffMs = options.backoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const healthyAfterMs = options.healthyAfterMs ?? 60_000;
  let stopped = false;
  let restarts = 0;
  let quickDeaths = 0;
  let pending: ReturnType<typeof setTimeout> | null = null;
  let current: ManagedChild;

  const run = () => {
    const started = Date.now();
    const child = options.spawn();
    current = child;
    void child.exited.then(async (code) => {
      if (stopped) return;
      await child.stop(2_000); // what is left of its group
      if (stopped) return;
      quickDeaths = Date.now() - started >= healthyAfterMs ? 1 : quickDeaths + 1;
      const delay = Math.min(backoffMs * 2 ** (quickDeaths - 1), maxBackoffMs);
      options.say(
        `${options.name} exited with code ${code}; restarting in ${(delay / 1000).toFixed(1)} s (restart ${restarts + 1})`,
      );
      pending = setTimeout(() => {
        pending = null;
        if (stopped) return;
        restarts += 1;
        run();
      }, delay);
    });
  };
  run();

  return {
    name: options.name,
    restarts: () => restarts,
    async stop(graceMs) {
      stopped = true;
      if (pending) clearTimeout(pending);
      await current.stop(graceMs);
    },
  };
}
