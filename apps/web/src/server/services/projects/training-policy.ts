import type { Db } from '@loupe/db';
import {
  TRAINING_POLICY_FIELDS,
  type TrainingPolicy,
  type TrainingPolicyUpdate,
} from '../../../lib/training-policy';
import { AppError } from '../../errors/app-error';

const POLICY_SELECT = {
  autoTrain: true,
  ...Object.fromEntries(Object.keys(TRAINING_POLICY_FIELDS).map((key) => [key, true])),
} as { [K in keyof TrainingPolicy]: true };

export async function getTrainingPolicy(db: Db, projectId: string): Promise<TrainingPolicy> {
  const policy = await db.project.findUnique({ where: { id: projectId }, select: POLICY_SELECT });
  if (!policy) throw new AppError('NOT_FOUND', 'Project not found.');
  return policy;
}

/**
 * Changes the given settings. The trainer reads the policy on every tick, so the next round
 * follows it; a round already running keeps the settings it started with.
 */
export async function updateTrainingPolicy(
  db: Db,
  projectId: string,
  update: TrainingPolicyUpdate,
): Promise<TrainingPolicy> {
  const changed = await db.project.updateMany({ where: { id: projectId }, data: update });
  if (changed.count !== 1) throw new AppError('NOT_FOUND', 'Project not found.');
  return getTrainingPolicy(db, projectId);
}
