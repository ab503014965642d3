/**
 * The training policy as a pure decision: given a project's thresholds and what changed since the
 * last round, which jobs should be queued now. Manual requests bypass this (the web enqueues them).
 */
import type { JobKind } from '@loupe/contracts';

export type PolicyJobType = Extract<JobKind, 'finetune' | 'pretrain' | 'score'>;

export interface TrainingPolicy {
  autoTrain: boolean;
  finetuneMinNewMasks: number;
  pretrainMinNewImages: number;
}

export interface PolicyCounts {
  /** Accepted, not superseded masks created since the last fine-tuning round started. */
  newAcceptedMasks: number;
  /** All accepted masks of the project. */
  acceptedMasks: number;
  /** Images added since the last MAE pretraining started that have no accepted mask. */
  newUnlabeledImages: number;
  /** The active model has no active-learning scores yet (promoted or rolled back to since). */
  activeModelUnscored: boolean;
  /** Job types already queued or running for the project (never queue a second). */
  pending: ReadonlySet<string>;
}

export function decideTrainingJobs(policy: TrainingPolicy, counts: PolicyCounts): PolicyJobType[] {
  const jobs: PolicyJobType[] = [];
  // Priorities follow the served model whatever promoted it (a round, an admin, a rollback).
  if (counts.activeModelUnscored && !counts.pending.has('score')) jobs.push('score');
  if (!policy.autoTrain) return jobs;
  if (!counts.pending.has('finetune') && counts.newAcceptedMasks >= policy.finetuneMinNewMasks)
    jobs.push('finetune');
  // MAE pretraining ends in a fine-tuned, gated candidate, so it waits until there are labels to
  // fine-tune and validate on.
  if (
    !counts.pending.has('pretrain') &&
    counts.newUnlabeledImages >= policy.pretrainMinNewImages &&
    counts.acceptedMasks >= policy.finetuneMinNewMasks
  ) {
    jobs.push('pretrain');
  }
  return jobs;
}
