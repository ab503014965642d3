import type { ModelVersion, PrismaClient } from '../generated/prisma/client';
import { DbError } from '../errors/db-error';
import { notifyModelPromoted } from '../notifications/notify-model-promoted';

/**
 * Makes a model version the one its project serves, in ONE transaction: the previous ACTIVE version
 * becomes RETIRED, this one ACTIVE, Project.activeModelVersionId points at it, and a promotion
 * notice is sent at commit. CANDIDATE and RETIRED (rollback) versions can be promoted.
 */
export async function promoteModelVersion(db: PrismaClient, modelVersionId: string): Promise<ModelVersion> {
  return db.$transaction(async (tx) => {
    const model = await tx.modelVersion.findUnique({ where: { id: modelVersionId }, select: { projectId: true, status: true, version: true } });
    if (!model) throw new DbError('NOT_FOUND', `Model version ${modelVersionId} does not exist.`);
    if (model.status === 'TRAINING' || model.status === 'FAILED') {
      throw new DbError('CONFLICT', `Model version ${model.version} is ${model.status} and cannot be promoted.`);
    }
    // Lock the project row so two promotions of one project run one after the other.
    await tx.$queryRaw`SELECT "id" FROM "Project" WHERE "id" = ${model.projectId} FOR UPDATE`;
    const now = new Date();
    await tx.modelVersion.updateMany({
      where: { projectId: model.projectId, status: 'ACTIVE', id: { not: modelVersionId } },
      data: { status: 'RETIRED', retiredAt: now },
    });
    const promoted = await tx.modelVersion.update({
      where: { id: modelVersionId },
      data: { status: 'ACTIVE', promotedAt: now, retiredAt: null, statusReason: null },
    });
    await tx.project.update({ where: { id: model.projectId }, data: { activeModelVersionId: modelVersionId } });
    await notifyModelPromoted(tx, { projectId: model.projectId, modelVersionId });
    return promoted;
  });
}
