'use client';
/**
 * Tag mode's labels: the project's own tags toggled on the open image, and saving tags (a TAG
 * event with the seconds the image was open, then weakLabels.applyTags, then the preloaded next
 * image). A presence tag (present / absent) saves at once with whatever else is toggled.
 */
import { ABSENT_TAG, PRESENT_TAG } from '@loupe/contracts';
import { useCallback, useState } from 'react';
import { useTRPCClient } from '../trpc';
import type { InteractionEvents } from './use-interaction-events';
import type { TaskSession } from './use-task-session';
import { useWeakLabelSave } from './use-weak-label-save';

export function useTagLabels(options: {
  projectId: string;
  session: TaskSession;
  events: InteractionEvents;
  busy: string | null;
  setBusy: (busy: string | null) => void;
}) {
  const { projectId, session, events, busy, setBusy } = options;
  const client = useTRPCClient();
  const saveLabels = useWeakLabelSave({ session, busy, setBusy });
  const [toggled, setToggled] = useState<string[]>([]);
  const [taggedCount, setTaggedCount] = useState(0);
  const [lastTags, setLastTags] = useState<string[] | null>(null);

  const toggle = useCallback((tag: string) => {
    setToggled((tags) => (tags.includes(tag) ? tags.filter((t) => t !== tag) : [...tags, tag]));
  }, []);

  const save = useCallback(
    async (tags: string[]) => {
      if (!session.imageReady || tags.length === 0) return;
      await saveLabels('Saving tags…', async (taskId) => {
        const seconds = (Date.now() - session.openedAtRef.current) / 1000;
        // Buffered, not awaited: tagging must not wait on the event batch.
        events.record('TAG', { payload: { tags, seconds } });
        await client.weakLabels.applyTags.mutate({
          projectId,
          taskId,
          tags,
          expectedRevision: session.revisionRef.current,
        });
        setTaggedCount((n) => n + 1);
        setLastTags(tags);
        setToggled([]);
      });
    },
    [client, events, projectId, saveLabels, session],
  );

  /** A tag key: presence tags save the image now; the others toggle. */
  const press = useCallback(
    (tag: string) => {
      if (tag === PRESENT_TAG || tag === ABSENT_TAG)
        void save([tag, ...toggled.filter((t) => t !== PRESENT_TAG && t !== ABSENT_TAG)]);
      else toggle(tag);
    },
    [save, toggle, toggled],
  );

  return {
    toggled,
    taggedCount,
    lastTags,
    press,
    saveToggled: () => void save(toggled),
  };
}
