/**
 * One full garbage collection shortly after large request bodies are done with (the upload route
 * calls this when it answers). An upload's buffers (the body, decoded slices, encoded PNGs) live
 * outside the JS heap, and V8 frees them only when it collects the small objects that own them;
 * a server that goes quiet after an upload allocates nothing, so nothing triggers that
 * collection and the memory stays resident for minutes. Calls within QUIET_MS of each other (a
 * batch of uploads) share one collection, run once they stop. Where the runtime gives no way to
 * collect, this does nothing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const QUIET_MS = 2000;

let collect: (() => void) | null | undefined;
let timer: NodeJS.Timeout | null = null;
let collections = 0;

/** V8's gc(): the global one under --expose-gc, else exposed to a fresh context (as Jest does). */
function gcFunction(): (() => void) | null {
  if (collect !== undefined) return collect;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return (collect = exposed);
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

export function collectGarbageSoon(quietMs = QUIET_MS): void {
  if (timer) {
    timer.refresh();
    return;
  }
  timer = setTimeout(() => {
    timer = null;
    const gc = gcFunction();
    if (!gc) return;
    gc();
    collections++;
  }, quietMs);
  timer.unref();
}

/** Collections run so far (tests). */
export function garbageCollections(): number {
  return collections;
}
