import type pg from 'pg';
import type { DbOrTx } from '../client/db-types';

export const MODEL_PROMOTED_CHANNEL = 'loupe_model_promoted';

export interface ModelPromotedEvent {
  projectId: string;
  modelVersionId: string;
}

/**
 * Tells listening web servers that a project's active model changed (Postgres NOTIFY; inside a
 * transaction it is delivered at commit). On the embedded database NOTIFY stays on its own
 * connection, so subscribeModelPromotions polls there instead; calling this is still harmless.
 */
export async function notifyModelPromoted(
  db: DbOrTx | pg.Pool | pg.Client,
  event: ModelPromotedEvent,
): Promise<void> {
  const payload = JSON.stringify({
    projectId: event.projectId,
    modelVersionId: event.modelVersionId,
  });
  if ('$executeRaw' in db) {
    await db.$executeRaw`SELECT pg_notify(${MODEL_PROMOTED_CHANNEL}, ${payload})`;
  } else {
    await db.query('SELECT pg_notify($1, $2)', [MODEL_PROMOTED_CHANNEL, payload]);
  }
}
