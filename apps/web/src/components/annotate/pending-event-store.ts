/**
 * Unsent interaction events in IndexedDB (idb-keyval), keyed by client event id, so a closed,
 * reloaded or crashed tab loses none: the next annotate page of the project sends them.
 */
import { createStore, delMany, entries, setMany, type UseStore } from 'idb-keyval';
import type { PendingEvent, PendingEventStore } from './event-recorder';

export function indexedDbEventStore(): PendingEventStore | null {
  if (typeof indexedDB === 'undefined') return null;
  let db: UseStore | null = null;
  const store = () => (db ??= createStore('loupe-events', 'pending'));
  return {
    async load(projectId) {
      const all = await entries<string, PendingEvent>(store());
      return all
        .map(([, value]) => value)
        .filter((value) => value.projectId === projectId)
        .sort((a, b) => a.event.clientTime.getTime() - b.event.clientTime.getTime());
    },
    save: (events) =>
      setMany(
        events.map((e) => [e.event.clientEventId, e]),
        store(),
      ),
    remove: (ids) => delMany(ids, store()),
  };
}
