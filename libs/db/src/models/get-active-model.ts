import type { DbOrTx } from '../client/db-types';
import type { ModelVersion } from '../generated/prisma/client';
import { DbError } from '../errors/db-error';

/** The model the project serves now, or null before its first model. */
export async function getActiveModel(db: DbOrTx, projectId: string): Promise<ModelVersion | null> {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { activeModelVersion: true } });
  if (!project) throw new DbError('NOT_FOUND', `Project ${projectId} does not exist.`);
  return project.activeModelVersion;
}
