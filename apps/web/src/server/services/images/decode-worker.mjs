/**
 * The decode pool's worker thread (decode-pool.ts). Plain ESM on purpose: Node loads it as is in
 * tests, in scripts run by tsx and under `next start` (Next's bundler never sees it), and it
 * loads the TypeScript decoders through tsx, so there is no second build to keep current.
 * Results move back (their ArrayBuffers are transferred), they are never copied.
 */
import { getPriority, setPriority } from 'node:os';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { tsImport } from 'tsx/esm/api';

/** How much lower than the request thread a decode thread runs (nice steps). */
const NICER_BY = 10;

// Decoding gives way to the request thread when they compete for a core. On Linux a nice value
// belongs to one thread, so this lowers this decode thread only (and threads it starts); on
// other systems it would lower the whole server, so it is left alone there.
if (process.platform === 'linux') {
  try {
    setPriority(0, Math.min(19, getPriority(0) + NICER_BY));
  } catch {
    // not permitted here: decode at the server's priority
  }
}

const { runDecodeTask, transferablesOf } = await tsImport('./decode-task.ts', import.meta.url);

export default async function decode(task) {
  const result = await runDecodeTask(task);
  return move({ [transferableSymbol]: transferablesOf(result), [valueSymbol]: result });
}
