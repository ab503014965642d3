import { describe, expect, it } from 'vitest';
import { decideTrainingJobs, type PolicyCounts } from './decide-training-jobs';

const policy = { autoTrain: true, finetuneMinNewMasks: 20, pretrainMinNewImages: 200 };
const quiet: PolicyCounts = {
  newAcceptedMasks: 0,
  acceptedMasks: 40,
  newUnlabeledImages: 0,
  activeModelUnscored: false,
  pending: new Set(),
};

describe('decideTrainingJobs', () => {
  it('queues a fine-tune at the mask threshold, not before', () => {
    expect(decideTrainingJobs(policy, { ...quiet, newAcceptedMasks: 19 })).toEqual([]);
    expect(decideTrainingJobs(policy, { ...quiet, newAcceptedMasks: 20 })).toEqual(['finetune']);
  });

  it('queues MAE pretraining when the unlabeled pool grew enough and there are labels to fine-tune on', () => {
    expect(decideTrainingJobs(policy, { ...quiet, newUnlabeledImages: 200 })).toEqual(['pretrain']);
    expect(
      decideTrainingJobs(policy, { ...quiet, newUnlabeledImages: 200, acceptedMasks: 5 }),
    ).toEqual([]);
  });

  it('never queues a job type that is already pending, and nothing when auto-training is off', () => {
    expect(
      decideTrainingJobs(policy, {
        ...quiet,
        newAcceptedMasks: 50,
        newUnlabeledImages: 500,
        pending: new Set(['finetune']),
      }),
    ).toEqual(['pretrain']);
    expect(
      decideTrainingJobs(
        { ...policy, autoTrain: false },
        { ...quiet, newAcceptedMasks: 50, newUnlabeledImages: 500 },
      ),
    ).toEqual([]);
  });

  it('scores a newly served model once, even with auto-training off', () => {
    expect(
      decideTrainingJobs({ ...policy, autoTrain: false }, { ...quiet, activeModelUnscored: true }),
    ).toEqual(['score']);
    expect(
      decideTrainingJobs(policy, {
        ...quiet,
        activeModelUnscored: true,
        pending: new Set(['score']),
      }),
    ).toEqual([]);
  });
});
