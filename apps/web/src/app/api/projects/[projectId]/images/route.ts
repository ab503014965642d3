/**
 * POST one file (multipart field "file") to ingest into the project. The upload page sends one
 * XHR per file so it can show upload progress; the response lists the images created or the reason
 * the file was refused.
 */
import { env } from '../../../../../env';
import { requireProjectRole } from '../../../../../server/auth/require-project-role';
import { getBlobs } from '../../../../../server/blobs';
import { getDb } from '../../../../../server/db';
import { AppError } from '../../../../../server/errors/app-error';
import { errorResponse } from '../../../../../server/errors/to-http';
import { ingestImage } from '../../../../../server/services/images/ingest-image';
import { uploadLimits } from '../../../../../server/services/images/upload-limits';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function POST(req: Request, { params }: { params: Promise<{ projectId: string }> }) {
  try {
    const { projectId } = await params;
    await requireProjectRole(req, projectId, 'ADMIN');
    const declared = Number(req.headers.get('content-length') ?? '0');
    // Multipart overhead is small; refuse obviously oversized bodies before reading them.
    if (declared > env.LOUPE_UPLOAD_MAX_BYTES + 64 * 1024)
      throw new AppError(
        'TOO_LARGE',
        `Upload is ${declared} bytes; the limit is ${env.LOUPE_UPLOAD_MAX_BYTES}.`,
      );
    let form: FormData;
    try {
      form = await req.formData();
    } catch (error) {
      throw new AppError('BAD_INPUT', 'Expected a multipart form with a "file" field.', undefined, {
        cause: error,
      });
    }
    const file = form.get('file');
    if (!(file instanceof File))
      throw new AppError('BAD_INPUT', 'Expected a multipart form with a "file" field.');
    const bytes = new Uint8Array(await file.arrayBuffer());
    const result = await ingestImage(
      { db: getDb(), blobs: getBlobs() },
      { projectId, fileName: file.name, bytes },
      uploadLimits(),
    );
    return Response.json(result, { status: 201 });
  } catch (error) {
    return errorResponse(error);
  }
}
