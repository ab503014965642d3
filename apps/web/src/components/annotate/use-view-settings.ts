'use client';
/**
 * How the page shows the image and what the pointer does: tool, brush size, overlay opacity and
 * visibility, window/level (reset per image: automatic for 16-bit, full range for 8-bit), and the
 * windowed canvas the viewer draws.
 */
import { useCallback, useMemo, useState } from 'react';
import type { Tool } from './viewer-canvas';
import {
  autoWindow,
  fullRangeWindow,
  renderWindowedCanvas,
  type WindowLevel,
} from './window-level';
import type { LoadedImage } from './use-task-session';

const MAX_BRUSH_RADIUS = 200;

/**
 * `imageWindow`: the window `image` is drawn with, from the one kept (default: itself); the volume
 * page keeps it in its reference slice's units and maps it to each slice's own (windowForSlice).
 */
export function useViewSettings(
  image: LoadedImage | null,
  imageWindow?: (window: WindowLevel, image: LoadedImage) => WindowLevel,
) {
  const [tool, setTool] = useState<Tool>('box');
  const [brushRadius, setBrushRadius] = useState(6);
  const [overlayOpacity, setOverlayOpacity] = useState(0.45);
  const [showMasks, setShowMasks] = useState(true);
  const [windowLevel, setWindowLevel] = useState<WindowLevel>(fullRangeWindow(8));

  const imageCanvas = useMemo(
    () =>
      image
        ? renderWindowedCanvas(image, imageWindow ? imageWindow(windowLevel, image) : windowLevel)
        : null,
    [image, imageWindow, windowLevel],
  );

  /** The window a newly opened image starts with: the file's own (e.g. DICOM VOI), else auto. */
  const resetWindow = useCallback((opened: LoadedImage, fileWindow?: WindowLevel | null) => {
    setWindowLevel(
      fileWindow ?? (opened.bitDepth === 16 ? autoWindow(opened.samples, 16) : fullRangeWindow(8)),
    );
  }, []);

  /** W/L tool drag: horizontal = width, vertical = level. */
  const onWindowDrag = useCallback(
    (dx: number, dy: number) => {
      const max = image?.bitDepth === 16 ? 65535 : 255;
      setWindowLevel((w) => ({
        width: Math.min(max + 1, Math.max(1, w.width + (dx * (max + 1)) / 400)),
        center: Math.min(max, Math.max(0, w.center - (dy * (max + 1)) / 400)),
      }));
    },
    [image],
  );

  const brushSmaller = useCallback(
    () => setBrushRadius((r) => Math.max(1, Math.round(r / 1.25))),
    [],
  );
  const brushLarger = useCallback(
    () => setBrushRadius((r) => Math.min(MAX_BRUSH_RADIUS, Math.round(r * 1.25 + 1))),
    [],
  );
  const toggleMasks = useCallback(() => setShowMasks((v) => !v), []);

  return {
    tool,
    setTool,
    brushRadius,
    setBrushRadius,
    brushSmaller,
    brushLarger,
    overlayOpacity,
    setOverlayOpacity,
    showMasks,
    toggleMasks,
    windowLevel,
    setWindowLevel,
    resetWindow,
    onWindowDrag,
    imageCanvas,
  };
}

export type ViewSettings = ReturnType<typeof useViewSettings>;
