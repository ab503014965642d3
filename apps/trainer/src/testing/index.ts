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
