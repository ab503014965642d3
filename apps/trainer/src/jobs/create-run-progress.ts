/**
 * Progress of one TrainingRun: throttled writes of step, epoch, loss history and ETA to the row
 * the dashboard reads, and a bar or plain lines on the console.
 */
import type { Db, Prisma } from '@loupe/db';
import { ConsoleProgress, type ConsoleOutput } from '../progress/console-progress';
import { TrainingProgress, type LossPoint } from '../progress/training-progress';

function asLossHistory(value: unknown): LossPoint[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (point): point is LossPoint =>
      typeof point === 'object' &&
      point !== null &&
      typeof (point as LossPoint).step === 'number' &&
      typeof (point as LossPoint).loss === 'number',
  );
}

export function createRunProgress(
  db: Db,
  runId: string,
  options: {
    label: string;
    console: ConsoleOutput;
    intervalMs: number;
    startStep: number;
    previousHistory: unknown;
  },
): { progress: TrainingProgress; console: ConsoleProgress } {
  const consoleProgress = new ConsoleProgress(options.console, options.label);
  const history =
    options.startStep > 0
      ? asLossHistory(options.previousHistory).filter((point) => point.step <= options.startStep)
      : [];
  const progress = new TrainingProgress(
    {
      async write(snapshot) {
        await db.trainingRun.update({
          where: { id: runId },
          data: {
            step: snapshot.step,
            totalSteps: snapshot.totalSteps,
            epoch: snapshot.epoch,
            totalEpochs: snapshot.totalEpochs,
            progress: snapshot.progress,
            etaSeconds: snapshot.etaSeconds,
            lossHistory: snapshot.lossHistory as unknown as Prisma.InputJsonValue,
            heartbeatAt: snapshot.heartbeatAt,
          },
        });
      },
      show: (snapshot, latest) => consoleProgress.show(snapshot, latest),
    },
    {
      intervalMs: options.intervalMs,
      startStep: options.startStep,
      history,
      elapsedBeforeSeconds: history.at(-1)?.t ?? 0,
    },
  );
  return { progress, console: consoleProgress };
}
