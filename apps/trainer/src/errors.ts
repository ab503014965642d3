/**
 * One error type for the trainer. The code says what went wrong in a way the dashboard can show
 * and the job runner can act on (retry or not).
 */
export type TrainerErrorCode =
  | 'CORRUPT_IMAGE'
  | 'MASK_MISMATCH'
  | 'NON_FINITE_LOSS'
  | 'DISK_FULL'
  | 'NO_TRAINING_DATA'
  | 'NO_VALIDATION_DATA'
  | 'NO_ACTIVE_MODEL'
  | 'ARTIFACT_CORRUPT'
  | 'CHECKPOINT_MISMATCH'
  | 'NOT_FOUND'
  | 'INVALID_JOB'
  | 'LOST_LEASE'
  | 'SHUTDOWN';

/** Codes a retry cannot fix: the job fails at once instead of burning its attempts. */
const PERMANENT: ReadonlySet<TrainerErrorCode> = new Set([
  'CORRUPT_IMAGE',
  'MASK_MISMATCH',
  'NON_FINITE_LOSS',
  'CHECKPOINT_MISMATCH',
  'NO_TRAINING_DATA',
  'NO_VALIDATION_DATA',
  'INVALID_JOB',
  'NOT_FOUND',
]);

export class TrainerError extends Error {
  override name = 'TrainerError';
  constructor(
    readonly code: TrainerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get permanent(): boolean {
    return PERMANENT.has(this.code);
  }
}

export function isTrainerError(error: unknown): error is TrainerError {
  return error instanceof TrainerError;
}

/** A node fs error reporting a full disk or quota, wherever it was thrown. */
export function isDiskFullError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The message recorded in TrainingRun.error / Job.lastError: code first, then the reason. */
export function describeFailure(error: unknown): string {
  if (isTrainerError(error)) return `${error.code}: ${error.message}`;
  if (isDiskFullError(error)) return `DISK_FULL: ${(error as Error).message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
