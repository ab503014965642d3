'use client';
/**
 * The image viewer: zoom (wheel, or Ctrl + wheel where the wheel scrolls slices; +/-, 0 = fit), pan (space/middle-drag or the pan tool),
 * window/level drag, and the drawing tools. Everything is reported in continuous image pixel
 * coordinates (pixel k covers [k, k+1)), the convention libs/prompts uses.
 */
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from 'react';
import type { Box, BrushStroke, Point } from '@loupe/prompts';
import type { AnnotationObject } from './annotation-state';
import { ACTIVE_COLOR, maskOverlayCanvas, OBJECT_COLORS, overlayScale } from './mask-overlay';

export type Tool = 'box' | 'positive' | 'negative' | 'brush' | 'eraser' | 'pan' | 'window';

/** A frame the viewer drew: when drawing started and whether inside an animation frame. */
export interface DrawnFrame {
  startedAt: number;
  inAnimationFrame: boolean;
  /** The active object as drawn. */
  active: AnnotationObject | null;
}

export interface ViewerHandle {
  fit(): void;
  zoomBy(factor: number): void;
  /**
   * Draws these objects at once (a worker result, before React renders it): the mask is in the
   * canvas when this returns, and the browser shows it at its next frame.
   */
  drawNow(state: { objects: AnnotationObject[]; activeId: string | null }): void;
}

interface ViewerProps {
  imageCanvas: HTMLCanvasElement | null;
  width: number;
  height: number;
  objects: AnnotationObject[];
  activeId: string | null;
  tool: Tool;
  brushRadius: number;
  overlayOpacity: number;
  showMasks: boolean;
  /** Boxes drawn as they are (box-only mode's weak labels), besides the objects. */
  boxes?: readonly Box[];
  onBox: (box: Box) => void;
  /** true: the caller draws the click itself (with the mask it asks for); the viewer does not. */
  onClick: (point: Point, positive: boolean) => boolean | void;
  onStroke: (stroke: BrushStroke) => void;
  onWindowDrag: (dx: number, dy: number) => void;
  /** Called after every frame is drawn (the annotate page times proposals to the frame that shows them). */
  onFrame?: (frame: DrawnFrame) => void;
  /** Volume page: the plain wheel scrolls slices (+1 = next) and Ctrl/Cmd + wheel zooms. */
  onWheelSlice?: (step: 1 | -1) => void;
}

interface View {
  zoom: number;
  panX: number;
  panY: number;
}

type Drag =
  | {
      kind: 'box';
      start: Point;
      current: Point;
      button: number;
      screenStart: { x: number; y: number };
      /** A frame was asked for to draw the dragged box. */
      drawn?: boolean;
    }
  | { kind: 'pan'; lastX: number; lastY: number }
  | { kind: 'window'; lastX: number; lastY: number }
  | { kind: 'stroke'; points: Point[]; mode: 'brush' | 'eraser' };

