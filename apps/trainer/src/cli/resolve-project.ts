/** `--project` accepts a project's slug or id. */
import type { Db } from '@loupe/db';
import { TrainerError } from '../errors';

export async function resolveProject(
  db: Db,
  slugOrId: string,
): Promise<{ id: string; slug: string; name: string }> {
  const project = await db.project.findFirst({
    where: { OR: [{ slug: slugOrId }, { id: slugOrId }] },
    select: { id: true, slug: true, name: true },
  });
  if (!project) throw new TrainerError('NOT_FOUND', `no project with slug or id "${slugOrId}"`);
  return project;
}
