/** A stable 31-bit seed per run, so a resumed run shuffles (and samples) the same way. */
export function runSeed(runId: string): number {
  let h = 2166136261;
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 16777619);
  return (h >>> 0) % 2147483647;
}
