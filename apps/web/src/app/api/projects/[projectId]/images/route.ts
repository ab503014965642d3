/**
 * POST files (multipart field "file", repeated) to ingest into the project. One plain file answers
 * 201 with the images created (as before); several files, a zip or a folder's files answer 200
 * with one outcome per group (a DICOM series becomes one volume), each with its reason when
 * refused. Field "fourD" = series | sequence chooses how a 4-D NIfTI is split. The upload page
 * sends one XHR per batch so it can show upload progress per file and per batch.
 */
import { z } from 'zod';
import { env } from '../../../../../env';
import { requireProjectRole } from '../../../../../server/auth/require-project-role';
import { getBlobs } from '../../../../../server/blobs';
import { getDb } from '../../../../../server/db';
import { AppError } from '../../../../../server/errors/app-error';
import { errorResponse } from '../../../../../server/errors/to-http';
import { ingestImage } from '../../../../../server/services/images/ingest-image';
import { ingestUpload } from '../../../../../server/services/images/ingest-upload';
import { isZip } from '../../../../../server/services/images/sniff-image-type';
import { uploadLimits } from '../../../../../server/services/images/upload-limits';
import { collectGarbageAfter } from '../../../../../server/http/collect-garbage-soon';
import { API_CONTENT_SECURITY_POLICY } from '../../../../../server/http/content-security-policy';
import { readCappedForm } from '../../../../../server/http/read-capped-form';
import { refuseOtherOrigins } from '../../../../../server/http/refuse-other-origins';
import { storableParams } from '../../../../../server/http/storable-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const fourDSchema = z.enum(['series', 'sequence']).optional();

export async function POST(
  req: Request,
  context: { params: Promise<{ projectId: string }> },
): Promise<Response> {
  // Stored or refused, the upload's buffers are garbage afterwards: freed once uploads pause.
  const response =
    refuseOtherOrigins(req) ?? (await collectGarbageAfter(() => ingest(req, context)));
  response.headers.set('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
  return response;
}

async function ingest(
  req: Request,
  { params }: { params: Promise<{ projectId: string }> },
): Promise<Response> {
  try {
    const { projectId } = await storableParams(params);
    await requireProjectRole(req, projectId, 'ADMIN');
    // Multipart overhead is small; the cap is counted as the body arrives, Content-Length or not.
    const form = await readCappedForm(
      req,
      env.LOUPE_UPLOAD_BATCH_MAX_BYTES + 64 * 1024,
      `${env.LOUPE_UPLOAD_BATCH_MAX_BYTES} bytes per request`,
      // Each file is cut at the per-file cap as it streams; a zip's entries are capped one by one.
      { maxBytes: env.LOUPE_UPLOAD_MAX_BYTES, exempt: isZip },
    );
    const files = form.files;
    const first = files[0];
    if (!first) throw new AppError('BAD_INPUT', 'Expected a multipart form with a "file" field.');
    const fourD = fourDSchema.safeParse(form.fields.get('fourD') ?? undefined);
    if (!fourD.success) throw new AppError('BAD_INPUT', 'fourD must be "series" or "sequence".');
    const deps = { db: getDb(), blobs: getBlobs() };
    if (files.length === 1 && !isZip(first.bytes)) {
      const result = await ingestImage(
        deps,
        {
          projectId,
          fileName: first.name,
          bytes: first.bytes,
          // Read from the request for this call only: moved to the decode thread, not copied.
          bytesOwned: true,
          ...(fourD.data ? { fourD: fourD.data } : {}),
        },
        uploadLimits(),
      );
      return Response.json(result, { status: 201 });
    }
    const result = await ingestUpload(
      deps,
      { projectId, files, bytesOwned: true, ...(fourD.data ? { fourD: fourD.data } : {}) },
      uploadLimits(),
    );
    return Response.json(result, { status: 200 });
  } catch (error) {
    return errorResponse(error);
  }
}
