/**
 * WADO-RS import of whole series from the project's PACS, one series at a time: each series is
 * retrieved, then ingested like an upload (one series -> one volume, in one transaction). A series
 * that fails (PACS down, timeout, garbage, refused file) gets its reason; the others still land.
 */
import type { Db } from '@loupe/db';
import { z } from 'zod';
import type { BlobStore } from '../../blobs';
import { isAppError } from '../../errors/app-error';
import type { ImageLimits } from '../images/decoded-image';
import { ingestUpload, type UploadOutcome } from '../images/ingest-upload';
import { wadoRetrieveSeries } from './dicomweb-client';
import { loadPacsConnection } from './pacs-connection';

export const pacsSeriesInput = z.object({
  studyInstanceUid: z
    .string()
    .regex(/^[\d.]+$/)
    .max(64),
  seriesInstanceUid: z
    .string()
    .regex(/^[\d.]+$/)
    .max(64),
});

export interface PacsImportResult {
  seriesInstanceUid: string;
  ok: boolean;
  message: string;
  instances: number;
  outcomes: UploadOutcome[];
}

export async function importPacsSeries(
  deps: { db: Db; blobs: BlobStore },
  projectId: string,
  series: z.infer<typeof pacsSeriesInput>[],
  limits: ImageLimits,
): Promise<PacsImportResult[]> {
  const conn = await loadPacsConnection(deps.db, projectId);
  const results: PacsImportResult[] = [];
  for (const { studyInstanceUid, seriesInstanceUid } of series) {
    let instances: Uint8Array[];
    try {
      instances = await wadoRetrieveSeries(conn, studyInstanceUid, seriesInstanceUid);
    } catch (error) {
      if (!isAppError(error)) throw error;
      results.push({
        seriesInstanceUid,
        ok: false,
        message: error.message,
        instances: 0,
        outcomes: [],
      });
      continue;
    }
    const { outcomes } = await ingestUpload(
      deps,
      {
        projectId,
        files: instances.map((bytes, i) => ({
          name: `${seriesInstanceUid}/${String(i + 1).padStart(4, '0')}.dcm`,
          bytes,
        })),
        bytesOwned: true,
      },
      limits,
    );
    const stored = outcomes.filter((o) => o.ok);
    results.push({
      seriesInstanceUid,
      ok: stored.length > 0 && stored.length === outcomes.length,
      message:
        stored.length === outcomes.length
          ? stored.map((o) => o.message).join('; ')
          : outcomes.map((o) => (o.ok ? o.message : `refused: ${o.message}`)).join('; '),
      instances: instances.length,
      outcomes,
    });
  }
  return results;
}
