import { DbError, LeaseConflictError } from '@loupe/db';
import { PromptError } from '@loupe/prompts';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error';
import { APP_ERROR_HTTP, errorResponse, toAppError } from './to-http';

describe('error mapping', () => {
  it('maps library errors to AppError codes and HTTP statuses in one place', () => {
    expect(toAppError(new PromptError('box.x1', 'outside the image'))).toMatchObject({
      code: 'BAD_INPUT',
      details: { field: 'box.x1' },
    });
    expect(toAppError(new LeaseConflictError('held by someone else', 'u2')).code).toBe('CONFLICT');
    expect(toAppError(new DbError('LEASE_EXPIRED', 'expired')).code).toBe('LEASE_EXPIRED');
    expect(toAppError(Object.assign(new Error('unique'), { code: 'P2002' })).code).toBe('CONFLICT');
    expect(toAppError(new Error('boom')).code).toBe('INTERNAL');
    expect(APP_ERROR_HTTP.STALE_MODEL).toEqual({ trpc: 'PRECONDITION_FAILED', status: 412 });
  });

  it('route handler responses carry the code and message, never internals', async () => {
    const refused = errorResponse(new AppError('TOO_LARGE', 'File is too big.'));
    expect(refused.status).toBe(413);
    expect(await refused.json()).toEqual({
      error: { code: 'TOO_LARGE', message: 'File is too big.', details: null },
    });
    const original = console.error;
    console.error = () => undefined;
    try {
      const internal = errorResponse(new Error('password=hunter2 at db'));
      expect(internal.status).toBe(500);
      expect(JSON.stringify(await internal.json())).not.toMatch(/hunter2/);
    } finally {
      console.error = original;
    }
  });
});
