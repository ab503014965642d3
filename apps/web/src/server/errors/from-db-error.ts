/** libs/db's typed errors -> AppError. Returns null for anything it does not recognise. */
import { isDbError } from '@loupe/db';
import { AppError, type AppErrorCode } from './app-error';

const DB_CODE_TO_APP: Record<string, AppErrorCode> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  LEASE_EXPIRED: 'LEASE_EXPIRED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_INPUT: 'BAD_INPUT',
};

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
  if (!isDbError(error)) return null;
  const code = DB_CODE_TO_APP[error.code];
  if (!code) return null;
  return new AppError(code, error.message, undefined, { cause: error });
}
