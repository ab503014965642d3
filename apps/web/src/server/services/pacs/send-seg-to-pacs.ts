/** Sends the accepted masks of a DICOM-sourced volume or image back to the PACS as DICOM SEG (STOW-RS). */
import type { Db } from '@loupe/db';
import type { BlobStore } from '../../blobs';
import { AppError } from '../../errors/app-error';
import { buildDicomSeg } from '../export/build-dicom-seg';
import { jsonValue, stowInstances } from './dicomweb-client';
import { loadPacsConnection } from './pacs-connection';

export async function sendSegToPacs(
  deps: { db: Db; blobs: BlobStore },
  projectId: string,
  target: { volumeId: string } | { imageId: string },
  options: { approvedOnly?: boolean } = {},
): Promise<{ sopInstanceUid: string; seriesInstanceUid: string; segments: number }> {
  const conn = await loadPacsConnection(deps.db, projectId);
  // Accepted (saved) masks; `approvedOnly` narrows to reviewer-approved tasks.
  const seg = await buildDicomSeg(deps, projectId, target, options);
  const answer = await stowInstances(conn, [seg.bytes]);
  // A STOW response lists failures in FailedSOPSequence (0008,1198).
  const failed = answer['00081198']?.Value;
  if (failed && failed.length > 0)
    throw new AppError(
      'BAD_INPUT',
      `The PACS refused the segmentation (failure reason ${jsonValue(failed[0] as never, '00081197') ?? 'unknown'}).`,
    );
  return {
    sopInstanceUid: seg.sopInstanceUid,
    seriesInstanceUid: seg.seriesInstanceUid,
    segments: seg.segments.length,
  };
}
