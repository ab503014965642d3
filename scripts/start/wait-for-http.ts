/** Polls `url` until it answers with any HTTP status, the child dies, or the timeout passes. */
export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; gaveUp: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && !options.gaveUp()) {
    try {
      await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return false;
}
