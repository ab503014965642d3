'use client';
/** Display settings: mask opacity and visibility, brush size, window/level of the image. */
import { RangeSetting } from './range-setting';
import type { LoadedImage } from './use-task-session';
import type { ViewSettings } from './use-view-settings';
import { autoWindow, fullRangeWindow } from './window-level';

const BUTTON = 'rounded border border-slate-700 px-2 py-0.5 text-xs hover:bg-slate-800';

export function DisplayPanel({ view, image }: { view: ViewSettings; image: LoadedImage | null }) {
  const { windowLevel, setWindowLevel } = view;
  return (
    <section className="space-y-2">
      <h2 className="text-xs font-semibold tracking-wide text-slate-400 uppercase">Display</h2>
      <RangeSetting
        label="Opacity"
        min={0}
        max={1}
        step={0.05}
        value={view.overlayOpacity}
        shown={Math.round(view.overlayOpacity * 100)}
        valueWidth="w-8"
        onChange={view.setOverlayOpacity}
      />
      <RangeSetting
        label="Brush"
        min={1}
        max={60}
        value={view.brushRadius}
        shown={view.brushRadius}
        valueWidth="w-8"
        onChange={view.setBrushRadius}
      />
      {image && (
        <>
          <RangeSetting
            label="Window"
            min={1}
            max={image.bitDepth === 16 ? 65536 : 256}
            value={windowLevel.width}
            shown={Math.round(windowLevel.width)}
            valueWidth="w-12"
            onChange={(width) => setWindowLevel((w) => ({ ...w, width }))}
          />
          <RangeSetting
            label="Level"
            min={0}
            max={image.bitDepth === 16 ? 65535 : 255}
            value={windowLevel.center}
            shown={Math.round(windowLevel.center)}
            valueWidth="w-12"
            onChange={(center) => setWindowLevel((w) => ({ ...w, center }))}
          />
          <div className="flex gap-1">
            <button
              onClick={() => setWindowLevel(autoWindow(image.samples, image.bitDepth))}
              className={BUTTON}
            >
              Auto W/L
            </button>
            <button
              onClick={() => setWindowLevel(fullRangeWindow(image.bitDepth))}
              className={BUTTON}
            >
              Full range
            </button>
            <button onClick={view.toggleMasks} className={BUTTON}>
              {view.showMasks ? 'Hide' : 'Show'} masks <span className="kbd">M</span>
            </button>
          </div>
        </>
      )}
    </section>
  );
}
