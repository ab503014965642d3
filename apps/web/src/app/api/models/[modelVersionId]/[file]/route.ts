/**
 * Model files for the browser worker. A model version's files never change, so they are cached
 * immutably by URL (the version id is in the path); the worker still checks every sha256.
 */
import { requireProjectRole, requireSignedIn } from '../../../../../server/auth/require-project-role';
import { getStores } from '../../../../../server/blobs';
import { getDb } from '../../../../../server/db';
import { AppError } from '../../../../../server/errors/app-error';
import { errorResponse } from '../../../../../server/errors/to-http';
import {
  findModelProject,
  readModelFile,
  SERVED_MODEL_FILES,
  type ServedModelFile,
} from '../../../../../server/services/models/read-model-file';
import { storableParams } from '../../../../../server/http/storable-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(req: Request, { params }: { params: Promise<{ modelVersionId: string; file: string }> }) {
  try {
    const { modelVersionId, file } = await storableParams(params);
    // Anonymous callers learn nothing about which ids exist; strangers get the unknown id's 404.
    await requireSignedIn(req);
    if (!(SERVED_MODEL_FILES as readonly string[]).includes(file))
      throw new AppError('NOT_FOUND', `Unknown model file "${file}" (${SERVED_MODEL_FILES.join(', ')}).`);
    const projectId = await findModelProject(getDb(), modelVersionId);
    await requireProjectRole(req, projectId, 'ANNOTATOR', {
      notMember: new AppError('NOT_FOUND', 'Model version not found.'),
    });
    const { artifacts } = getStores();
    const result = await readModelFile({ db: getDb(), artifacts }, modelVersionId, file as ServedModelFile);
    const headers: Record<string, string> = {
      'Content-Type': result.contentType,
      'Content-Length': String(result.bytes.byteLength),
      'Cache-Control': 'private, max-age=31536000, immutable',
    };
    if (result.sha256) {
      headers['ETag'] = `"${result.sha256}"`;
      headers['X-Content-Sha256'] = result.sha256;
    }
    return new Response(result.bytes as Uint8Array<ArrayBuffer>, { headers });
  } catch (error) {
    return errorResponse(error);
  }
}
