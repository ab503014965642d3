/**
 * @loupe/trainer/testing: what benchmarks call in-process from the trainer (the round's replay
 * schedule, the self-training policy), so a bench measures the policy the trainer runs rather
 * than a copy of it.
 */
export {
  DEFAULT_REPLAY_SCHEDULE,
  planRoundSamples,
  type ReplaySchedule,
  type RoundSampleCandidate,
  type RoundSamplePlan,
  type RoundSamplePlanRecord,
} from '../policy/plan-round-samples';
export { TRAINER_CONFIGS } from '../config/trainer-config';
export {
  decideSelfTraining,
  type SelfTrainingPolicy,
  type SelfTrainingDecision,
} from '../policy/decide-self-training';
export { createTinyStarterModel } from './create-tiny-starter-model';
// bench/loop/round-one-gate.ts: round 1 in one process with the trainer's split rule, model port
// and both promotion gates.
export { assignDatasetSplits, lesionSizeBucket } from '../data/assign-dataset-splits';
export { removeSpecks } from '../data/remove-specks';
export { createModelPort } from '../model/create-model-port';
export type {
  EvaluationMetrics,
  ExportedModelFiles,
  FineTuneLevers,
  TrainingSample,
} from '../model/model-port';
export type { UntrustedBoxes } from '../weak-labels/load-pseudo-labeled-samples';
export { decideAcceptancePromotion } from '../promotion/acceptance-dice';
export { decidePromotion } from '../promotion/decide-promotion';
