'use client';
/**
 * Display settings: mask opacity and visibility, brush size, window/level of the image. Window and
 * level are shown and set in real units when the image has a value mapping (HU for CT), with the
 * modality's presets; the view keeps them in sample units, which is what it renders.
 */
import {
  IDENTITY_MAPPING,
  toRealWindow,
  toSampleWindow,
  windowPresets,
  type ValueMapping,
} from './real-window';
import { RangeSetting } from './range-setting';
import type { LoadedImage } from './use-task-session';
import type { ViewSettings } from './use-view-settings';
import { autoWindow, fullRangeWindow } from './window-level';

const BUTTON = 'rounded border border-slate-700 px-2 py-0.5 text-xs hover:bg-slate-800';

export function DisplayPanel({
  view,
  image,
  values = IDENTITY_MAPPING,
  modality = null,
}: {
  view: ViewSettings;
  image: LoadedImage | null;
  /** Stored samples -> real units (default: samples are the values). */
  values?: ValueMapping;
  modality?: string | null;
}) {
  const { windowLevel, setWindowLevel } = view;
  const real = toRealWindow(windowLevel, values);
  const sampleTop = image?.bitDepth === 16 ? 65535 : 255;
  const ends = [values.intercept, values.slope * sampleTop + values.intercept];
  const [lowest, highest] = [Math.min(...ends), Math.max(...ends)];
  const setReal = (next: { center: number; width: number }) =>
    setWindowLevel(toSampleWindow(next, values));
  const presets = windowPresets(values, modality);
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
            label={values.unit ? `Window ${values.unit}` : 'Window'}
            min={Math.abs(values.slope)}
            max={highest - lowest + Math.abs(values.slope)}
            step="any"
            value={real.width}
            shown={Math.round(real.width)}
            valueWidth="w-12"
            testId="window-width"
            onChange={(width) => setReal({ ...real, width })}
          />
          <RangeSetting
            label={values.unit ? `Level ${values.unit}` : 'Level'}
            min={lowest}
            max={highest}
            step="any"
            value={real.center}
            shown={Math.round(real.center)}
            valueWidth="w-12"
            testId="window-level"
            onChange={(center) => setReal({ ...real, center })}
          />
          {presets.length > 0 && (
            <div className="flex flex-wrap gap-1" data-testid="window-presets">
              {presets.map((preset) => (
                <button
                  key={preset.name}
                  onClick={(e) => {
                    setReal(preset);
                    // Back to the keyboard-first viewer: Enter must not press the preset again.
                    e.currentTarget.blur();
                  }}
                  title={`W${preset.width} L${preset.center}`}
                  className={BUTTON}
                >
                  {preset.name}
                </button>
              ))}
            </div>
          )}
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
