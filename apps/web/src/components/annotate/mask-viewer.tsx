'use client';
/**
 * The image with its objects' masks, wired to the view settings and the mask-editing handlers the
 * 2-D and the volume pages share (box, click, brush, window drag); a placeholder until the image
 * (or the slice) is there.
 */
import type { BrushStroke, Box, Point } from '@loupe/prompts';
import { forwardRef } from 'react';
import type { AnnotationObject } from './annotation-state';
import type { ViewSettings } from './use-view-settings';
import { ViewerCanvas, type DrawnFrame, type ViewerHandle } from './viewer-canvas';

export interface MaskEditingHandlers {
  onBox: (box: Box) => void;
  onClick: (point: Point, positive: boolean) => boolean | void;
  onStroke: (stroke: BrushStroke) => void;
}

export const MaskViewer = forwardRef<
  ViewerHandle,
  {
    image: { width: number; height: number } | null;
    state: { objects: AnnotationObject[]; activeId: string | null } | null;
    display: ViewSettings;
    editing: MaskEditingHandlers;
    loadingText: string;
    onFrame?: (frame: DrawnFrame) => void;
    onWheelSlice?: (step: 1 | -1) => void;
  }
>(function MaskViewer({ image, state, display, editing, loadingText, ...rest }, ref) {
  if (!image || !state)
    return (
      <div className="flex h-full items-center justify-center text-sm text-slate-500">
        {loadingText}
      </div>
    );
  return (
    <ViewerCanvas
      ref={ref}
      imageCanvas={display.imageCanvas}
      width={image.width}
      height={image.height}
      objects={state.objects}
      activeId={state.activeId}
      tool={display.tool}
      brushRadius={display.brushRadius}
      overlayOpacity={display.overlayOpacity}
      showMasks={display.showMasks}
      onBox={editing.onBox}
      onClick={editing.onClick}
      onStroke={editing.onStroke}
      onWindowDrag={display.onWindowDrag}
      {...rest}
    />
  );
});
