'use client';
/**
 * Tag mode of the annotate page: the image, one key per tag (1 present, 2 absent, 3.. the
 * project's own), and the next image already leased and fetched, so tagging takes about a second
 * an image. No model runs.
 */
import { projectTags } from '@loupe/contracts';
import { TagPanel } from './tag-panel';
import { useKeyMap } from './use-key-map';
import { useTagLabels } from './use-tag-labels';
import { useWeakLabelSession } from './use-weak-label-session';
import { tagKeyBindings } from './weak-label-key-bindings';
import { WeakLabelLayout } from './weak-label-layout';

export function TagModeWorkspace({ projectId }: { projectId: string }) {
  const weak = useWeakLabelSession({ projectId, mode: 'tag' });
  const { session, events, busy, setBusy } = weak;
  const tags = projectTags(weak.project?.tagVocabulary ?? []);
  const labels = useTagLabels({ projectId, session, events, busy, setBusy });
  useKeyMap(
    tagKeyBindings(tags.length, {
      ...weak.viewKeys,
      pressTag: (index) => {
        const tag = tags[index];
        if (tag) labels.press(tag);
      },
      saveToggled: labels.saveToggled,
    }),
  );

  return (
    <WeakLabelLayout
      projectId={projectId}
      mode="tag"
      weak={weak}
      panel={
        <TagPanel
          tags={tags}
          toggled={labels.toggled}
          taggedCount={labels.taggedCount}
          lastTags={labels.lastTags}
          objectLabel={weak.project?.objectLabel ?? 'lesion'}
          busy={!!busy || !session.imageReady}
          onPress={labels.press}
          onSaveToggled={labels.saveToggled}
          onSkip={weak.skip}
        />
      }
    />
  );
}
