import { projectTagListSchema, projectTags } from '@loupe/contracts';
import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';

/**
 * Replaces the tags an admin defines for the project (besides the built-in 'present'/'absent').
 * Labels already applied with a tag that is removed stay (history); the tag just cannot be applied
 * any more.
 */
export async function updateProjectTags(db: Db, projectId: string, tags: string[]) {
  const parsed = projectTagListSchema.safeParse(tags);
  if (!parsed.success)
    throw new AppError(
      'BAD_INPUT',
      parsed.error.issues
        .map(
          (issue) => `tags${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`,
        )
        .join('; '),
      { field: 'tags' },
    );
  const project = await db.project.update({
    where: { id: projectId },
    data: { tagVocabulary: parsed.data },
    select: { tagVocabulary: true },
  });
  return { vocabulary: project.tagVocabulary, tags: projectTags(project.tagVocabulary) };
}
