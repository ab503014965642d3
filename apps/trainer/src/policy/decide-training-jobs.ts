/**
 * The training policy as a pure decision: given a project's thresholds and what changed since the
 * last round, which jobs should be queued now. Manual requests bypass this (the web enqueues them).
 */
export type PolicyJobType = 'finetune' | 'pretrain';

export interface TrainingPolicy {
  autoTrain: boolean;
  finetuneMinNewMasks: number;
  pretrainMinNewImages: number;
}

export interface PolicyCounts {
  /** Accepted, not superseded masks created since the last fine-tuning round started. */
  newAcceptedMasks: number;
  /** Images added since the last MAE pretraining started that have no accepted mask. */
  newUnlabeledImages: number;
  /** Job types already queued or running for the project (never queue a second). */
  pending: ReadonlySet<string>;
}

export function decideTrainingJobs(policy: TrainingPolicy, counts: PolicyCounts): PolicyJobType[] {
  if (!policy.autoTrain) return [];
  const jobs: PolicyJobType[] = [];
  if (!counts.pending.has('finetune') && counts.newAcceptedMasks >= policy.finetuneMinNewMasks) jobs.push('finetune');
  if (!counts.pending.has('pretrain') && counts.newUnlabeledImages >= policy.pretrainMinNewImages) jobs.push('pretrain');
  return jobs;
}
