/**
 * An admin promotes a candidate model over the promotion gate's decision: it must be a CANDIDATE
 * of this project. The switch itself (old ACTIVE retired, project pointer, notification) is
 * libs/db's promoteModelVersion, in one transaction.
 */
import { promoteModelVersion, type Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';

export async function promoteCandidate(
  db: Db,
  projectId: string,
  modelVersionId: string,
): Promise<{ modelVersionId: string; version: number }> {
  const model = await db.modelVersion.findFirst({
    where: { id: modelVersionId, projectId },
    select: { status: true, version: true },
  });
  if (!model) throw new AppError('NOT_FOUND', 'This project has no such model version.');
  if (model.status !== 'CANDIDATE') {
    throw new AppError(
      'CONFLICT',
      `Model version ${model.version} is ${model.status.toLowerCase()}, not a candidate.`,
    );
  }
  const promoted = await promoteModelVersion(db, modelVersionId);
  return { modelVersionId: promoted.id, version: promoted.version };
}
