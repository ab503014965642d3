/**
 * @loupe/contracts: every contract between Loupe's processes, once, with the zod schema that
 * parses it where bytes cross (browser, web server, trainer, bench). Browser-safe: zod only.
 * README.md lists each contract and where each side uses it.
 */
export { ContractError, isContractError, parseContract } from './contract-error';

export type { JobKind, JobTrigger, TrainingJobKind } from './jobs/job-kinds';
export { JOB_KINDS, JOB_TRIGGERS, TRAINING_JOB_KINDS } from './jobs/job-kinds';
export type { EvaluateJobPayload, ScoreJobPayload, TrainingJobPayload } from './jobs/job-payloads';
export {
  evaluateJobPayloadSchema,
  JOB_PAYLOAD_SCHEMAS,
  scoreJobPayloadSchema,
  trainingJobPayloadSchema,
} from './jobs/job-payloads';
export type { JobOf, JobRequest, ParsedJobRequest } from './jobs/job-request';
export { jobRequestSchema, parseJobRequest } from './jobs/job-request';
export type { ClaimedJob, ClaimedJobRow } from './jobs/claimed-job';
export { parseClaimedJob } from './jobs/claimed-job';

export type { ModelRef } from './model-ref';
export { modelRefSchema } from './model-ref';
export type { ModelEvent, ModelEventName } from './model-event';
export {
  decodeModelEvent,
  encodeModelEvent,
  isModelEventName,
  MODEL_EVENT_NAMES,
} from './model-event';

export type {
  InteractionEvent,
  InteractionEventInput,
  InteractionType,
  ProposalShownPayload,
} from './interaction-event';
export {
  INTERACTION_TYPES,
  interactionEventSchema,
  proposalShownPayloadSchema,
  MAX_EVENTS_PER_BATCH,
} from './interaction-event';

export type { RawImage, RawImageInfo } from './raw-image';
export {
  decodeRawImage,
  decodeRawImageHeaders,
  encodeRawImageHeaders,
  RAW_IMAGE_HEADERS,
} from './raw-image';

export type { LoupeTestHooks, PagePropagationTiming, ProposalBreakdown } from './loupe-test-hooks';

export {
  ABSENT_TAG,
  MAX_PROJECT_TAGS,
  PRESENCE_TAGS,
  PRESENT_TAG,
  projectTagListSchema,
  projectTags,
  projectTagSchema,
} from './image-tags';
