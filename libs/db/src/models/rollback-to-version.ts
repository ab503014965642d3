import type { ModelVersion, PrismaClient } from '../generated/prisma/client';
import { DbError } from '../errors/db-error';
import { promoteModelVersion } from './promote-model-version';

/** Serves an earlier version again (the current one is retired), by its project-local number. */
export async function rollbackToVersion(db: PrismaClient, projectId: string, version: number): Promise<ModelVersion> {
  const target = await db.modelVersion.findUnique({ where: { projectId_version: { projectId, version } }, select: { id: true } });
  if (!target) throw new DbError('NOT_FOUND', `Project ${projectId} has no model version ${version}.`);
  return promoteModelVersion(db, target.id);
}
