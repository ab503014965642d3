/**
 * Job.payload of each job kind. Parsed when a job is enqueued (libs/db enqueueJob) and again when
 * the trainer claims it (parseClaimedJob), so a row written by any process is checked on read.
 */
import { z } from 'zod';
import { JOB_TRIGGERS, type JobKind } from './job-kinds';

export const trainingJobPayloadSchema = z.object({
  trigger: z.enum(JOB_TRIGGERS).default('manual'),
  requestedById: z.string().min(1).optional(),
  /** Set by the trainer on the first attempt, so a retry resumes the same TrainingRun. */
  trainingRunId: z.string().min(1).optional(),
  /** Overrides the project's epoch count (CLI, benchmarks). */
  epochs: z.number().int().positive().optional(),
});
export type TrainingJobPayload = z.output<typeof trainingJobPayloadSchema>;

export const evaluateJobPayloadSchema = z.object({
  /** Default: the project's active model. */
  modelVersionId: z.string().min(1).optional(),
});
export type EvaluateJobPayload = z.output<typeof evaluateJobPayloadSchema>;

export const scoreJobPayloadSchema = z.object({
  /** Default: the project's active model. */
  modelVersionId: z.string().min(1).optional(),
});
export type ScoreJobPayload = z.output<typeof scoreJobPayloadSchema>;

export const JOB_PAYLOAD_SCHEMAS = {
  finetune: trainingJobPayloadSchema,
  pretrain: trainingJobPayloadSchema,
  evaluate: evaluateJobPayloadSchema,
  score: scoreJobPayloadSchema,
} as const satisfies Record<JobKind, z.ZodType>;
