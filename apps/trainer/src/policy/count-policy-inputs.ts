/**
 * Reads what the training policy decides on: masks accepted since the last fine-tuning round
 * started, images added since the last MAE pretraining started that have no accepted mask, whether
 * the served model has scored the queue yet, and which job types are already pending.
 */
import type { DbOrTx } from '@loupe/db';
import { acceptedAnnotationWhere } from '../data/accepted-annotation-filter';
import type { PolicyCounts } from './decide-training-jobs';

const UNFINISHED = ['UNLABELED', 'IN_PROGRESS', 'SKIPPED', 'SENT_BACK'] as const;

export async function countPolicyInputs(db: DbOrTx, projectId: string): Promise<PolicyCounts> {
  // A round counts from when it started, whatever its outcome: a failed round does not re-trigger
  // on the same masks (it would fail the same way); an admin can still ask for one.
  const [lastFinetune, lastPretrain, pendingJobs, project] = await Promise.all([
    db.trainingRun.findFirst({
      where: { projectId, kind: 'FINETUNE' },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    }),
    db.trainingRun.findFirst({
      where: { projectId, kind: 'MAE_PRETRAIN' },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    }),
    db.job.findMany({
      where: { projectId, status: { in: ['QUEUED', 'RUNNING'] } },
      select: { type: true },
      distinct: ['type'],
    }),
    db.project.findUniqueOrThrow({
      where: { id: projectId },
      select: { activeModelVersionId: true },
    }),
  ]);
  const [newAcceptedMasks, acceptedMasks, newUnlabeledImages, scores, unfinished] =
    await Promise.all([
      db.annotation.count({
        where: {
          ...acceptedAnnotationWhere(projectId),
          ...(lastFinetune ? { createdAt: { gt: lastFinetune.createdAt } } : {}),
        },
      }),
      db.annotation.count({ where: acceptedAnnotationWhere(projectId) }),
      db.image.count({
        where: {
          projectId,
          annotations: { none: { supersededAt: null } },
          ...(lastPretrain ? { createdAt: { gt: lastPretrain.createdAt } } : {}),
        },
      }),
      project.activeModelVersionId
        ? db.activeLearningScore.count({ where: { modelVersionId: project.activeModelVersionId } })
        : Promise.resolve(0),
      db.task.count({ where: { projectId, status: { in: [...UNFINISHED] } } }),
    ]);
  return {
    newAcceptedMasks,
    acceptedMasks,
    newUnlabeledImages,
    activeModelUnscored: project.activeModelVersionId !== null && scores === 0 && unfinished > 0,
    pending: new Set(pendingJobs.map((job) => job.type)),
  };
}
