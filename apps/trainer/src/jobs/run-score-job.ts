/**
 * 'score' job: active-learning priorities for a project's unfinished images with its active model
 * (or the version named in the payload).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getActiveModel } from '@loupe/db';
import { scoreProjectImages, type ScoreSummary } from '../active-learning/score-project-images';
import { TrainerError } from '../errors';
import type { JobContext } from '../queue/process-next-job';
import type { TrainerServices } from '../trainer-services';
import { requireProjectId } from './require-project-id';

export async function runScoreJob(
  services: TrainerServices,
  context: JobContext<'score'>,
): Promise<ScoreSummary> {
  const projectId = requireProjectId(context.job);
  const { payload } = context.job;
  const model = payload.modelVersionId
    ? await services.db.modelVersion.findFirst({ where: { id: payload.modelVersionId, projectId } })
    : await getActiveModel(services.db, projectId);
  if (!model)
    throw new TrainerError('NOT_FOUND', `project ${projectId} has no model to score with`);
  const workDir = await mkdtemp(join(tmpdir(), 'loupe-score-'));
  try {
    const summary = await scoreProjectImages(services, {
      projectId,
      model,
      workDir,
      batchSize: services.env.TRAINER_SCORE_BATCH,
      signal: context.signal,
    });
    services.log(
      `scored ${summary.scored} images of project ${projectId} with model v${model.version}`,
    );
    return summary;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
