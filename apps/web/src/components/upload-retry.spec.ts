import { describe, expect, it } from 'vitest';
import {
  UPLOAD_RETRIES,
  sendWithRetry,
  shouldRetryUpload,
  uploadRetryDelay,
  type UploadAnswer,
} from './upload-retry';

const answer = (status: number, retryAfterSeconds: number | null = null): UploadAnswer => ({
  status,
  body: { error: { code: status === 503 ? 'UNAVAILABLE' : 'X', message: 'm' } },
  retryAfterSeconds,
});

describe('upload retry', () => {
  it('retries only a 503, and only UPLOAD_RETRIES times', () => {
    expect(shouldRetryUpload(1, answer(503))).toBe(true);
    expect(shouldRetryUpload(UPLOAD_RETRIES, answer(503))).toBe(true);
    expect(shouldRetryUpload(UPLOAD_RETRIES + 1, answer(503))).toBe(false);
    for (const final of [201, 200, 400, 409, 413, 415, 507, 500, 0])
      expect(shouldRetryUpload(1, answer(final))).toBe(false);
  });

  it("waits the server's Retry-After (header, else the error's details), else doubles, capped at 8 s", () => {
    expect(uploadRetryDelay(1, answer(503, 5))).toBe(5_000);
    expect(
      uploadRetryDelay(1, {
        status: 503,
        body: { error: { details: { retryAfterSeconds: 3 } } },
        retryAfterSeconds: null,
      }),
    ).toBe(3_000);
    expect(uploadRetryDelay(1, answer(503))).toBe(1_000);
    expect(uploadRetryDelay(3, answer(503))).toBe(4_000);
    expect(uploadRetryDelay(9, answer(503, 60))).toBe(8_000);
  });

  it('sends again after each 503 until an answer is final, reporting every wait', async () => {
    const answers = [answer(503, 2), answer(503), answer(201)];
    const waits: Array<[number, number]> = [];
    const slept: number[] = [];
    const final = await sendWithRetry(
      async () => answers.shift()!,
      (failures, delayMs) => waits.push([failures, delayMs]),
      async (ms) => void slept.push(ms),
    );
    expect(final.status).toBe(201);
    expect(waits).toEqual([
      [1, 2_000],
      [2, 2_000],
    ]);
    expect(slept).toEqual([2_000, 2_000]);
  });

  it('gives up with the last 503 once the retries are spent', async () => {
    let sent = 0;
    const final = await sendWithRetry(
      async () => (sent++, answer(503)),
      () => undefined,
      async () => undefined,
    );
    expect(final.status).toBe(503);
    expect(sent).toBe(UPLOAD_RETRIES + 1);
  });
});
