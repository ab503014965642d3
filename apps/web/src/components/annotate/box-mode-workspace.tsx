'use client';
/**
 * Box-only mode of the annotate page: draw a box around each object, no mask review, Enter saves
 * the boxes as weak labels and shows the next image (preloaded). No model runs.
 */
import { BoxListPanel } from './box-list-panel';
import { useWeakBoxes } from './use-weak-boxes';
import { useKeyMap } from './use-key-map';
import { useWeakLabelSession } from './use-weak-label-session';
import { boxKeyBindings } from './weak-label-key-bindings';
import { WeakLabelLayout } from './weak-label-layout';

export function BoxModeWorkspace({ projectId }: { projectId: string }) {
  const weak = useWeakLabelSession({ projectId, mode: 'box', onNextImage: () => boxes.reset() });
  const { session, events, busy, setBusy } = weak;
  const boxes = useWeakBoxes({ projectId, session, events, busy, setBusy });
  useKeyMap(boxKeyBindings({ ...weak.viewKeys, save: boxes.save, removeLast: boxes.removeLast }));

  return (
    <WeakLabelLayout
      projectId={projectId}
      mode="box"
      weak={weak}
      boxes={{ list: boxes.boxes, onBox: boxes.add }}
      panel={
        <BoxListPanel
          boxes={boxes.boxes}
          savedImages={boxes.savedImages}
          objectLabel={weak.project?.objectLabel ?? 'object'}
          busy={!!busy || !session.imageReady}
          onRemoveLast={boxes.removeLast}
          onSave={boxes.save}
          onSkip={weak.skip}
        />
      }
    />
  );
}
