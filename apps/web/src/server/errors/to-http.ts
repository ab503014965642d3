/**
 * AppError code -> tRPC code and HTTP status, and conversion of the libraries' typed errors
 * into AppError. The tRPC error formatter and every route handler go through here.
 */
import { isPromptError } from '@loupe/prompts';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { AppError, isAppError, type AppErrorCode } from './app-error';
import { fromDbError } from './from-db-error';

export const APP_ERROR_HTTP: Record<AppErrorCode, { trpc: TRPC_ERROR_CODE_KEY; status: number }> = {
  UNAUTHENTICATED: { trpc: 'UNAUTHORIZED', status: 401 },
  FORBIDDEN: { trpc: 'FORBIDDEN', status: 403 },
  NOT_FOUND: { trpc: 'NOT_FOUND', status: 404 },
  BAD_INPUT: { trpc: 'BAD_REQUEST', status: 400 },
  CONFLICT: { trpc: 'CONFLICT', status: 409 },
  LEASE_EXPIRED: { trpc: 'CONFLICT', status: 409 },
  STALE_MODEL: { trpc: 'PRECONDITION_FAILED', status: 412 },
  UNSUPPORTED_MEDIA: { trpc: 'UNSUPPORTED_MEDIA_TYPE', status: 415 },
  TOO_LARGE: { trpc: 'PAYLOAD_TOO_LARGE', status: 413 },
  RATE_LIMITED: { trpc: 'TOO_MANY_REQUESTS', status: 429 },
  UNAVAILABLE: { trpc: 'SERVICE_UNAVAILABLE', status: 503 },
  // 507 Insufficient Storage on routes; tRPC has no such code (and 503 would mean "retry").
  STORAGE_FULL: { trpc: 'INTERNAL_SERVER_ERROR', status: 507 },
  INTERNAL: { trpc: 'INTERNAL_SERVER_ERROR', status: 500 },
};

/** Any thrown value -> AppError (unknown errors become INTERNAL, keeping the cause). */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (isPromptError(error))
    return new AppError('BAD_INPUT', error.message, { field: error.field }, { cause: error });
  const fromDb = fromDbError(error);
  if (fromDb) return fromDb;
  return new AppError('INTERNAL', 'internal error', undefined, { cause: error });
}

/** JSON error response for route handlers: `{ error: { code, message } }`. */
export function errorResponse(error: unknown): Response {
  const appError = toAppError(error);
  if (appError.code === 'INTERNAL')
    console.error('[loupe] internal error', appError.cause ?? appError);
  return Response.json(
    {
      error: { code: appError.code, message: appError.message, details: appError.details ?? null },
    },
    { status: APP_ERROR_HTTP[appError.code].status, headers: retryAfterHeaders(appError) },
  );
}

/** `Retry-After` (seconds) for an error that says when to come back (rate limits, database down). */
export function retryAfterHeaders(error: AppError): Record<string, string> {
  const seconds = error.details?.['retryAfterSeconds'];
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? { 'Retry-After': String(Math.ceil(seconds)) }
    : {};
}
