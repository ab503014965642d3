/**
 * One full garbage collection shortly after large request bodies are done with (the upload route
 * wraps each upload in `collectGarbageAfter`). An upload's buffers (the body, decoded slices,
 * encoded PNGs) live outside the JS heap, and V8 frees them only when it collects the small
 * objects that own them; a server that goes quiet after an upload allocates nothing, so nothing
 * triggers that collection and the memory stays resident for minutes. A forced full collection
 * stops every request for 100-500 ms on a busy server, so it runs only when it pays: once no
 * upload has been in flight for QUIET_MS (an upload that takes longer than that no longer gets
 * one in the middle of it), and only when at least WORTH_COLLECTING_BYTES of ArrayBuffer memory
 * is waiting. Where the runtime gives no way to collect, this does nothing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const QUIET_MS = 2000;
/** Below this much ArrayBuffer memory a forced pause frees too little to be worth it. */
const WORTH_COLLECTING_BYTES = 64 * 1024 * 1024;

let collect: (() => void) | null | undefined;
let timer: NodeJS.Timeout | null = null;
let collections = 0;
let uploadsInFlight = 0;

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

export function collectGarbageSoon(quietMs = QUIET_MS, worthBytes = WORTH_COLLECTING_BYTES): void {
  if (timer) {
    timer.refresh();
    return;
  }
  timer = setTimeout(() => {
    timer = null;
    // The upload still running schedules the collection again when it ends.
    if (uploadsInFlight > 0) return;
    const gc = gcFunction();
    if (!gc || process.memoryUsage().arrayBuffers < worthBytes) return;
    gc();
    collections++;
  }, quietMs);
  timer.unref();
}

/** Runs one upload's work; the collection waits until it and every other upload are done. */
export async function collectGarbageAfter<T>(work: () => Promise<T>): Promise<T> {
  uploadsInFlight++;
  try {
    return await work();
  } finally {
    uploadsInFlight--;
    collectGarbageSoon();
  }
}

/** Collections run so far (tests). */
export function garbageCollections(): number {
  return collections;
}
