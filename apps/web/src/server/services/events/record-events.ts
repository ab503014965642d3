/**
 * Stores a batch of interaction events (the page flushes every few seconds, on accept and when
 * it is hidden, and retries until acknowledged). One createMany; each event is tied to the task's
 * image and to a model version of this project, and stored once per client event id.
 */
import { projectTags, type InteractionEvent } from '@loupe/contracts';
import type { Db, Prisma } from '@loupe/db';
import { validateBox, validateBrushStroke, validatePoint, type ImageSize } from '@loupe/prompts';
import { AppError } from '../../errors/app-error';
import { limitEventBatches } from './limit-event-batches';

/**
 * Prompt geometry in events must describe this image: boxes, points and strokes outside it (or
 * malformed) are refused with the offending field named (PromptError -> BAD_INPUT).
 */
function checkPromptGeometry(events: InteractionEvent[], size: ImageSize): void {
  events.forEach((event, i) => {
    const field = `events.${i}.payload`;
    const payload = event.payload;
    if (event.type === 'BOX') validateBox(payload['box'], size, `${field}.box`);
    else if (event.type === 'POSITIVE_POINT' || event.type === 'NEGATIVE_POINT')
      validatePoint({ x: payload['x'], y: payload['y'] }, size, field);
    else if (event.type === 'BRUSH_STROKE' || event.type === 'ERASER_STROKE')
      validateBrushStroke(
        {
          points: payload['points'],
          radius: payload['radius'],
          mode: event.type === 'BRUSH_STROKE' ? 'brush' : 'eraser',
        },
        size,
        field,
      );
  });
}

/** TAG events name the tags applied (`payload.tags`); each must be one of this project's tags. */
function checkTagEvents(events: InteractionEvent[], allowed: readonly string[]): void {
  events.forEach((event, i) => {
    if (event.type !== 'TAG') return;
    const tags = event.payload['tags'];
    const field = `events.${i}.payload.tags`;
    if (!Array.isArray(tags) || tags.length === 0 || tags.some((t) => typeof t !== 'string'))
      throw new AppError('BAD_INPUT', `${field}: a TAG event names the tags applied (strings).`, {
        field,
      });
    const unknown = (tags as string[]).filter((t) => !allowed.includes(t));
    if (unknown.length)
      throw new AppError(
        'BAD_INPUT',
        `${field}: ${unknown.join(', ')} is not a tag of this project (its tags: ${allowed.join(', ')}).`,
        { field },
      );
  });
}

/**
 * A late batch (sent on pagehide, retried after a restart) may arrive after the caller released
 * or submitted the task, even after someone else took it. The caller held it if the server
 * already has events, a saved mask or weak labels of theirs on it: the page's first batch
 * (IMAGE_OPENED) is sent while the lease is held.
 */
async function heldEarlier(db: Db, taskId: string, userId: string): Promise<boolean> {
  const [event, annotation, weakLabel] = await Promise.all([
    db.interactionEvent.findFirst({ where: { taskId, userId }, select: { id: true } }),
    db.annotation.findFirst({ where: { taskId, createdById: userId }, select: { id: true } }),
    // Tag mode saves an image's tags before its buffered events go out (tagging must not wait).
    db.weakLabel.findFirst({ where: { taskId, createdById: userId }, select: { id: true } }),
  ]);
  return event !== null || annotation !== null || weakLabel !== null;
}

export async function recordEvents(
  db: Db,
  input: { projectId: string; taskId: string; userId: string; events: InteractionEvent[] },
): Promise<{ recorded: number; duplicates: number }> {
  if (input.events.length === 0) return { recorded: 0, duplicates: 0 };
  await limitEventBatches(db, input.userId);
  const task = await db.task.findFirst({
    where: { id: input.taskId, projectId: input.projectId },
    select: {
      imageId: true,
      leaseHolderId: true,
      image: { select: { width: true, height: true } },
      project: { select: { tagVocabulary: true } },
    },
  });
  if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
  if (task.leaseHolderId !== input.userId && !(await heldEarlier(db, input.taskId, input.userId)))
    throw new AppError(
      'FORBIDDEN',
      'Events are recorded only for tasks you hold (or held): open the task first.',
      { field: 'taskId' },
    );
  checkPromptGeometry(input.events, task.image);
  checkTagEvents(input.events, projectTags(task.project.tagVocabulary));
  const modelIds = [
    ...new Set(input.events.flatMap((e) => (e.modelVersionId ? [e.modelVersionId] : []))),
  ];
  if (modelIds.length) {
    const known = await db.modelVersion.findMany({
      where: { id: { in: modelIds }, projectId: input.projectId },
      select: { id: true },
    });
    const knownIds = new Set(known.map((m) => m.id));
    const unknown = modelIds.filter((id) => !knownIds.has(id));
    if (unknown.length)
      throw new AppError(
        'STALE_MODEL',
        `events name model version ${unknown.join(', ')}, which is not a model of this project.`,
        {
          field: 'events.modelVersionId',
        },
      );
  }
  // A retried or replayed batch: events whose (user, clientEventId) is stored already are skipped
  // by the unique index (ON CONFLICT DO NOTHING), so each is stored once however often it comes.
  const result = await db.interactionEvent.createMany({
    skipDuplicates: true,
    data: input.events.map((e) => ({
      clientEventId: e.clientEventId ?? null,
      projectId: input.projectId,
      taskId: input.taskId,
      imageId: task.imageId,
      userId: input.userId,
      objectId: e.objectId ?? null,
      type: e.type,
      payload: e.payload as Prisma.InputJsonValue,
      modelVersionId: e.modelVersionId ?? null,
      latencyMs: e.latencyMs ?? null,
      clientTime: e.clientTime,
    })),
  });
  return { recorded: result.count, duplicates: input.events.length - result.count };
}
