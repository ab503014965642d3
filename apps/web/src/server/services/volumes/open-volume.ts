import { leaseTask, LeaseConflictError, type Db } from '@loupe/db';
import { AppError } from '../../errors/app-error';
import { sampleWindow } from '../images/sample-window';
import { slicePositionMm } from './slice-position-mm';

/**
 * Opens the volume a slice task belongs to, as one unit of work: every slice keeps its own Task
 * (so the review page, exports and the trainer keep working per slice), and the volume page leases
 * all of them at once. Slices someone else holds, or already submitted, come back read-only
 * (`editable: false`) instead of failing the whole volume. Annotations come per slice under their
 * object ids: one object id across slices is one 3-D mask.
 */
export async function openVolume(db: Db, projectId: string, taskId: string, userId: string) {
  const start = await db.task.findFirst({
    where: { id: taskId, projectId },
    select: {
      project: { select: { leaseSeconds: true } },
      image: { select: { volumeId: true, sliceIndex: true } },
    },
  });
  if (!start) throw new AppError('NOT_FOUND', 'Task not found in this project.');
  const volumeId = start.image.volumeId;
  if (!volumeId) throw new AppError('BAD_INPUT', 'This task is a 2-D image, not a volume slice.');
  const volume = await db.volume.findUniqueOrThrow({
    where: { id: volumeId },
    select: {
      id: true,
      name: true,
      kind: true,
      width: true,
      height: true,
      depth: true,
      spacing: true,
      affine: true,
      modality: true,
      slices: {
        orderBy: { sliceIndex: 'asc' },
        select: {
          id: true,
          sliceIndex: true,
          bitDepth: true,
          valueSlope: true,
          valueIntercept: true,
          valueUnit: true,
          windowCenter: true,
          windowWidth: true,
          task: { select: { id: true } },
        },
      },
    },
  });

  const leaseSeconds = start.project.leaseSeconds;
  const slices = [];
  for (const image of volume.slices) {
    if (!image.task || image.sliceIndex === null) continue;
    let editable = true;
    let revision = 0;
    try {
      revision = (await leaseTask(db, { taskId: image.task.id, userId, leaseSeconds })).revision;
    } catch (error) {
      if (!(error instanceof LeaseConflictError)) throw error;
      editable = false;
    }
    slices.push({
      sliceIndex: image.sliceIndex,
      imageId: image.id,
      taskId: image.task.id,
      revision,
      editable,
      positionMm: slicePositionMm(volume.affine, volume.spacing, image.sliceIndex),
      // Its own samples -> real units: a PET series rescales each file on its own.
      values: { slope: image.valueSlope, intercept: image.valueIntercept, unit: image.valueUnit },
    });
  }
  const annotations = await db.annotation.findMany({
    where: { projectId, image: { volumeId }, supersededAt: null },
    orderBy: { createdAt: 'asc' },
    select: {
      objectId: true,
      finalRle: true,
      sliceOrigin: true,
      propagatedFrom: true,
      volumeEnds: true,
      modelVersionId: true,
      image: { select: { sliceIndex: true } },
    },
  });
  const first = volume.slices[0];
  return {
    id: volume.id,
    name: volume.name,
    kind: volume.kind,
    width: volume.width,
    height: volume.height,
    depth: volume.depth,
    spacing: volume.spacing,
    modality: volume.modality,
    // One window for the whole volume: the file's own (e.g. DICOM VOI) on its first slice.
    defaultWindow: first ? sampleWindow(first) : null,
    // Samples -> real units (HU for CT, scl_slope/scl_inter for NIfTI) for the window readout and
    // presets: the first slice's, the reference the page keeps its one window in (each slice is
    // drawn through its own `values`, windowForSlice).
    values: first
      ? { slope: first.valueSlope, intercept: first.valueIntercept, unit: first.valueUnit }
      : { slope: 1, intercept: 0, unit: null },
    startSlice: start.image.sliceIndex ?? 0,
    slices,
    annotations: annotations.map((a) => ({
      objectId: a.objectId,
      sliceIndex: a.image.sliceIndex ?? 0,
      sliceOrigin: a.sliceOrigin,
      propagatedFrom: a.propagatedFrom,
      volumeEnds: a.volumeEnds,
      modelVersionId: a.modelVersionId,
      finalRle: Buffer.from(a.finalRle).toString('base64'),
    })),
  };
}

export type VolumeView = Awaited<ReturnType<typeof openVolume>>;
