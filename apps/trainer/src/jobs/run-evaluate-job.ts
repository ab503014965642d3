/**
 * 'evaluate' job (and `trainer evaluate`): the simulated-annotator metrics of a model version on
 * the project's held-out set, stored on the version.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getActiveModel, type Prisma } from '@loupe/db';
import { materializeModelFiles } from '../artifacts/materialize-model-files';
import { assignImageSplits } from '../data/assign-image-splits';
import { loadLabeledSamples } from '../data/load-labeled-samples';
import { removeSpecks } from '../data/remove-specks';
import { TrainerError } from '../errors';
import type { EvaluationMetrics } from '../model/model-port';
import type { TrainerServices } from '../trainer-services';

export async function evaluateModelVersion(
  services: TrainerServices,
  input: { projectId: string; modelVersionId?: string },
): Promise<{ modelVersionId: string; version: number; metrics: EvaluationMetrics }> {
  const { db } = services;
  const model = input.modelVersionId
    ? await db.modelVersion.findFirst({
        where: { id: input.modelVersionId, projectId: input.projectId },
      })
    : await getActiveModel(db, input.projectId);
  if (!model)
    throw new TrainerError('NOT_FOUND', `project ${input.projectId} has no such model version`);
  const project = await db.project.findUniqueOrThrow({
    where: { id: input.projectId },
    select: { holdoutFraction: true },
  });
  await assignImageSplits(db, input.projectId, project.holdoutFraction);
  const { validation } = await loadLabeledSamples(db, services.blobs, input.projectId);
  if (validation.length === 0)
    throw new TrainerError('NO_VALIDATION_DATA', 'the project has no held-out masks yet');
  const workDir = await mkdtemp(join(tmpdir(), 'loupe-eval-'));
  try {
    const files = await materializeModelFiles(services.artifacts, model, join(workDir, 'model'));
    const metrics = await services.model.evaluate(
      files,
      validation.map((sample) => ({ ...sample, mask: removeSpecks(sample.mask) })),
    );
    await db.modelVersion.update({
      where: { id: model.id },
      data: {
        metrics: metrics as unknown as Prisma.InputJsonValue,
        valDice: metrics.dice,
        valNoc90: metrics.noc90,
      },
    });
    return { modelVersionId: model.id, version: model.version, metrics };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
