import type { Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import { deleteObject } from '../annotations/delete-object';
import { saveObjectMask } from '../annotations/save-object-mask';

export interface VolumeObjectSlice {
  sliceIndex: number;
  /** libs/prompts mask bytes, base64. */
  finalRle: string;
  /** What the model proposed on this slice (prompt or propagation), before edits. */
  proposalRle?: string | null;
  origin: 'prompted' | 'propagated' | 'edited';
  propagatedFrom?: number | null;
  clicks: number;
  brushStrokes: number;
}

export interface SaveVolumeObjectInput {
  projectId: string;
  userId: string;
  volumeId: string;
  objectId: string;
  modelVersionId?: string | null;
  /** Every slice the object covers now. */
  slices: VolumeObjectSlice[];
  /**
   * Slices where the annotator ended the object (erased its propagated mask there): kept on every
   * row of the object so a reopened volume never propagates across them.
   */
  ends?: number[];
  activeSeconds: number;
}

/**
 * Accepts one object of a volume: its mask on every slice it covers (one Annotation per slice
 * task, all under the object id, with how each slice's mask came to be), and removes the object
 * from slices it no longer covers. Each slice is saved through saveObjectMask (lease, revision,
 * mask checks). Every slice is checked to be the caller's to edit before anything is written.
 */
export async function saveVolumeObject(db: Db, input: SaveVolumeObjectInput) {
  if (input.slices.length === 0)
    throw new AppError('BAD_INPUT', 'slices: the object covers no slice; draw it first.');
  const seen = new Set<number>();
  for (const s of input.slices) {
    if (seen.has(s.sliceIndex))
      throw new AppError('BAD_INPUT', `slices: slice ${s.sliceIndex} is listed twice.`);
    seen.add(s.sliceIndex);
  }
  const ends = [...new Set(input.ends ?? [])].sort((a, b) => a - b);
  for (const k of ends)
    if (seen.has(k))
      throw new AppError(
        'BAD_INPUT',
        `ends: slice ${k} has a mask of the object; it cannot end there.`,
      );
  const tasks = await db.task.findMany({
    where: { projectId: input.projectId, image: { volumeId: input.volumeId } },
    select: {
      id: true,
      status: true,
      leaseHolderId: true,
      image: { select: { sliceIndex: true } },
      annotations: { where: { objectId: input.objectId }, select: { id: true } },
    },
  });
  if (tasks.length === 0) throw new AppError('NOT_FOUND', 'Volume not found in this project.');
  const bySlice = new Map(tasks.map((t) => [t.image.sliceIndex, t]));
  for (const k of ends)
    if (!bySlice.has(k)) throw new AppError('BAD_INPUT', `ends: the volume has no slice ${k}.`);
  for (const s of input.slices) {
    const task = bySlice.get(s.sliceIndex);
    if (!task) throw new AppError('BAD_INPUT', `slices: the volume has no slice ${s.sliceIndex}.`);
    if (task.status !== 'IN_PROGRESS' || task.leaseHolderId !== input.userId)
      throw new AppError(
        'CONFLICT',
        `Slice ${s.sliceIndex} is not yours to edit (${task.status}); reopen the volume.`,
      );
  }

  const secondsPerSlice = input.activeSeconds / input.slices.length;
  let area = 0;
  let withoutEdit = 0;
  for (const s of input.slices) {
    const task = bySlice.get(s.sliceIndex)!;
    const saved = await saveObjectMask(db, {
      projectId: input.projectId,
      taskId: task.id,
      userId: input.userId,
      objectId: input.objectId,
      finalRle: s.finalRle,
      proposalRle: s.proposalRle ?? null,
      modelVersionId: s.proposalRle ? (input.modelVersionId ?? null) : null,
      clicks: s.clicks,
      brushStrokes: s.brushStrokes,
      activeSeconds: secondsPerSlice,
      sliceOrigin: s.origin,
      propagatedFrom: s.propagatedFrom ?? null,
      volumeEnds: ends,
    });
    area += saved.area;
    if (s.origin === 'propagated' && saved.editPixels === 0) withoutEdit += 1;
  }
  // Slices the object covered before but no longer does.
  let removed = 0;
  for (const task of tasks) {
    if (task.annotations.length === 0 || seen.has(task.image.sliceIndex ?? -1)) continue;
    await deleteObject(db, {
      projectId: input.projectId,
      taskId: task.id,
      userId: input.userId,
      objectId: input.objectId,
    });
    removed += 1;
  }
  return { slices: input.slices.length, ends, area, propagatedWithoutEdit: withoutEdit, removed };
}
