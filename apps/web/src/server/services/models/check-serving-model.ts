import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';

/**
 * How long after a promotion a proposal made by the previous model is still accepted: an annotator
 * may accept a mask proposed just before the swap.
 */
export const RETIRED_MODEL_GRACE_MS = 30 * 60 * 1000;

/**
 * A proposal or event may name a model version only if this project serves it, or served it until
 * recently. Versions of other projects, never-promoted candidates and long-retired versions are
 * refused as stale.
 */
export async function checkServingModel(db: Db, projectId: string, modelVersionId: string): Promise<void> {
  const model = await db.modelVersion.findFirst({
    where: { id: modelVersionId, projectId },
    select: { version: true, status: true, retiredAt: true },
  });
  assertServingModel(model, modelVersionId);
}

/** The same rule on an already-loaded row (null = not a model of this project). */
export function assertServingModel(
  model: { version: number; status: string; retiredAt: Date | null } | null,
  modelVersionId: string,
): void {
  if (!model) throw new AppError('STALE_MODEL', `Model version ${modelVersionId} is not a model of this project.`, { field: 'modelVersionId' });
  if (model.status === 'ACTIVE') return;
  if (model.status === 'RETIRED' && model.retiredAt && Date.now() - model.retiredAt.getTime() <= RETIRED_MODEL_GRACE_MS) return;
  throw new AppError(
    'STALE_MODEL',
    `Model v${model.version} is ${model.status.toLowerCase()} and no longer served; the page will switch to the current model — re-run the prediction.`,
    { field: 'modelVersionId' },
  );
}
