/**
 * glibc malloc settings for the long-running Node servers (web app, trainer, embedded database),
 * set in their environment because glibc reads them once, before any JS runs. Without them a
 * server that once held large upload buffers keeps that memory resident after freeing it:
 * glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), so later
 * multi-MiB buffers land in the heap or in one of up to 8 arenas per core (one per decode
 * thread), and freed heap memory is given back only from the top. A fixed threshold keeps every
 * block of 128 KiB or more in its own mapping, returned to the system on free; two arenas stop
 * each worker thread from keeping one of its own. Other C libraries ignore these variables.
 * A value already in the environment wins (an operator's own tuning).
 */
export const SERVER_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: String(128 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(128 * 1024),
};

/** `SERVER_MALLOC_ENV` under `env`: what `env` already sets is kept. */
export function withServerMallocEnv(env: Record<string, string>): Record<string, string> {
  return { ...SERVER_MALLOC_ENV, ...env };
}
