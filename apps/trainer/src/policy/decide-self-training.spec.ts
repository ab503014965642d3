import { describe, expect, it } from 'vitest';
import { decideSelfTraining, type SelfTrainingPolicy } from './decide-self-training';

const policy: SelfTrainingPolicy = {
  enabled: true,
  minHumanMasks: 8,
  weight: 0.3,
  minConfidence: 0.85,
  maxImagesPerRound: 32,
  maxSamplesPerRound: 24,
  discoveryMinScore: 0.7,
};

describe('decideSelfTraining', () => {
  it('waits for enough human masks', () => {
    const decision = decideSelfTraining(policy, { humanMasks: 7 });
    expect(decision.use).toBe(false);
    expect(decision.use === false && decision.reason).toContain('starts at 8');
  });

  it('caps the samples per round, and never above the human masks', () => {
    expect(decideSelfTraining(policy, { humanMasks: 10 })).toEqual({ use: true, maxSamples: 10 });
    expect(decideSelfTraining(policy, { humanMasks: 100 })).toEqual({ use: true, maxSamples: 24 });
  });

  it('is off when the config turns it off', () => {
    expect(decideSelfTraining({ ...policy, enabled: false }, { humanMasks: 100 }).use).toBe(false);
  });
});
