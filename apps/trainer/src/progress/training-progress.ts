/**
 * Turns a stream of training steps into what the dashboard and the console show: progress, ETA,
 * a compact loss history. Writes to the database are throttled (every `intervalMs`), but the
 * first step, every epoch boundary and the final state are always written.
 */
export interface TrainingStep {
  step: number;
  totalSteps: number;
  epoch: number;
  totalEpochs: number;
  loss: number;
  dice?: number;
  bce?: number;
  iou?: number;
}

export interface LossPoint {
  step: number;
  epoch: number;
  loss: number;
  dice?: number;
  bce?: number;
  iou?: number;
  /** Seconds since the run started. */
  t: number;
}

export interface ProgressSnapshot {
  step: number;
  totalSteps: number;
  epoch: number;
  totalEpochs: number;
  progress: number;
  etaSeconds: number | null;
  lossHistory: LossPoint[];
  heartbeatAt: Date;
}

export interface ProgressSinks {
  /** Persists a snapshot (TrainingRun row). Awaited; a failure fails the run. */
  write(snapshot: ProgressSnapshot): Promise<void>;
  /** Shows one step on the console. */
  show?(snapshot: ProgressSnapshot, latest: LossPoint): void;
}

/** Keeps the stored history small: at most this many points, thinned evenly. */
export const MAX_LOSS_POINTS = 400;

export function thinLossHistory(points: LossPoint[], max = MAX_LOSS_POINTS): LossPoint[] {
  if (points.length <= max) return points;
  const stride = points.length / max;
  const kept: LossPoint[] = [];
  for (let i = 0; i < max - 1; i++) kept.push(points[Math.floor(i * stride)] as LossPoint);
  kept.push(points[points.length - 1] as LossPoint);
  return kept;
}

export class TrainingProgress {
  private readonly history: LossPoint[];
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private lastEpochWritten = -1;
  private last: ProgressSnapshot | null = null;
  /** Steps done before this process started (resumed runs), excluded from the speed estimate. */
  private readonly origin: { step: number; at: number };
  private readonly startedAt: number;

  constructor(
    private readonly sinks: ProgressSinks,
    private readonly options: {
      intervalMs: number;
      now?: () => number;
      /** History and step of an earlier attempt when the run resumes from a checkpoint. */
      history?: LossPoint[];
      startStep?: number;
      elapsedBeforeSeconds?: number;
    },
  ) {
    this.history = [...(options.history ?? [])];
    const now = this.now();
    this.startedAt = now - (options.elapsedBeforeSeconds ?? 0) * 1000;
    // The speed estimate counts only steps made by this process, so a resumed run's ETA is not
    // skewed by an earlier attempt.
    this.origin = { step: options.startStep ?? 0, at: now };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  get snapshot(): ProgressSnapshot | null {
    return this.last;
  }

  /** Records a step; resolves after the database write when one was due. */
  async record(step: TrainingStep): Promise<void> {
    const now = this.now();
    const point: LossPoint = {
      step: step.step,
      epoch: step.epoch,
      loss: step.loss,
      t: (now - this.startedAt) / 1000,
    };
    if (step.dice !== undefined) point.dice = step.dice;
    if (step.bce !== undefined) point.bce = step.bce;
    if (step.iou !== undefined) point.iou = step.iou;
    this.history.push(point);
    const snapshot = this.makeSnapshot(step, now);
    this.last = snapshot;
    this.sinks.show?.(snapshot, point);
    const epochChanged = step.epoch !== this.lastEpochWritten;
    if (
      now - this.lastWriteAt >= this.options.intervalMs ||
      epochChanged ||
      step.step >= step.totalSteps
    ) {
      this.lastWriteAt = now;
      this.lastEpochWritten = step.epoch;
      await this.sinks.write(snapshot);
    }
  }

  private makeSnapshot(step: TrainingStep, now: number): ProgressSnapshot {
    const origin = this.origin;
    const stepsHere = step.step - origin.step;
    const secondsHere = (now - origin.at) / 1000;
    const remaining = Math.max(0, step.totalSteps - step.step);
    const etaSeconds =
      stepsHere > 0 && secondsHere > 0 ? (secondsHere / stepsHere) * remaining : null;
    return {
      step: step.step,
      totalSteps: step.totalSteps,
      epoch: step.epoch,
      totalEpochs: step.totalEpochs,
      progress: step.totalSteps > 0 ? Math.min(1, step.step / step.totalSteps) : 0,
      etaSeconds,
      lossHistory: thinLossHistory(this.history),
      heartbeatAt: new Date(now),
    };
  }
}
