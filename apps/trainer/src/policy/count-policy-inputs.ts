/**
 * Reads what the training policy decides on: masks accepted since the last fine-tuning round
 * started, images added since the last MAE pretraining started that have no accepted mask, and
 * which job types are already queued or running for the project.
 */
import type { DbOrTx } from '@loupe/db';
import { acceptedAnnotationWhere } from '../data/accepted-annotation-filter';
import type { PolicyCounts } from './decide-training-jobs';

export async function countPolicyInputs(db: DbOrTx, projectId: string): Promise<PolicyCounts> {
  // A round counts from when it started, whatever its outcome: a failed round does not re-trigger
  // on the same masks (it would fail the same way); an admin can still ask for one.
  const [lastFinetune, lastPretrain, pendingJobs] = await Promise.all([
    db.trainingRun.findFirst({ where: { projectId, kind: 'FINETUNE' }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } }),
    db.trainingRun.findFirst({ where: { projectId, kind: 'MAE_PRETRAIN' }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } }),
    db.job.findMany({ where: { projectId, status: { in: ['QUEUED', 'RUNNING'] } }, select: { type: true }, distinct: ['type'] }),
  ]);
  const [newAcceptedMasks, newUnlabeledImages] = await Promise.all([
    db.annotation.count({ where: { ...acceptedAnnotationWhere(projectId), ...(lastFinetune ? { createdAt: { gt: lastFinetune.createdAt } } : {}) } }),
    db.image.count({
      where: {
        projectId,
        annotations: { none: { supersededAt: null } },
        ...(lastPretrain ? { createdAt: { gt: lastPretrain.createdAt } } : {}),
      },
    }),
  ]);
  return { newAcceptedMasks, newUnlabeledImages, pending: new Set(pendingJobs.map((job) => job.type)) };
}
