/**
 * An admin serves an earlier model again: the target must be a RETIRED version of this project
 * that was active before (promotedAt set). libs/db's rollbackToVersion does the switch.
 */
import { rollbackToVersion, type Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';

export async function rollBackModel(
  db: Db,
  projectId: string,
  version: number,
): Promise<{ modelVersionId: string; version: number }> {
  const model = await db.modelVersion.findUnique({
    where: { projectId_version: { projectId, version } },
    select: { status: true, promotedAt: true },
  });
  if (!model) throw new AppError('NOT_FOUND', `This project has no model version ${version}.`);
  if (model.status !== 'RETIRED' || model.promotedAt === null) {
    throw new AppError(
      'CONFLICT',
      `Model version ${version} was never served before (it is ${model.status.toLowerCase()}); promote candidates instead.`,
    );
  }
  const active = await rollbackToVersion(db, projectId, version);
  return { modelVersionId: active.id, version: active.version };
}
