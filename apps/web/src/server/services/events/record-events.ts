/**
 * Stores a batch of interaction events (the page flushes every few seconds and on accept). One
 * createMany; each event is tied to the task's image and to a model version of this project.
 */
import { projectTags, type InteractionEvent } from '@loupe/contracts';
import type { Db, Prisma } from '@loupe/db';
import { validateBox, validateBrushStroke, validatePoint, type ImageSize } from '@loupe/prompts';
import { AppError } from '../../errors/app-error';

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

export async function recordEvents(
  db: Db,
  input: { projectId: string; taskId: string; userId: string; events: InteractionEvent[] },
): Promise<{ recorded: number }> {
  if (input.events.length === 0) return { recorded: 0 };
  const task = await db.task.findFirst({
    where: { id: input.taskId, projectId: input.projectId },
    select: {
      imageId: true,
      image: { select: { width: true, height: true } },
      project: { select: { tagVocabulary: true } },
    },
  });
  if (!task) throw new AppError('NOT_FOUND', 'Task not found in this project.');
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
  const result = await db.interactionEvent.createMany({
    data: input.events.map((e) => ({
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
  return { recorded: result.count };
}
