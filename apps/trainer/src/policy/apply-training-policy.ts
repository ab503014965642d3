/**
 * Applies each project's training policy: queues a fine-tuning round once enough new masks were
 * accepted, MAE pretraining once the unlabeled pool has grown enough, and active-learning scoring
 * when the served model has not scored the queue yet. A per-project advisory lock inside a short
 * transaction keeps two trainers from queueing the same job twice.
 */
import { enqueueJob, type Db } from '@loupe/db';
import { countPolicyInputs } from './count-policy-inputs';
import { decideTrainingJobs, type PolicyJobType } from './decide-training-jobs';

export interface QueuedByPolicy {
  projectId: string;
  type: PolicyJobType;
  jobId: string;
}

export async function applyTrainingPolicy(
  db: Db,
  options: { projectId?: string } = {},
): Promise<QueuedByPolicy[]> {
  const projects = await db.project.findMany({
    where: options.projectId ? { id: options.projectId } : {},
    select: { id: true, autoTrain: true, finetuneMinNewMasks: true, pretrainMinNewImages: true },
  });
  const queued: QueuedByPolicy[] = [];
  for (const project of projects) {
    // Cheap unlocked read first; most checks find nothing to do and take no lock.
    if (decideTrainingJobs(project, await countPolicyInputs(db, project.id)).length === 0) continue;
    const created = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`loupe-policy:${project.id}`}))`;
      const jobs = decideTrainingJobs(project, await countPolicyInputs(tx, project.id));
      const made: QueuedByPolicy[] = [];
      for (const type of jobs) {
        const job = await enqueueJob(
          tx,
          type === 'score'
            ? { projectId: project.id, type }
            : { projectId: project.id, type, payload: { trigger: 'auto' } },
        );
        made.push({ projectId: project.id, type, jobId: job.id });
      }
      return made;
    });
    queued.push(...created);
  }
  return queued;
}
