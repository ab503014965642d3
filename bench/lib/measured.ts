/**
 * Independent sub-measurements: one that fails (an app not ready, a missing data set) is recorded
 * as `{ error }` with its reason, and the rest of the part still runs.
 */
export interface MeasurementError {
  error: string;
}

export type Measured<T> = T | MeasurementError;

export function isMeasurementError(value: unknown): value is MeasurementError {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { error?: unknown }).error === 'string'
  );
}

export async function measured<T>(
  name: string,
  run: () => Promise<T>,
  log: (line: string) => void = console.log,
): Promise<Measured<T>> {
  const started = performance.now();
  try {
    const value = await run();
    log(`[bench] ${name}: ok in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return value;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`[bench] ${name}: FAILED: ${message.split('\n')[0] ?? message}`);
    return { error: message };
  }
}
