/**
 * The worker's job types and what runs each.
 */
import type { JobHandlers } from '../queue/process-next-job';
import type { TrainerServices } from '../trainer-services';
import { evaluateJobPayloadSchema, parseJobPayload, requireProjectId } from './job-payloads';
import { evaluateModelVersion } from './run-evaluate-job';
import { runScoreJob } from './run-score-job';
import { runTrainingJob } from './run-training-job';

export function createJobHandlers(services: TrainerServices): JobHandlers {
  return {
    finetune: async (context) => {
      await runTrainingJob(services, context, 'FINETUNE');
    },
    pretrain: async (context) => {
      await runTrainingJob(services, context, 'MAE_PRETRAIN');
    },
    evaluate: async (context) => {
      const payload = parseJobPayload(
        evaluateJobPayloadSchema,
        context.job.payload,
        context.job.id,
      );
      await evaluateModelVersion(services, {
        projectId: requireProjectId(context.job),
        ...(payload.modelVersionId ? { modelVersionId: payload.modelVersionId } : {}),
      });
    },
    score: async (context) => {
      await runScoreJob(services, context);
    },
  };
}
