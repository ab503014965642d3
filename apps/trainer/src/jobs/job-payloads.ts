/**
 * Job types the trainer runs and their payloads (Job.payload). The web enqueues 'finetune' and
 * 'pretrain' when an admin asks; the policy and the trainer itself enqueue the rest.
 */
import { z } from 'zod';
import { TrainerError } from '../errors';

export const TRAINER_JOB_TYPES = ['finetune', 'pretrain', 'evaluate', 'score'] as const;
export type TrainerJobType = (typeof TRAINER_JOB_TYPES)[number];

const triggerSchema = z.enum(['auto', 'manual', 'cli']).default('manual');

export const trainingJobPayloadSchema = z.object({
  trigger: triggerSchema,
  requestedById: z.string().min(1).optional(),
  /** Set by the trainer on the first attempt, so a retry resumes the same TrainingRun. */
  trainingRunId: z.string().min(1).optional(),
  /** Overrides the project's epoch count (CLI, benchmarks). */
  epochs: z.number().int().positive().optional(),
});
export type TrainingJobPayload = z.infer<typeof trainingJobPayloadSchema>;

export const evaluateJobPayloadSchema = z.object({
  /** Default: the project's active model. */
  modelVersionId: z.string().min(1).optional(),
});

export const scoreJobPayloadSchema = z.object({
  /** Default: the project's active model. */
  modelVersionId: z.string().min(1).optional(),
});

export function parseJobPayload<T>(schema: z.ZodType<T>, payload: unknown, jobId: string): T {
  const result = schema.safeParse(payload ?? {});
  if (!result.success) {
    const issues = result.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new TrainerError('INVALID_JOB', `job ${jobId} has an invalid payload: ${issues}`);
  }
  return result.data;
}

export function requireProjectId(job: { id: string; projectId: string | null }): string {
  if (!job.projectId) throw new TrainerError('INVALID_JOB', `job ${job.id} names no project`);
  return job.projectId;
}
