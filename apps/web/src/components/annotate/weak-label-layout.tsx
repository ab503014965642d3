'use client';
/**
 * The page frame of the fast label modes: toolbar, lease banner, the image (no masks shown) and
 * the mode's side panel. Box mode draws boxes on the image; tag mode only pans.
 */
import type { Box } from '@loupe/prompts';
import type { ReactNode } from 'react';
import { LeaseLostBanner } from './lease-lost-banner';
import { QueueEmpty } from './queue-empty';
import type { WeakLabelSession } from './use-weak-label-session';
import { ViewerCanvas } from './viewer-canvas';
import { ViewerStatus } from './viewer-status';
import { WeakLabelToolbar } from './weak-label-toolbar';

const noop = () => undefined;
const NO_OBJECTS: never[] = [];

export function WeakLabelLayout(props: {
  projectId: string;
  mode: 'tag' | 'box';
  weak: WeakLabelSession;
  /** Box mode: the boxes drawn so far and where a new one goes. */
  boxes?: { list: Box[]; onBox: (box: Box) => void };
  panel: ReactNode;
}) {
  const { projectId, mode, weak, boxes, panel } = props;
  const { session, display, viewer, busy } = weak;
  if (session.queueEmpty) return <QueueEmpty onCheckAgain={() => void session.loadNext()} />;
  const { image } = session;
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="annotate-page" data-mode={mode}>
      <WeakLabelToolbar projectId={projectId} mode={mode} task={session.task} />
      {session.leaseLost && <LeaseLostBanner onReopen={session.reopen} />}
      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1">
          {image ? (
            <ViewerCanvas
              ref={viewer}
              imageCanvas={display.imageCanvas}
              width={image.width}
              height={image.height}
              objects={NO_OBJECTS}
              activeId={null}
              tool={boxes ? 'box' : 'pan'}
              brushRadius={display.brushRadius}
              overlayOpacity={display.overlayOpacity}
              showMasks={false}
              boxes={boxes?.list}
              onBox={boxes?.onBox ?? noop}
              onClick={noop}
              onStroke={noop}
              onWindowDrag={display.onWindowDrag}
            />
          ) : (
            <div className="flex h-full items-center justify-center text-sm text-slate-500">
              Loading image…
            </div>
          )}
          <ViewerStatus hasImage={!!image} modelReady imageReady={session.imageReady} busy={busy} />
        </div>
        <aside className="flex w-72 shrink-0 flex-col gap-4 overflow-y-auto border-l border-slate-800 bg-slate-900/60 p-4 text-sm">
          {panel}
        </aside>
      </div>
    </div>
  );
}
