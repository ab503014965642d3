/**
 * One database subscription per server process (libs/db subscribeModelPromotions: LISTEN/NOTIFY
 * on Postgres, polling on the embedded database), fanned out to every open SSE stream.
 */
import { subscribeModelPromotions, type ModelPromotedEvent } from '@loupe/db';

type Listener = (event: ModelPromotedEvent) => void;

interface Hub {
  listeners: Set<Listener>;
  started: Promise<() => Promise<void>> | null;
}

const globalForHub = globalThis as unknown as { loupeModelHub?: Hub };

export async function onModelPromoted(databaseUrl: string, listener: Listener): Promise<() => void> {
  const hub = (globalForHub.loupeModelHub ??= { listeners: new Set(), started: null });
  hub.listeners.add(listener);
  hub.started ??= subscribeModelPromotions(databaseUrl, (event) => {
    for (const l of hub.listeners) l(event);
  }).catch((error: unknown) => {
    // Let the next stream try again rather than caching a failed subscription forever.
    hub.started = null;
    throw error;
  });
  await hub.started;
  return () => hub.listeners.delete(listener);
}
