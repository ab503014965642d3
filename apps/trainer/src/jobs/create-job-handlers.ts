/**
 * The worker's job kinds and what runs each. Payloads arrive checked against @loupe/contracts.
 */
import type { JobHandlers } from '../queue/process-next-job';
import type { TrainerServices } from '../trainer-services';
import { requireProjectId } from './require-project-id';
import { evaluateModelVersion } from './run-evaluate-job';
import { runScoreJob } from './run-score-job';
import { runTrainingJob } from './run-training-job';

export function createJobHandlers(services: TrainerServices): Required<JobHandlers> {
  return {
    finetune: async (context) => {
      await runTrainingJob(services, context, 'FINETUNE');
    },
    pretrain: async (context) => {
      await runTrainingJob(services, context, 'MAE_PRETRAIN');
    },
    evaluate: async ({ job }) => {
      await evaluateModelVersion(services, {
        projectId: requireProjectId(job),
        ...(job.payload.modelVersionId ? { modelVersionId: job.payload.modelVersionId } : {}),
      });
    },
    score: async (context) => {
      await runScoreJob(services, context);
    },
  };
}
