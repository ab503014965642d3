import { ensureStarterModel, isDbError, type Db } from '@loupe/db';
import type { Stores } from '../../blobs';
import { forgetMembershipRoles } from './get-membership-role';
import { slugify } from './slugify';

export interface CreateProjectInput {
  name: string;
  description?: string;
  objectLabel?: string;
}

export interface CreatedProject {
  id: string;
  slug: string;
  name: string;
  /** Why the project has no model yet (starter model missing), or null when it serves one. */
  modelWarning: string | null;
}

/**
 * Creates a project with the creator as its ADMIN member (one transaction), then makes it serve
 * the starter model. A missing starter model leaves the project usable for uploads; the warning
 * says how to fix it.
 */
export async function createProject(
  deps: { db: Db; stores: Stores },
  creatorId: string,
  input: CreateProjectInput,
  starterModelDir?: string,
): Promise<CreatedProject> {
  const { db } = deps;
  const base = slugify(input.name);
  const taken = await db.project.findMany({
    where: { slug: { startsWith: base } },
    select: { slug: true },
  });
  const takenSlugs = new Set(taken.map((p) => p.slug));
  let slug = base;
  for (let n = 2; takenSlugs.has(slug); n++) slug = `${base}-${n}`;
  const project = await db.project.create({
    data: {
      name: input.name,
      slug,
      description: input.description ?? '',
      objectLabel: input.objectLabel ?? 'lesion',
      memberships: { create: { userId: creatorId, role: 'ADMIN' } },
    },
    select: { id: true, slug: true, name: true },
  });
  forgetMembershipRoles(db);
  let modelWarning: string | null = null;
  try {
    await ensureStarterModel(db, deps.stores.artifacts, project.id, starterModelDir);
  } catch (error) {
    if (!isDbError(error) || error.code !== 'MISSING_FILE') throw error;
    modelWarning = error.message;
  }
  return { ...project, modelWarning };
}
