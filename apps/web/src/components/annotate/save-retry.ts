/**
 * When a save is tried again by itself: only while the server says the database is unavailable
 * (503; nothing was stored, the page keeps the mask). Every other failure is shown at once: a
 * conflict or a refusal is not fixed by waiting, and an unknown failure is the annotator's call.
 */
import { TRPCClientError } from '@trpc/client';

/** Tries after the first; with the delays below, about 45 s of waiting in all. */
export const SAVE_RETRIES = 8;
const FIRST_DELAY_MS = 1_000;
const LONGEST_DELAY_MS = 8_000;

export const SAVE_RETRYING_LABEL = 'Database unavailable; your work is kept, retrying…';

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const data = error.data as { httpStatus?: number; appCode?: string | null } | undefined;
  return data?.httpStatus === 503 || data?.appCode === 'UNAVAILABLE';
}

/** TanStack Query's `retry`: `failureCount` failures so far. */
export function shouldRetrySave(failureCount: number, error: unknown): boolean {
  return failureCount <= SAVE_RETRIES && isDatabaseUnavailable(error);
}

/** TanStack Query's `retryDelay`: the server's Retry-After when it gave one, else doubling. */
export function saveRetryDelay(failureCount: number, error: unknown): number {
  const data = error instanceof TRPCClientError ? (error.data as { details?: unknown }) : null;
  const details = data?.details as { retryAfterSeconds?: unknown } | null | undefined;
  const serverSays =
    typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds * 1000 : 0;
  const backoff = Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failureCount - 1));
  return Math.min(LONGEST_DELAY_MS, Math.max(backoff, serverSays));
}
