import { TrainerError } from '../errors';

/** The project a job belongs to; every trainer job names one. */
export function requireProjectId(job: { id: string; projectId: string | null }): string {
  if (!job.projectId) throw new TrainerError('INVALID_JOB', `job ${job.id} names no project`);
  return job.projectId;
}
