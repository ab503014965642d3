import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';

/** Project header data for its pages: name, label, tags, lease length and the served model. */
export async function getProject(db: Db, projectId: string) {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: {
      id: true,
      slug: true,
      name: true,
      description: true,
      objectLabel: true,
      tagVocabulary: true,
      leaseSeconds: true,
      activeModelVersion: {
        select: { id: true, version: true, configName: true, promotedAt: true, valDice: true },
      },
    },
  });
  if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
  return project;
}
