/**
 * Interactive-segmentation metrics (RITM / SimpleClick): NoC@t, NoF@t, mIoU after k clicks.
 *
 * iouPerClick[0] is the IoU of the box-only proposal, iouPerClick[k] after k corrective clicks.
 */
import { PromptError } from './errors';

export interface SessionIous {
  iouPerClick: readonly number[];
}

function checkIous(ious: readonly number[], field: string): void {
  if (!Array.isArray(ious) || ious.length === 0)
    throw new PromptError(field, 'must be a non-empty array (index 0 = box only)');
}

/** First click count k (0 = box alone) with iouPerClick[k] >= t, or maxClicks if never within maxClicks. */
export function nocAt(iouPerClick: readonly number[], t: number, maxClicks = 20): number {
  checkIous(iouPerClick, 'iouPerClick');
  const n = Math.min(iouPerClick.length - 1, maxClicks);
  for (let k = 0; k <= n; k++) if ((iouPerClick[k] as number) >= t) return k;
  return maxClicks;
}

/** True when the session never reaches IoU t within maxClicks. */
export function failedAt(iouPerClick: readonly number[], t: number, maxClicks = 20): boolean {
  checkIous(iouPerClick, 'iouPerClick');
  const n = Math.min(iouPerClick.length - 1, maxClicks);
  for (let k = 0; k <= n; k++) if ((iouPerClick[k] as number) >= t) return false;
  return true;
}

/** NoF@t: number of sessions (objects) that never reach IoU t within maxClicks. */
export function nofAt(sessions: readonly SessionIous[], t: number, maxClicks = 20): number {
  return sessions.filter((s) => failedAt(s.iouPerClick, t, maxClicks)).length;
}

/** IoU after k clicks; sessions that stopped earlier (target reached) carry their last IoU forward. */
export function iouAfterClicks(iouPerClick: readonly number[], k: number): number {
  checkIous(iouPerClick, 'iouPerClick');
  return iouPerClick[Math.min(k, iouPerClick.length - 1)] as number;
}

/** Mean over sessions of the IoU after k clicks (k = 0: box only). NaN for no sessions. */
export function mIouAtK(sessions: readonly SessionIous[], k: number): number {
  if (sessions.length === 0) return NaN;
  let s = 0;
  for (const sess of sessions) s += iouAfterClicks(sess.iouPerClick, k);
  return s / sessions.length;
}

export function meanNocAt(sessions: readonly SessionIous[], t: number, maxClicks = 20): number {
  if (sessions.length === 0) return NaN;
  let s = 0;
  for (const sess of sessions) s += nocAt(sess.iouPerClick, t, maxClicks);
  return s / sessions.length;
}

export interface SessionSummary {
  count: number;
  /** Mean NoC@85 / NoC@90 over sessions. */
  noc85: number;
  noc90: number;
  /** Sessions that never reach 0.85 / 0.9 within maxClicks. */
  nof85: number;
  nof90: number;
  /** miouAtK[k] = mean IoU after k clicks, k = 0..maxClicks (0 = box only). */
  miouAtK: number[];
  maxClicks: number;
}

/**
 * Summary over sessions. Sessions should have been run with targetIou >= 0.9 (or to maxClicks)
 * so NoC@90 is meaningful; mIoU@k carries a stopped session's last IoU forward.
 */
export function summarizeSessions(
  sessions: readonly SessionIous[],
  options: number | { maxClicks?: number } = 20,
): SessionSummary {
  const maxClicks = typeof options === 'number' ? options : (options.maxClicks ?? 20);
  if (!Number.isInteger(maxClicks) || maxClicks < 0)
    throw new PromptError('maxClicks', `must be an integer >= 0, got ${maxClicks}`);
  const miouAtK: number[] = [];
  for (let k = 0; k <= maxClicks; k++) miouAtK.push(mIouAtK(sessions, k));
  return {
    count: sessions.length,
    noc85: meanNocAt(sessions, 0.85, maxClicks),
    noc90: meanNocAt(sessions, 0.9, maxClicks),
    nof85: nofAt(sessions, 0.85, maxClicks),
    nof90: nofAt(sessions, 0.9, maxClicks),
    miouAtK,
    maxClicks,
  };
}
