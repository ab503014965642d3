/** p50/p95/p99 of a list of timings (nearest-rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function summarize(values: readonly number[]): {
  p50: number;
  p95: number;
  p99: number;
  n: number;
} {
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    n: values.length,
  };
}

/** P(B <= k) for k = 0..n, B ~ Binomial(n, q), summed in log space (stable for thousands). */
function binomialCdf(n: number, q: number): number[] {
  const logQ = Math.log(q);
  const logNotQ = Math.log1p(-q);
  const cdf: number[] = [];
  let logChoose = 0; // log C(n, k)
  let total = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k);
    total += Math.exp(logChoose + k * logQ + (n - k) * logNotQ);
    cdf.push(Math.min(1, total));
  }
  return cdf;
}

/**
 * A distribution-free confidence interval for the p-th percentile (exact binomial order
 * statistics): [low, high] such that the true percentile lies in it with at least `confidence`.
 * `high` is null when the samples cannot bound it from above (too few for that percentile: the
 * largest sample is not yet a bound), which says more samples are needed.
 */
export function percentileInterval(
  values: readonly number[],
  p: number,
  confidence = 0.95,
): { low: number; high: number | null } {
  if (values.length === 0) return { low: Number.NaN, high: null };
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const tail = (1 - confidence) / 2;
  const cdf = binomialCdf(n, p / 100);
  // The number of samples below the true percentile is Binomial(n, p); rank r (1-based) is a
  // lower bound while P(B < r) <= tail, an upper bound once P(B >= r) <= tail.
  let lowRank = 1;
  for (let r = 1; r <= n; r++) if ((cdf[r - 1] ?? 1) <= tail) lowRank = r;
  let highRank: number | null = null;
  for (let r = n; r >= 1; r--) {
    if (1 - (cdf[r - 1] ?? 1) <= tail) highRank = r;
    else break;
  }
  return {
    low: sorted[lowRank - 1] as number,
    high: highRank === null ? null : (sorted[highRank - 1] as number),
  };
}
