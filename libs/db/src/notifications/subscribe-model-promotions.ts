import pg from 'pg';
import { isEmbeddedDatabase } from '../client/is-embedded-database';
import type { ModelPromotedEvent } from './notify-model-promoted';
import { MODEL_PROMOTED_CHANNEL } from './notify-model-promoted';

export interface SubscribeModelPromotionsOptions {
  /** Polling period on the embedded database, and reconnect delay on Postgres (ms, default 1000). */
  intervalMs?: number;
  /** Called with connection problems (the subscription keeps retrying). Default: console.error. */
  onError?: (error: Error) => void;
}

type ActiveModels = Map<string, string | null>;

async function readActiveModels(client: pg.Client): Promise<ActiveModels> {
  const result = await client.query<{ id: string; activeModelVersionId: string | null }>(
    'SELECT "id", "activeModelVersionId" FROM "Project"',
  );
  return new Map(result.rows.map((row) => [row.id, row.activeModelVersionId]));
}

function changes(before: ActiveModels, after: ActiveModels): ModelPromotedEvent[] {
  const events: ModelPromotedEvent[] = [];
  for (const [projectId, modelVersionId] of after) {
    if (modelVersionId && before.get(projectId) !== modelVersionId)
      events.push({ projectId, modelVersionId });
  }
  return events;
}

/**
 * Calls `callback` whenever a project's active model changes. Real Postgres: LISTEN on
 * `loupe_model_promoted` (after a lost connection it reconnects and reports changes it missed).
 * Embedded PGlite: NOTIFY does not cross connections there, so it polls Project.activeModelVersionId.
 * Resolves once listening; the returned function stops it.
 */
export async function subscribeModelPromotions(
  url: string,
  callback: (event: ModelPromotedEvent) => void,
  options: SubscribeModelPromotionsOptions = {},
): Promise<() => Promise<void>> {
  const intervalMs = options.intervalMs ?? 1_000;
  const onError =
    options.onError ??
    ((error: Error) => console.error(`model promotion subscription: ${error.message}`));
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let known: ActiveModels = new Map();

  const emit = (events: ModelPromotedEvent[]) => {
    for (const event of events) callback(event);
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('error', (error) => {
      onError(error);
      scheduleReconnect();
    });
    // A server restart can close the connection without an error event.
    next.on('end', () => {
      if (client === next) scheduleReconnect();
    });
    await next.connect();
    client = next;
    const embedded = await isEmbeddedDatabase(next);
    const current = await readActiveModels(next);
    // After a reconnect, report what changed while we were away.
    if (known.size > 0) emit(changes(known, current));
    known = current;
    if (embedded) {
      const poll = async () => {
        if (stopped || client !== next) return;
        try {
          const latest = await readActiveModels(next);
          emit(changes(known, latest));
          known = latest;
        } catch (error) {
          onError(error as Error);
          scheduleReconnect();
          return;
        }
        timer = setTimeout(poll, intervalMs);
      };
      timer = setTimeout(poll, intervalMs);
    } else {
      next.on('notification', (message) => {
        if (message.channel !== MODEL_PROMOTED_CHANNEL || !message.payload) return;
        try {
          const event = JSON.parse(message.payload) as ModelPromotedEvent;
          known.set(event.projectId, event.modelVersionId);
          callback(event);
        } catch (error) {
          onError(error as Error);
        }
      });
      await next.query(`LISTEN ${MODEL_PROMOTED_CHANNEL}`);
    }
  };

  let reconnecting = false;
  function scheduleReconnect(): void {
    if (stopped || reconnecting) return;
    reconnecting = true;
    if (timer) clearTimeout(timer);
    const old = client;
    client = undefined;
    old?.end().catch(() => undefined);
    setTimeout(() => {
      reconnecting = false;
      if (stopped) return;
      connect().catch((error: Error) => {
        onError(error);
        scheduleReconnect();
      });
    }, intervalMs);
  }

  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await client?.end().catch(() => undefined);
    client = undefined;
  };
}
