/**
 * Everything the project dashboard shows, as the router serves it: the aggregates run side by
 * side on the pool. The benchmark (bench/parts/dashboard.ts) times exactly this function.
 */
import type { Db } from '@loupe/db';
import {
  getMaskEfficiency,
  type MaskEfficiency,
  type EfficiencyByAnnotator,
} from './get-mask-efficiency';
import { listModelVersions, type ModelVersionRow } from './list-model-versions';
import { listPretrainMarkers, type PretrainMarker } from './list-pretrain-markers';
import { listTrainingRuns, type TrainingRunRow } from './list-training-runs';
import { getQueueCounts, type QueueCounts } from './get-queue-counts';
import { listLeaseHolders, type LeaseHolderRow } from './list-lease-holders';
import { listPriorityQueue, type PriorityQueueRow } from './list-priority-queue';
import { getReviewOutcomes } from './get-review-outcomes';
import { getLabelMix, type LabelMix } from './get-label-mix';

export interface AnnotatorRow extends EfficiencyByAnnotator {
  /** Share of masks changed after the proposal (1 - accepted-without-edit share). */
  editRate: number | null;
  reviews: number;
  approved: number;
  sentBack: number;
}

export interface DashboardData {
  efficiency: Omit<MaskEfficiency, 'byAnnotator'>;
  annotators: AnnotatorRow[];
  modelVersions: ModelVersionRow[];
  pretrainMarkers: PretrainMarker[];
  trainingRuns: TrainingRunRow[];
  queue: QueueCounts;
  leaseHolders: LeaseHolderRow[];
  priorityQueue: PriorityQueueRow[];
  labelMix: LabelMix;
}

export interface LoadDashboardOptions {
  idleSeconds?: number;
  targetPoints?: number;
  priorityQueueSize?: number;
  /**
   * Run the aggregates one after another instead of side by side (the benchmark uses it to time
   * each query alone; the embedded database serialises them anyway).
   */
  serial?: boolean;
}

/** Time of each part of the last load, for the benchmark. */
export type DashboardTimings = Record<string, number>;

export async function loadDashboard(
  db: Db,
  projectId: string,
  options: LoadDashboardOptions = {},
  timings?: DashboardTimings,
): Promise<DashboardData> {
  // In serial mode each step waits for the previous one; otherwise all start at once.
  let previous: Promise<unknown> = Promise.resolve();
  const timed = <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const run = async () => {
      const started = performance.now();
      const value = await work();
      if (timings) timings[name] = performance.now() - started;
      return value;
    };
    if (!options.serial) return run();
    const next = previous.then(run);
    previous = next;
    return next;
  };
  const [
    efficiency,
    reviewOutcomes,
    modelVersions,
    pretrainMarkers,
    trainingRuns,
    queue,
    leaseHolders,
    priorityQueue,
    labelMix,
  ] = await Promise.all([
    timed('maskEfficiency', () =>
      getMaskEfficiency(db, projectId, {
        idleSeconds: options.idleSeconds,
        targetPoints: options.targetPoints,
      }),
    ),
    timed('reviewOutcomes', () => getReviewOutcomes(db, projectId)),
    timed('modelVersions', () => listModelVersions(db, projectId)),
    timed('pretrainMarkers', () => listPretrainMarkers(db, projectId)),
    timed('trainingRuns', () => listTrainingRuns(db, projectId)),
    timed('queueCounts', () => getQueueCounts(db, projectId)),
    timed('leaseHolders', () => listLeaseHolders(db, projectId)),
    timed('priorityQueue', () => listPriorityQueue(db, projectId, options.priorityQueueSize)),
    timed('labelMix', () => getLabelMix(db, projectId)),
  ]);
  const outcomes = new Map(reviewOutcomes.map((row) => [row.userId, row]));
  const { byAnnotator, ...efficiencyRest } = efficiency;
  const annotators = byAnnotator.map((row): AnnotatorRow => {
    const review = outcomes.get(row.userId);
    return {
      ...row,
      editRate: row.acceptedWithoutEditShare === null ? null : 1 - row.acceptedWithoutEditShare,
      reviews: review?.reviews ?? 0,
      approved: review?.approved ?? 0,
      sentBack: review?.sentBack ?? 0,
    };
  });
  return {
    efficiency: efficiencyRest,
    annotators,
    modelVersions,
    pretrainMarkers,
    trainingRuns,
    queue,
    leaseHolders,
    priorityQueue,
    labelMix,
  };
}
