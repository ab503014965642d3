import { randomBytes } from 'node:crypto';
import type { Db } from '../client/create-db';

/** Small rows for db specs: a project with users and one task per image. */
export async function createProjectWithTasks(
  db: Db,
  options: { tasks: number; users?: number; priorities?: number[] },
) {
  const suffix = randomBytes(4).toString('hex');
  const project = await db.project.create({
    data: { slug: `p-${suffix}`, name: `Project ${suffix}` },
    select: { id: true },
  });
  const users = await Promise.all(
    Array.from({ length: options.users ?? 1 }, (_, index) =>
      db.user.create({
        data: {
          email: `u${index}-${suffix}@example.test`,
          name: `User ${index}`,
          passwordHash: 'x',
        },
        select: { id: true },
      }),
    ),
  );
  const tasks: { id: string; imageId: string }[] = [];
  for (let index = 0; index < options.tasks; index += 1) {
    const image = await db.image.create({
      data: {
        projectId: project.id,
        fileName: `img-${index}.png`,
        mimeType: 'image/png',
        width: 64,
        height: 64,
        channels: 1,
        bitDepth: 8,
        storageKey: `k${index}`,
        pixelsKey: `k${index}`,
        thumbnailKey: `k${index}`,
        sizeBytes: 10,
        sha256: `${suffix}-${index}`,
      },
      select: { id: true },
    });
    const task = await db.task.create({
      data: {
        projectId: project.id,
        imageId: image.id,
        priority: options.priorities?.[index] ?? 0,
      },
      select: { id: true, imageId: true },
    });
    tasks.push(task);
  }
  return { projectId: project.id, userIds: users.map((user) => user.id), tasks };
}
