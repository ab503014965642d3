import { encodeRawImageHeaders } from '@loupe/contracts';
import {
  requireProjectRole,
  requireSignedIn,
} from '../../../../../server/auth/require-project-role';
import { getBlobs } from '../../../../../server/blobs';
import { getDb } from '../../../../../server/db';
import { AppError } from '../../../../../server/errors/app-error';
import { errorResponse } from '../../../../../server/errors/to-http';
import {
  findImageProject,
  IMAGE_VARIANTS,
  readImageVariant,
  type ImageVariant,
} from '../../../../../server/services/images/read-image-variant';
import { storableParams } from '../../../../../server/http/storable-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(
  req: Request,
  { params }: { params: Promise<{ imageId: string; variant: string }> },
) {
  try {
    const { imageId, variant } = await storableParams(params);
    // Anonymous callers learn nothing about which ids exist; strangers get the unknown id's 404.
    await requireSignedIn(req);
    if (!(IMAGE_VARIANTS as readonly string[]).includes(variant))
      throw new AppError(
        'NOT_FOUND',
        `Unknown image variant "${variant}" (${IMAGE_VARIANTS.join(', ')}).`,
      );
    const projectId = await findImageProject(getDb(), imageId);
    await requireProjectRole(req, projectId, 'ANNOTATOR', {
      notMember: new AppError('NOT_FOUND', 'Image not found.'),
    });
    const file = await readImageVariant(
      { db: getDb(), blobs: getBlobs() },
      imageId,
      variant as ImageVariant,
    );
    return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        'Content-Type': file.contentType,
        // An image id's pixels never change; the browser may keep them (private: access-checked).
        'Cache-Control': 'private, max-age=31536000, immutable',
        ...encodeRawImageHeaders(file),
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
