/**
 * Window/level in real units (Hounsfield units for CT, the NIfTI's scl_slope/scl_inter scale) and
 * back. The viewer renders and drags in sample units (the stored 8/16-bit samples the model also
 * reads, which stay untouched); what the annotator reads and picks is in real units:
 * real = slope * sample + intercept.
 */
import type { WindowLevel } from './window-level';

export interface ValueMapping {
  slope: number;
  intercept: number;
  /** e.g. "HU"; null when the file names none. */
  unit: string | null;
}

export const IDENTITY_MAPPING: ValueMapping = { slope: 1, intercept: 0, unit: null };

export function toRealWindow(window: WindowLevel, values: ValueMapping): WindowLevel {
  return {
    center: values.slope * window.center + values.intercept,
    width: Math.abs(values.slope) * window.width,
  };
}

export function toSampleWindow(window: WindowLevel, values: ValueMapping): WindowLevel {
  const slope = values.slope === 0 ? 1 : values.slope;
  return {
    center: (window.center - values.intercept) / slope,
    width: window.width / Math.abs(slope),
  };
}

/**
 * The window for a slice with its own mapping (PET: each file its own rescale), from a window kept
 * in the volume's reference sample units: the same real values come out the same grey on every
 * slice, where one sample window for all would render each slice at its own scale.
 */
export function windowForSlice(
  window: WindowLevel,
  reference: ValueMapping,
  slice: ValueMapping,
): WindowLevel {
  if (reference.slope === slice.slope && reference.intercept === slice.intercept) return window;
  return toSampleWindow(toRealWindow(window, reference), slice);
}

export interface WindowPreset extends WindowLevel {
  name: string;
}

/** The usual CT windows (W/L in HU), as radiology viewers name them. */
const CT_PRESETS: WindowPreset[] = [
  { name: 'Soft tissue', width: 400, center: 40 },
  { name: 'Lung', width: 1500, center: -600 },
  { name: 'Bone', width: 1800, center: 400 },
  { name: 'Brain', width: 80, center: 40 },
];

/** Presets in real units for data in Hounsfield units (CT); none for other data. */
export function windowPresets(values: ValueMapping, modality?: string | null): WindowPreset[] {
  return values.unit === 'HU' || modality === 'CT' ? CT_PRESETS : [];
}
