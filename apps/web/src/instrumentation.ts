/**
 * Next calls register() once when the server starts. On the Node.js runtime it warms the decode
 * pool's first thread (server/services/images/decode-pool.ts), so the first upload does not wait
 * seconds for a thread to load its decoders. NEXT_RUNTIME is Next's own, set per runtime at build
 * time (the one process.env read outside env.ts, as Next's instrumentation contract has it).
 */
export async function register(): Promise<void> {
  // The literal `process.env.NEXT_RUNTIME` check around the import is what lets Next drop the
  // decode pool (and the database client behind it) from the edge build.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { warmDecodePool } = await import('./server/services/images/decode-pool');
    // Not awaited: the server answers requests meanwhile; a decode that comes first just waits.
    warmDecodePool().catch((error: unknown) =>
      console.error('[loupe] decode pool warm-up failed', error),
    );
  }
}
