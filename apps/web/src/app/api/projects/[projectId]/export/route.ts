/** GET ?format=coco|png|nifti|dicom-seg[&approved=1]: project export for reviewers and admins. */
import { requireProjectRole } from '../../../../../server/auth/require-project-role';
import { getDb } from '../../../../../server/db';
import { AppError } from '../../../../../server/errors/app-error';
import { errorResponse } from '../../../../../server/errors/to-http';
import { getBlobs } from '../../../../../server/blobs';
import { exportCoco } from '../../../../../server/services/export/export-coco';
import { exportDicomSegs } from '../../../../../server/services/export/export-dicom-segs';
import { exportNiftiVolumes } from '../../../../../server/services/export/export-nifti-volumes';
import { exportPngMasks } from '../../../../../server/services/export/export-png-masks';
import { storableParams } from '../../../../../server/http/storable-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(req: Request, { params }: { params: Promise<{ projectId: string }> }) {
  try {
    const { projectId } = await storableParams(params);
    await requireProjectRole(req, projectId, 'REVIEWER');
    const url = new URL(req.url);
    const format = url.searchParams.get('format') ?? 'coco';
    const approvedOnly = url.searchParams.get('approved') === '1';
    const stamp = new Date().toISOString().slice(0, 10);
    const download = (name: string) => ({
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    });
    if (format === 'coco') {
      const coco = await exportCoco(getDb(), projectId, { approvedOnly });
      return new Response(JSON.stringify(coco), {
        headers: { 'Content-Type': 'application/json', ...download(`loupe-${stamp}-coco.json`) },
      });
    }
    if (format === 'png' || format === 'nifti' || format === 'dicom-seg') {
      const zip =
        format === 'png'
          ? await exportPngMasks(getDb(), projectId, { approvedOnly })
          : format === 'nifti'
            ? await exportNiftiVolumes(getDb(), projectId, { approvedOnly })
            : await exportDicomSegs({ db: getDb(), blobs: getBlobs() }, projectId, {
                approvedOnly,
              });
      return new Response(zip as Uint8Array<ArrayBuffer>, {
        headers: { 'Content-Type': 'application/zip', ...download(`loupe-${stamp}-${format}.zip`) },
      });
    }
    throw new AppError(
      'BAD_INPUT',
      `Unknown export format "${format}" (coco, png, nifti, dicom-seg).`,
    );
  } catch (error) {
    return errorResponse(error);
  }
}
