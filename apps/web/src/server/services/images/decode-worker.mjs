/**
 * The decode pool's worker thread (decode-pool.ts). Plain ESM on purpose: Node loads it as is in
 * tests, in scripts run by tsx and under `next start` (Next's bundler never sees it), and it
 * loads the TypeScript decoders through tsx, so there is no second build to keep current.
 * Results move back (their ArrayBuffers are transferred), they are never copied.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { tsImport } from 'tsx/esm/api';

const { runDecodeTask, transferablesOf } = await tsImport('./decode-task.ts', import.meta.url);

export default async function decode(task) {
  const result = await runDecodeTask(task);
  return move({ [transferableSymbol]: transferablesOf(result), [valueSymbol]: result });
}
