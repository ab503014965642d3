/** A job as the worker sees it after claiming it. */
export interface ClaimedJob {
  id: string;
  projectId: string | null;
  type: string;
  payload: unknown;
  /** Attempts including this one. */
  attempts: number;
  maxAttempts: number;
  lockedUntil: Date;
}
