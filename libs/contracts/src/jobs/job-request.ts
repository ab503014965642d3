/**
 * A job to run, as the discriminated union of its kind and payload: what enqueueJob takes
 * (`JobRequest`, payload defaults omitted) and what the trainer's handlers get (`ParsedJobRequest`).
 */
import { z } from 'zod';
import { parseContract } from '../contract-error';
import { JOB_PAYLOAD_SCHEMAS } from './job-payloads';
import type { JobKind } from './job-kinds';

// A missing payload is the empty one (Job.payload defaults to {}); its schema fills the defaults.
export const jobRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('finetune'), payload: JOB_PAYLOAD_SCHEMAS.finetune.prefault({}) }),
  z.object({ type: z.literal('pretrain'), payload: JOB_PAYLOAD_SCHEMAS.pretrain.prefault({}) }),
  z.object({ type: z.literal('evaluate'), payload: JOB_PAYLOAD_SCHEMAS.evaluate.prefault({}) }),
  z.object({ type: z.literal('score'), payload: JOB_PAYLOAD_SCHEMAS.score.prefault({}) }),
]);

/** What a caller asks for: `{ type: 'score' }`, `{ type: 'finetune', payload: { trigger: 'cli' } }`. */
export type JobRequest = z.input<typeof jobRequestSchema>;
/** The request with its payload checked and defaults filled. */
export type ParsedJobRequest = z.output<typeof jobRequestSchema>;
/** The parsed request of one kind. */
export type JobOf<K extends JobKind> = Extract<ParsedJobRequest, { type: K }>;

export function parseJobRequest(request: unknown, contract = 'job request'): ParsedJobRequest {
  return parseContract(jobRequestSchema, request, contract);
}
