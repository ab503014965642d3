/** Mean and spread of a few repeated measurements (e.g. seeds). */
export interface Spread {
  mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread: no values');
  const n = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, min: Math.min(...values), max: Math.max(...values), n };
}

/** Student's t 97.5% quantiles for 1..10 degrees of freedom (beyond: 1.96 is within 5%). */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

/**
 * A 95% interval for the mean of `s`'s values (t distribution, n - 1 degrees of freedom), and the
 * standard error it rests on; null for a single value (no spread to go by).
 */
export function meanInterval95(
  s: Spread,
): { standardError: number; low: number; high: number } | null {
  if (s.n < 2) return null;
  const standardError = s.sd / Math.sqrt(s.n);
  const t = T_975[s.n - 2] ?? 1.96;
  return { standardError, low: s.mean - t * standardError, high: s.mean + t * standardError };
}
