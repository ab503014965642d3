/** libs/db's typed errors -> AppError. Returns null for anything it does not recognise. */
import { isDbError } from '@loupe/db';
import { AppError, type AppErrorCode } from './app-error';

const DB_CODE_TO_APP: Record<string, AppErrorCode> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  LEASE_EXPIRED: 'LEASE_EXPIRED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_INPUT: 'BAD_INPUT',
  UNAVAILABLE: 'UNAVAILABLE',
  DISK_FULL: 'STORAGE_FULL',
};

export const DATABASE_DISK_FULL_MESSAGE =
  "The database's disk is full; nothing was stored. Free some space on it, then try again.";

/** Postgres's disk_full (53100): the database could not write; the query itself was fine. */
function isDatabaseDiskFull(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (code === '53100' || sqlState(current) === '53100') return true;
    current = cause;
  }
  return false;
}

/** How long a client waits before trying again while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export const DATABASE_UNAVAILABLE_MESSAGE =
  'The database is unavailable; your work is kept, retrying.';

/**
 * Codes that mean "the database could not be reached or went away", not "the query was wrong":
 * Prisma's P1001 (can't reach), P1002 (timed out), P1017 (server closed the connection), and
 * Postgres's SQLSTATE class 08 (connection exception) and 57P01-57P03 (shut down, crashed,
 * starting up). Socket errno codes alone are not enough: a PACS fetch fails with them too.
 */
const UNREACHABLE_CODES = /^(P1001|P1002|P1017|08[0-9A-Z]{3}|57P0[123])$/;

/**
 * What the driver adapter says when the socket is gone, measured with a client on a closed port
 * and an embedded (PGlite) server stopped under it: P2010 "Can't reach database server at ...",
 * or pg's "Connection terminated unexpectedly" with no code at all.
 */
const UNREACHABLE_MESSAGE =
  /Can't reach database server|Connection terminated|Server has closed the connection|Client has encountered a connection error|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i;

/**
 * A raw query's failure (Prisma P2010) carries Postgres's SQLSTATE in `meta.code`, not `code`:
 * measured in bench:faults, "Raw query failed. Code: `57P03`" while a crashed Postgres recovers.
 */
function sqlState(error: object): unknown {
  const meta = (error as { meta?: unknown }).meta;
  return typeof meta === 'object' && meta !== null ? (meta as { code?: unknown }).code : undefined;
}

/** An error or one of its causes (the adapter wraps the driver's error) says the database is gone. */
export function isDatabaseUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    if (isDbError(current) && current.code === 'UNAVAILABLE') return true;
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && UNREACHABLE_CODES.test(code)) return true;
    const state = sqlState(current);
    if (typeof state === 'string' && UNREACHABLE_CODES.test(state)) return true;
    if (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message)) return true;
    current = cause;
  }
  return false;
}

/** Prisma's unique-constraint violation: the loser of a race on a unique key. */
function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002'
  );
}

export function fromDbError(error: unknown): AppError | null {
  if (isUniqueViolation(error))
    return new AppError(
      'CONFLICT',
      'Someone else saved the same thing at the same moment; reload and try again.',
      undefined,
      { cause: error },
    );
  if (isDatabaseDiskFull(error))
    return new AppError('STORAGE_FULL', DATABASE_DISK_FULL_MESSAGE, undefined, { cause: error });
  if (isDatabaseUnreachable(error))
    return new AppError(
      'UNAVAILABLE',
      DATABASE_UNAVAILABLE_MESSAGE,
      { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
      { cause: error },
    );
  if (!isDbError(error)) return null;
  const code = DB_CODE_TO_APP[error.code];
  if (!code) return null;
  return new AppError(code, error.message, undefined, { cause: error });
}
