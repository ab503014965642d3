import { describe, expect, it } from 'vitest';
import { decideTrainingJobs } from './decide-training-jobs';

const policy = { autoTrain: true, finetuneMinNewMasks: 20, pretrainMinNewImages: 200 };
const none = new Set<string>();

describe('decideTrainingJobs', () => {
  it('queues a fine-tune at the mask threshold, not before', () => {
    expect(decideTrainingJobs(policy, { newAcceptedMasks: 19, newUnlabeledImages: 0, pending: none })).toEqual([]);
    expect(decideTrainingJobs(policy, { newAcceptedMasks: 20, newUnlabeledImages: 0, pending: none })).toEqual(['finetune']);
  });

  it('queues MAE pretraining when the unlabeled pool grew enough', () => {
    expect(decideTrainingJobs(policy, { newAcceptedMasks: 0, newUnlabeledImages: 200, pending: none })).toEqual(['pretrain']);
  });

  it('never queues a job type that is already pending, and nothing when auto-training is off', () => {
    expect(decideTrainingJobs(policy, { newAcceptedMasks: 50, newUnlabeledImages: 500, pending: new Set(['finetune']) })).toEqual(['pretrain']);
    expect(decideTrainingJobs({ ...policy, autoTrain: false }, { newAcceptedMasks: 50, newUnlabeledImages: 500, pending: none })).toEqual([]);
  });
});
