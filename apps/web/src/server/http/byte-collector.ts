/**
 * Collects a stream's chunks into a few large blocks of our own and returns one buffer of exactly
 * the bytes received. Holding the chunks themselves (a body arrives in pieces of a few KiB to
 * 64 KiB) keeps thousands of small allocations alive until the end: a 300 MB upload leaves the
 * process heap fragmented and resident after it is freed. Blocks of a MiB and more are separate
 * mappings that go back to the system when freed (see libs/db server-malloc-env.ts), and each
 * chunk is garbage as soon as it is copied.
 */
const MiB = 1024 * 1024;
const FIRST_BLOCK = MiB;
const LARGEST_BLOCK = 16 * MiB;

export interface ByteCollector {
  push(chunk: Uint8Array): void;
  /** Bytes pushed so far. */
  readonly size: number;
  /**
   * The bytes, as a view of a whole ArrayBuffer of their own (movable to a worker thread), copied
   * a block at a time with a turn of the event loop between blocks.
   */
  finish(): Promise<Uint8Array>;
}

export function createByteCollector(): ByteCollector {
  const full: Buffer[] = [];
  let block: Buffer | null = null;
  let used = 0;
  let size = 0;
  return {
    get size() {
      return size;
    },
    push(chunk) {
      let at = 0;
      while (at < chunk.length) {
        if (!block || used === block.length) {
          if (block) full.push(block);
          // Blocks grow with the body (a small form stays small), up to LARGEST_BLOCK.
          block = Buffer.allocUnsafeSlow(Math.min(LARGEST_BLOCK, Math.max(FIRST_BLOCK, size)));
          used = 0;
        }
        const n = Math.min(chunk.length - at, block.length - used);
        block.set(chunk.subarray(at, at + n), used);
        used += n;
        at += n;
        size += n;
      }
    },
    async finish() {
      // allocUnsafeSlow: never a slice of Node's shared pool, so the buffer can be transferred.
      const out = Buffer.allocUnsafeSlow(size);
      const last = block;
      block = null;
      let at = 0;
      for (const b of full.splice(0)) {
        at += b.copy(out, at);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (last) last.copy(out, at, 0, used);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    },
  };
}
