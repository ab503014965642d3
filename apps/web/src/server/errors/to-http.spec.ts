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

  it('a full disk (the blob store, or Postgres SQLSTATE 53100) is 507 STORAGE_FULL, not "database down"', async () => {
    const blobs = new DbError('DISK_FULL', 'The server has no space left to store files.');
    expect(toAppError(blobs).code).toBe('STORAGE_FULL');
    const postgres = new Error('adapter error', {
      cause: Object.assign(new Error('could not extend file: No space left on device'), {
        code: '53100',
      }),
    });
    expect(toAppError(postgres)).toMatchObject({ code: 'STORAGE_FULL' });
    const response = errorResponse(postgres);
    expect(response.status).toBe(507);
    expect(response.headers.get('Retry-After')).toBeNull();
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /disk is full/,
    );
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
