/**
 * Training progress on the console: a redrawn bar on a TTY, plain lines (at most one every
 * `lineIntervalMs`, plus each epoch's end) when the output is a file or a pipe.
 */
import type { LossPoint, ProgressSnapshot } from './training-progress';

export interface ConsoleOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function formatProgressLine(
  label: string,
  snapshot: ProgressSnapshot,
  latest: LossPoint,
): string {
  const pct = (snapshot.progress * 100).toFixed(1).padStart(5);
  return `${label} epoch ${snapshot.epoch + 1}/${snapshot.totalEpochs} step ${snapshot.step}/${snapshot.totalSteps} ${pct}% loss ${latest.loss.toFixed(4)} eta ${formatDuration(snapshot.etaSeconds)}`;
}

export class ConsoleProgress {
  private lastLineAt = Number.NEGATIVE_INFINITY;
  private lastEpoch = -1;
  private barOpen = false;

  constructor(
    private readonly out: ConsoleOutput,
    private readonly label: string,
    private readonly options: { lineIntervalMs?: number; now?: () => number } = {},
  ) {}

  show(snapshot: ProgressSnapshot, latest: LossPoint): void {
    const line = formatProgressLine(this.label, snapshot, latest);
    if (this.out.isTTY) {
      const width = Math.max(10, Math.min(30, (this.out.columns ?? 80) - line.length - 4));
      const filled = Math.round(snapshot.progress * width);
      this.out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${line}\x1b[K`);
      this.barOpen = true;
      return;
    }
    const now = (this.options.now ?? Date.now)();
    const epochEnded = snapshot.epoch !== this.lastEpoch && this.lastEpoch !== -1;
    if (
      now - this.lastLineAt >= (this.options.lineIntervalMs ?? 10_000) ||
      epochEnded ||
      snapshot.step >= snapshot.totalSteps
    ) {
      this.lastLineAt = now;
      this.out.write(`${line}\n`);
    }
    this.lastEpoch = snapshot.epoch;
  }

  /** Ends the bar's line so later log lines start on a fresh one. */
  finish(): void {
    if (this.barOpen) this.out.write('\n');
    this.barOpen = false;
  }
}
