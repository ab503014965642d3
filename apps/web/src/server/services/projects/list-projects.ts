import type { Db } from '@loupe/db';
import type { ProjectRole } from '../../../lib/roles';

export interface ProjectListItem {
  id: string;
  slug: string;
  name: string;
  description: string;
  role: ProjectRole;
  imageCount: number;
  tasksByStatus: Record<string, number>;
  activeModelVersion: { id: string; version: number } | null;
}

/** The projects the user is a member of, with image counts and task progress. */
export async function listProjects(db: Db, userId: string): Promise<ProjectListItem[]> {
  const memberships = await db.membership.findMany({
    where: { userId },
    orderBy: { createdAt: 'asc' },
    select: {
      role: true,
      project: {
        select: {
          id: true,
          slug: true,
          name: true,
          description: true,
          activeModelVersion: { select: { id: true, version: true } },
          _count: { select: { images: true } },
        },
      },
    },
  });
  const projectIds = memberships.map((m) => m.project.id);
  const counts = projectIds.length
    ? await db.task.groupBy({
        by: ['projectId', 'status'],
        where: { projectId: { in: projectIds } },
        _count: { _all: true },
      })
    : [];
  return memberships.map(({ role, project }) => {
    const tasksByStatus: Record<string, number> = {};
    for (const c of counts) if (c.projectId === project.id) tasksByStatus[c.status] = c._count._all;
    return {
      id: project.id,
      slug: project.slug,
      name: project.name,
      description: project.description,
      role,
      imageCount: project._count.images,
      tasksByStatus,
      activeModelVersion: project.activeModelVersion,
    };
  });
}
