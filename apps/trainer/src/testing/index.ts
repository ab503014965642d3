/**
 * @loupe/trainer/testing: what benchmarks call in-process from the trainer (the round's replay
 * schedule), so a bench measures the policy the trainer runs rather than a copy of it.
 */
export {
  DEFAULT_REPLAY_SCHEDULE,
  planRoundSamples,
  type ReplaySchedule,
  type RoundSampleCandidate,
  type RoundSamplePlan,
  type RoundSamplePlanRecord,
} from '../policy/plan-round-samples';
