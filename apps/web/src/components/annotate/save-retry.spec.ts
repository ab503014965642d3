import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { SAVE_RETRIES, saveRetryDelay, shouldRetrySave } from './save-retry';

/** A tRPC client error as the client builds it from a server's error response. */
function refusal(httpStatus: number, appCode: string | null, details: unknown = null) {
  return TRPCClientError.from({
    error: {
      message: 'refused',
      code: -32603,
      data: { httpStatus, appCode, details, code: 'X' },
    },
  });
}

describe('save retry', () => {
  it('retries only while the database is unavailable, a bounded number of times', () => {
    const down = refusal(503, 'UNAVAILABLE', { retryAfterSeconds: 5 });
    expect(shouldRetrySave(1, down)).toBe(true);
    expect(shouldRetrySave(SAVE_RETRIES, down)).toBe(true);
    expect(shouldRetrySave(SAVE_RETRIES + 1, down)).toBe(false);
    expect(shouldRetrySave(1, refusal(409, 'CONFLICT'))).toBe(false);
    expect(shouldRetrySave(1, refusal(500, 'INTERNAL'))).toBe(false);
    expect(shouldRetrySave(1, new Error('boom'))).toBe(false);
  });

  it('waits at least what the server asks, doubling otherwise, at most 8 s', () => {
    expect(saveRetryDelay(1, refusal(503, 'UNAVAILABLE', { retryAfterSeconds: 5 }))).toBe(5_000);
    expect(saveRetryDelay(1, refusal(503, 'UNAVAILABLE'))).toBe(1_000);
    expect(saveRetryDelay(3, refusal(503, 'UNAVAILABLE'))).toBe(4_000);
    expect(saveRetryDelay(10, refusal(503, 'UNAVAILABLE', { retryAfterSeconds: 60 }))).toBe(8_000);
  });
});
