/**
 * When an upload is sent again by itself: only while the server answers 503 (the database is
 * unavailable; nothing was stored), as the annotate page's save retry does. Every other answer is
 * final and shown at once: a refusal (bad file, too large, disk full) is not fixed by waiting.
 */

/** Tries after the first; with the delays below, about 45 s of waiting in all. */
export const UPLOAD_RETRIES = 8;
const FIRST_DELAY_MS = 1_000;
const LONGEST_DELAY_MS = 8_000;

export interface UploadAnswer {
  status: number;
  body: Record<string, unknown>;
  /** The Retry-After header, in seconds, when the server sent one. */
  retryAfterSeconds: number | null;
}

/** `failures`: failed tries so far, this one included. */
export function shouldRetryUpload(failures: number, answer: UploadAnswer): boolean {
  return failures <= UPLOAD_RETRIES && answer.status === 503;
}

/** The server's Retry-After when it gave one (capped), else doubling from 1 s. */
export function uploadRetryDelay(failures: number, answer: UploadAnswer): number {
  const details = (answer.body['error'] as { details?: { retryAfterSeconds?: unknown } } | null)
    ?.details;
  const said =
    answer.retryAfterSeconds ??
    (typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds : 0);
  const backoff = Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.min(LONGEST_DELAY_MS, Math.max(backoff, said * 1000));
}

/** What the upload list shows while it waits to try again. */
export function uploadRetryingMessage(failures: number, delayMs: number): string {
  return `Database unavailable; nothing stored yet, retrying in ${Math.ceil(delayMs / 1000)} s (try ${failures + 1} of ${UPLOAD_RETRIES + 1})`;
}

/**
 * Sends with `send` until the answer is final or the retries are spent; `onRetry` hears each wait.
 * The last answer is returned either way.
 */
export async function sendWithRetry(
  send: () => Promise<UploadAnswer>,
  onRetry: (failures: number, delayMs: number) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<UploadAnswer> {
  for (let failures = 1; ; failures++) {
    const answer = await send();
    if (!shouldRetryUpload(failures, answer)) return answer;
    const delayMs = uploadRetryDelay(failures, answer);
    onRetry(failures, delayMs);
    await sleep(delayMs);
  }
}
