/**
 * A job as the trainer holds it after claiming it: libs/db's claimNextJob returns the row
 * (`ClaimedJobRow`, kind and payload as stored), and the trainer checks it with parseClaimedJob
 * before running anything, so a malformed row fails with its reason instead of half-running.
 */
import type { JobKind } from './job-kinds';
import { parseJobRequest, type JobOf } from './job-request';

export interface ClaimedJobRow {
  id: string;
  projectId: string | null;
  type: string;
  payload: unknown;
  /** Attempts including this one. */
  attempts: number;
  maxAttempts: number;
  lockedUntil: Date;
}

/** A claimed job whose kind and payload passed their contract (a union over kinds by default). */
export type ClaimedJob<K extends JobKind = JobKind> = K extends JobKind
  ? Omit<ClaimedJobRow, 'type' | 'payload'> & JobOf<K>
  : never;

export function parseClaimedJob(row: ClaimedJobRow): ClaimedJob {
  const request = parseJobRequest(
    { type: row.type, payload: row.payload ?? undefined },
    `job ${row.id} (${row.type})`,
  );
  return { ...row, ...request } as ClaimedJob;
}