export const ViewerCanvas = forwardRef<ViewerHandle, ViewerProps>(
  function ViewerCanvas(props, ref) {
    const {
      imageCanvas,
      width,
      height,
      objects,
      activeId,
      tool,
      brushRadius,
      overlayOpacity,
      showMasks,
    } = props;
    const container = useRef<HTMLDivElement>(null);
    const canvas = useRef<HTMLCanvasElement>(null);
    const baseCanvas = useRef<HTMLCanvasElement>(null);
    /** What the image layer shows now (redrawn only when this changes). */
    const baseDrawn = useRef<{ key: string; image: HTMLCanvasElement | null }>({
      key: '',
      image: null,
    });
    const objectsNow = useRef<{
      objects: AnnotationObject[];
      activeId: string | null;
      propsObjects: AnnotationObject[];
    } | null>(null);
    const view = useRef<View>({ zoom: 1, panX: 0, panY: 0 });
    const drag = useRef<Drag | null>(null);
    const pointer = useRef<Point | null>(null);
    const spaceDown = useRef(false);
    const frame = useRef<number | null>(null);
    const [cursorInfo, setCursorInfo] = useState<string>('');
    const [zoomPercent, setZoomPercent] = useState(100);
    const propsRef = useRef(props);
    propsRef.current = props;

    /** Sizes a layer to the container (device pixels); returns its 2-D context. */
    const sizeLayer = (el: HTMLCanvasElement, cssW: number, cssH: number, dpr: number) => {
      const w = Math.round(cssW * dpr);
      const h = Math.round(cssH * dpr);
      if (el.width !== w || el.height !== h) {
        el.width = w;
        el.height = h;
        el.style.width = `${cssW}px`;
        el.style.height = `${cssH}px`;
      }
      return el.getContext('2d');
    };

    /**
     * Two layers: the image (redrawn when the view, the size or the image changes) and, above it,
     * the masks, boxes and clicks (every frame; each mask is a canvas of its bounding box).
     * `objectsNow`: draw these objects now, before React has rendered them (a worker result).
     */
    const draw = useCallback((inAnimationFrame = false) => {
      const startedAt = performance.now();
      frame.current = null;
      const el = canvas.current;
      const baseEl = baseCanvas.current;
      const box = container.current;
      if (!el || !baseEl || !box) return;
      const dpr = window.devicePixelRatio || 1;
      const cssW = box.clientWidth;
      const cssH = box.clientHeight;
      const p = propsRef.current;
      const { zoom, panX, panY } = view.current;
      const baseKey = `${cssW}x${cssH}@${dpr}:${zoom},${panX},${panY}`;
      if (baseDrawn.current.key !== baseKey || baseDrawn.current.image !== p.imageCanvas) {
        const base = sizeLayer(baseEl, cssW, cssH, dpr);
        if (!base) return;
        base.setTransform(1, 0, 0, 1, 0, 0);
        base.fillStyle = '#020617';
        base.fillRect(0, 0, baseEl.width, baseEl.height);
        base.setTransform(zoom * dpr, 0, 0, zoom * dpr, panX * dpr, panY * dpr);
        base.imageSmoothingEnabled = zoom < 2;
        if (p.imageCanvas) base.drawImage(p.imageCanvas, 0, 0);
        baseDrawn.current = { key: baseKey, image: p.imageCanvas };
      }
      const ctx = sizeLayer(el, cssW, cssH, dpr);
      if (!ctx) return;
      // Objects handed over before React rendered them, until React's props catch up.
      const now = objectsNow.current;
      if (now && now.propsObjects !== p.objects) objectsNow.current = null;
      const objects = objectsNow.current?.objects ?? p.objects;
      const activeId = objectsNow.current ? objectsNow.current.activeId : p.activeId;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, el.width, el.height);
      ctx.setTransform(zoom * dpr, 0, 0, zoom * dpr, panX * dpr, panY * dpr);
      if (p.showMasks) {
        ctx.imageSmoothingEnabled = false;
        const scale = overlayScale(zoom * dpr);
        let colorIndex = 0;
        for (const object of objects) {
          const isActiveDraft = object.id === activeId && !object.accepted;
          const color = isActiveDraft
            ? ACTIVE_COLOR
            : (OBJECT_COLORS[colorIndex++ % OBJECT_COLORS.length] as [number, number, number]);
          if (!object.mask) continue;
          const overlay = maskOverlayCanvas(object.mask, p.width, p.height, color, scale);
          if (!overlay) continue;
          ctx.globalAlpha = p.overlayOpacity;
          ctx.drawImage(
            overlay.canvas,
            overlay.x,
            overlay.y,
            overlay.canvas.width / overlay.scale,
            overlay.canvas.height / overlay.scale,
          );
          ctx.globalAlpha = 1;
        }
      }
      const px = 1 / zoom; // one screen pixel in image units
      p.boxes?.forEach((b, i) => {
        const color = OBJECT_COLORS[i % OBJECT_COLORS.length] as [number, number, number];
        ctx.strokeStyle = `rgb(${color.join(',')})`;
        ctx.lineWidth = 2 * px;
        ctx.strokeRect(b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
      });
      const active = objects.find((o) => o.id === activeId) ?? null;
      if (active && !active.accepted) {
        if (active.box) {
          ctx.setLineDash([6 * px, 4 * px]);
          ctx.strokeStyle = 'rgba(56,189,248,0.95)';
          ctx.lineWidth = 1.5 * px;
          ctx.strokeRect(
            active.box.x0,
            active.box.y0,
            active.box.x1 - active.box.x0,
            active.box.y1 - active.box.y0,
          );
          ctx.setLineDash([]);
        }
        for (const c of active.clicks) {
          ctx.beginPath();
          ctx.arc(c.x, c.y, 5 * px, 0, Math.PI * 2);
          ctx.fillStyle = c.positive ? '#22c55e' : '#ef4444';
          ctx.fill();
          ctx.lineWidth = 1.5 * px;
          ctx.strokeStyle = '#fff';
          ctx.stroke();
          ctx.beginPath();
          ctx.moveTo(c.x - 2.5 * px, c.y);
          ctx.lineTo(c.x + 2.5 * px, c.y);
          if (c.positive) {
            ctx.moveTo(c.x, c.y - 2.5 * px);
            ctx.lineTo(c.x, c.y + 2.5 * px);
          }
          ctx.stroke();
        }
      }
      const d = drag.current;
      if (d?.kind === 'box') {
        ctx.strokeStyle = '#38bdf8';
        ctx.lineWidth = 1.5 * px;
        ctx.strokeRect(
          Math.min(d.start.x, d.current.x),
          Math.min(d.start.y, d.current.y),
          Math.abs(d.current.x - d.start.x),
          Math.abs(d.current.y - d.start.y),
        );
      }
      if (d?.kind === 'stroke' && d.points.length) {
        ctx.strokeStyle = d.mode === 'brush' ? 'rgba(56,189,248,0.6)' : 'rgba(239,68,68,0.6)';
        ctx.lineWidth = p.brushRadius * 2;
        ctx.lineCap = 'round';
        ctx.lineJoin = 'round';
        ctx.beginPath();
        d.points.forEach((pt, i) => (i === 0 ? ctx.moveTo(pt.x, pt.y) : ctx.lineTo(pt.x, pt.y)));
        if (d.points.length === 1) ctx.lineTo(d.points[0]!.x + 0.01, d.points[0]!.y);
        ctx.stroke();
      }
      if ((p.tool === 'brush' || p.tool === 'eraser') && pointer.current) {
        ctx.beginPath();
        ctx.arc(pointer.current.x, pointer.current.y, p.brushRadius, 0, Math.PI * 2);
        ctx.strokeStyle = p.tool === 'brush' ? '#38bdf8' : '#f87171';
        ctx.lineWidth = 1 * px;
        ctx.stroke();
      }
      p.onFrame?.({ startedAt, inAnimationFrame, active });
    }, []);

    const requestDraw = useCallback(() => {
      frame.current ??= requestAnimationFrame(() => draw(true));
    }, [draw]);

    const fit = useCallback(() => {
      const box = container.current;
      if (!box || !width || !height) return;
      const zoom = Math.min(box.clientWidth / width, box.clientHeight / height) * 0.94;
      view.current = {
        zoom,
        panX: (box.clientWidth - width * zoom) / 2,
        panY: (box.clientHeight - height * zoom) / 2,
      };
      setZoomPercent(Math.round(zoom * 100));
      requestDraw();
    }, [width, height, requestDraw]);

    const zoomAt = useCallback(
      (factor: number, sx: number, sy: number) => {
        const v = view.current;
        const zoom = Math.min(64, Math.max(0.05, v.zoom * factor));
        const ix = (sx - v.panX) / v.zoom;
        const iy = (sy - v.panY) / v.zoom;
        view.current = { zoom, panX: sx - ix * zoom, panY: sy - iy * zoom };
        setZoomPercent(Math.round(zoom * 100));
        requestDraw();
      },
      [requestDraw],
    );

    useImperativeHandle(
      ref,
      () => ({
        fit,
        zoomBy: (factor: number) => {
          const box = container.current;
          if (box) zoomAt(factor, box.clientWidth / 2, box.clientHeight / 2);
        },
        drawNow: (state) => {
          objectsNow.current = { ...state, propsObjects: propsRef.current.objects };
          if (frame.current !== null) {
            cancelAnimationFrame(frame.current);
            frame.current = null;
          }
          draw(false);
        },
      }),
      [fit, zoomAt, draw],
    );

    useEffect(() => fit(), [fit, imageCanvas]);
    useEffect(
      () => requestDraw(),
      [
        requestDraw,
        imageCanvas,
        objects,
        activeId,
        tool,
        brushRadius,
        overlayOpacity,
        showMasks,
        props.boxes,
      ],
    );
    useEffect(() => {
      const box = container.current;
      if (!box) return;
      const observer = new ResizeObserver(() => requestDraw());
      observer.observe(box);
      const keyDown = (e: KeyboardEvent) => {
        if (e.code === 'Space' && !(e.target instanceof HTMLInputElement)) spaceDown.current = true;
      };
      const keyUp = (e: KeyboardEvent) => {
        if (e.code === 'Space') spaceDown.current = false;
      };
      window.addEventListener('keydown', keyDown);
      window.addEventListener('keyup', keyUp);
      return () => {
        observer.disconnect();
        window.removeEventListener('keydown', keyDown);
        window.removeEventListener('keyup', keyUp);
      };
    }, [requestDraw]);

    function toImage(e: { clientX: number; clientY: number }): Point {
      const rect = canvas.current!.getBoundingClientRect();
      const v = view.current;
      return {
        x: (e.clientX - rect.left - v.panX) / v.zoom,
        y: (e.clientY - rect.top - v.panY) / v.zoom,
      };
    }
    const clampPoint = (p: Point): Point => ({
      x: Math.min(width, Math.max(0, p.x)),
      y: Math.min(height, Math.max(0, p.y)),
    });
    const inside = (p: Point) => p.x >= 0 && p.y >= 0 && p.x <= width && p.y <= height;

    function onPointerDown(e: React.PointerEvent<HTMLCanvasElement>) {
      canvas.current!.setPointerCapture(e.pointerId);
      const point = toImage(e);
      if (e.button === 1 || spaceDown.current || tool === 'pan') {
        drag.current = { kind: 'pan', lastX: e.clientX, lastY: e.clientY };
        return;
      }
      if (tool === 'window') {
        drag.current = { kind: 'window', lastX: e.clientX, lastY: e.clientY };
        return;
      }
      if (!inside(point)) return;
      if (tool === 'box') {
        drag.current = {
          kind: 'box',
          start: clampPoint(point),
          current: clampPoint(point),
          button: e.button,
          screenStart: { x: e.clientX, y: e.clientY },
        };
        // Nothing to draw until the pointer moves (a box of no size); a click draws nothing here.
        return;
      } else if (tool === 'positive' || tool === 'negative') {
        const leftMeansPositive = tool === 'positive';
        if (
          props.onClick(clampPoint(point), e.button === 2 ? !leftMeansPositive : leftMeansPositive)
        )
          return;
      } else if (tool === 'brush' || tool === 'eraser') {
        drag.current = { kind: 'stroke', points: [clampPoint(point)], mode: tool };
      }
      requestDraw();
    }

    function onPointerMove(e: React.PointerEvent<HTMLCanvasElement>) {
      const point = toImage(e);
      pointer.current = point;
      const d = drag.current;
      if (d?.kind === 'pan') {
        view.current = {
          ...view.current,
          panX: view.current.panX + e.clientX - d.lastX,
          panY: view.current.panY + e.clientY - d.lastY,
        };
        d.lastX = e.clientX;
        d.lastY = e.clientY;
      } else if (d?.kind === 'window') {
        props.onWindowDrag(e.clientX - d.lastX, e.clientY - d.lastY);
        d.lastX = e.clientX;
        d.lastY = e.clientY;
      } else if (d?.kind === 'box') {
        d.current = clampPoint(point);
        d.drawn = true;
      } else if (d?.kind === 'stroke') {
        const last = d.points[d.points.length - 1]!;
        if (Math.hypot(point.x - last.x, point.y - last.y) >= Math.max(0.5, brushRadius / 4))
          d.points.push(clampPoint(point));
      }
      if (inside(point)) setCursorInfo(`${Math.floor(point.x)}, ${Math.floor(point.y)}`);
      // The layer changes with the pointer only under a drag or the brush's outline.
      if (d || tool === 'brush' || tool === 'eraser') requestDraw();
    }

    function onPointerUp(e: React.PointerEvent<HTMLCanvasElement>) {
      const d = drag.current;
      drag.current = null;
      if (d?.kind === 'box') {
        const moved = Math.hypot(e.clientX - d.screenStart.x, e.clientY - d.screenStart.y);
        const box = {
          x0: Math.min(d.start.x, d.current.x),
          y0: Math.min(d.start.y, d.current.y),
          x1: Math.max(d.start.x, d.current.x),
          y1: Math.max(d.start.y, d.current.y),
        };
        if (moved > 4 && box.x1 - box.x0 >= 1 && box.y1 - box.y0 >= 1) props.onBox(box);
        // A click (no drag) with the box tool refines: left adds a positive point, right a negative
        // one. Unless it moved, nothing of the drag was drawn: the click's result draws it.
        else if (props.onClick(d.start, d.button !== 2) && !d.drawn) return;
      } else if (d?.kind === 'stroke') {
        props.onStroke({ points: d.points, radius: brushRadius, mode: d.mode });
      }
      requestDraw();
    }

    const cursor =
      tool === 'pan'
        ? 'grab'
        : tool === 'window'
          ? 'ns-resize'
          : tool === 'brush' || tool === 'eraser'
            ? 'none'
            : 'crosshair';

    return (
      <div
        ref={container}
        className="relative h-full w-full overflow-hidden bg-slate-950"
        data-testid="viewer"
      >
        <canvas
          ref={baseCanvas}
          data-testid="viewer-image-layer"
          className="pointer-events-none absolute inset-0"
        />
        <canvas
          ref={canvas}
          data-testid="viewer-canvas"
          className="absolute inset-0 touch-none select-none"
          style={{ cursor }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => {
            pointer.current = null;
            requestDraw();
          }}
          onContextMenu={(e) => e.preventDefault()}
          onWheel={(e) => {
            const onWheelSlice = propsRef.current.onWheelSlice;
            if (onWheelSlice && !e.ctrlKey && !e.metaKey) {
              if (e.deltaY !== 0) onWheelSlice(e.deltaY > 0 ? 1 : -1);
              return;
            }
            const rect = canvas.current!.getBoundingClientRect();
            zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
          }}
        />
        <div className="pointer-events-none absolute bottom-2 left-2 rounded bg-slate-900/80 px-2 py-0.5 font-mono text-[11px] text-slate-400">
          {cursorInfo || '—'} · {zoomPercent}%
        </div>
      </div>
    );
  },
);
