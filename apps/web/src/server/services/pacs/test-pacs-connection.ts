/** Checks the saved connection with a one-study QIDO-RS search; the error says what failed. */
import type { Db } from '@loupe/db';
import { qidoSearch } from './dicomweb-client';
import { loadPacsConnection } from './pacs-connection';

export async function testPacsConnection(
  db: Db,
  projectId: string,
): Promise<{ ok: true; message: string }> {
  const conn = await loadPacsConnection(db, projectId);
  const started = Date.now();
  const studies = await qidoSearch(conn, 'studies', { limit: '1' });
  return {
    ok: true,
    message: `Connected in ${Date.now() - started} ms${studies.length ? '' : ' (no studies yet)'}.`,
  };
}
