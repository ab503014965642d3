/**
 * The stored default window (real units, e.g. a CT VOI window in HU) in sample units, which is
 * what the viewer's window/level works in: sample = (value - intercept) / slope.
 */
export function sampleWindow(image: {
  valueSlope: number;
  valueIntercept: number;
  windowCenter: number | null;
  windowWidth: number | null;
}): { center: number; width: number } | null {
  if (image.windowCenter === null || image.windowWidth === null || image.valueSlope === 0)
    return null;
  return {
    center: (image.windowCenter - image.valueIntercept) / image.valueSlope,
    width: image.windowWidth / Math.abs(image.valueSlope),
  };
}
