export type DbErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'LEASE_EXPIRED'
  | 'FORBIDDEN'
  | 'BAD_INPUT'
  | 'INTEGRITY'
  | 'UNAVAILABLE'
  | 'DISK_FULL'
  | 'MIGRATION'
  | 'PORT_IN_USE'
  | 'MISSING_FILE';

/**
 * The one error type of libs/db. `code` is what callers branch on (the web maps it to tRPC codes);
 * `message` is one line a person can act on.
 */
export class DbError extends Error {
  override readonly name: string = 'DbError';
  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Someone else holds the lease (or the task is not leasable); the loser of a lease race gets this. */
export class LeaseConflictError extends DbError {
  override readonly name = 'LeaseConflictError';
  constructor(
    message: string,
    readonly holderId: string | null = null,
  ) {
    super('CONFLICT', message);
  }
}

/** The save carried an older Task.revision than the database has: someone saved in between. */
export class StaleRevisionError extends DbError {
  override readonly name = 'StaleRevisionError';
  constructor(
    readonly expectedRevision: number,
    readonly actualRevision: number,
  ) {
    super(
      'CONFLICT',
      `Task changed since you loaded it (revision ${actualRevision}, you had ${expectedRevision}); reload it.`,
    );
  }
}

export function isDbError(error: unknown): error is DbError {
  return error instanceof DbError;
}
