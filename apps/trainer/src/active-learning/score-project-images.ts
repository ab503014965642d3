/**
 * After a promotion: scores every unlabeled or unfinished image of the project with the new active
 * model and stores the priorities (ActiveLearningScore rows + Task.priority), so the annotation
 * queue serves the most informative images first. Writes go in batches, one short transaction
 * each. An image whose pixels are corrupt is skipped and reported; the job then fails with the
 * list, after every other image was scored.
 */
import { join } from 'node:path';
import type { ModelVersion } from '@loupe/db';
import { materializeModelFiles } from '../artifacts/materialize-model-files';
import { loadImage } from '../data/load-image';
import { TrainerError, describeFailure, isTrainerError } from '../errors';
import type { TrainerServices } from '../trainer-services';
import type { Informativeness } from './compute-informativeness';
import { scoreImage } from './score-image';

const UNFINISHED = ['UNLABELED', 'IN_PROGRESS', 'SKIPPED', 'SENT_BACK'] as const;

export interface ScoreSummary {
  scored: number;
  failed: string[];
}

export async function scoreProjectImages(
  services: TrainerServices,
  input: {
    projectId: string;
    model: ModelVersion;
    workDir: string;
    batchSize: number;
    signal?: AbortSignal;
  },
): Promise<ScoreSummary> {
  const { db } = services;
  const tasks = await db.task.findMany({
    where: { projectId: input.projectId, status: { in: [...UNFINISHED] } },
    select: {
      id: true,
      image: { select: { id: true, pixelsKey: true, width: true, height: true, fileName: true } },
    },
    orderBy: { createdAt: 'asc' },
  });
  const files = await materializeModelFiles(
    services.artifacts,
    input.model,
    join(input.workDir, 'score-model'),
  );
  const predictor = await services.model.openPredictor(files);
  const failed: string[] = [];
  let scored = 0;
  try {
    for (let start = 0; start < tasks.length; start += input.batchSize) {
      if (input.signal?.aborted) throw input.signal.reason;
      const batch: { taskId: string; imageId: string; score: Informativeness }[] = [];
      for (const task of tasks.slice(start, start + input.batchSize)) {
        try {
          const image = await loadImage(services.blobs, task.image);
          batch.push({
            taskId: task.id,
            imageId: task.image.id,
            score: await scoreImage(predictor, image),
          });
        } catch (error) {
          if (!(isTrainerError(error) && error.code === 'CORRUPT_IMAGE')) throw error;
          failed.push(describeFailure(error));
        }
      }
      await db.$transaction(
        batch.flatMap(({ taskId, imageId, score }) => [
          db.activeLearningScore.upsert({
            where: { imageId_modelVersionId: { imageId, modelVersionId: input.model.id } },
            create: {
              projectId: input.projectId,
              imageId,
              modelVersionId: input.model.id,
              ...score,
            },
            update: { ...score, computedAt: new Date() },
          }),
          db.task.update({ where: { id: taskId }, data: { priority: score.score } }),
        ]),
      );
      scored += batch.length;
    }
  } finally {
    await predictor.close();
  }
  if (failed.length > 0) {
    throw new TrainerError(
      'CORRUPT_IMAGE',
      `scored ${scored} images; ${failed.length} could not be read: ${failed.slice(0, 5).join('; ')}${failed.length > 5 ? ' ...' : ''}`,
    );
  }
  return { scored, failed };
}
