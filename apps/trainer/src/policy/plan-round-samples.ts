/**
 * Which accepted masks a fine-tuning round trains on, so a round's cost does not grow with the
 * project: every mask accepted since the base model's own training run started (new, up to
 * maxNewMasks) plus a seeded uniform replay sample of the earlier ones (rehearsal, so the model
 * keeps what it learned). A project whose masks all fit in one round's budget trains on all of
 * them, as before. The plan is pure and seeded by the run, so a resumed run draws the same sample.
 */
import { createRng } from '@loupe/model/node';

type Rng = ReturnType<typeof createRng>;

export interface ReplaySchedule {
  /** How the replay (and any overflow of new masks) is drawn. */
  draw: 'uniform-without-replacement';
  /** Earlier masks replayed per new mask, before the bounds below. */
  replayPerNewMask: number;
  /** A round replays at least this many earlier masks (when there are that many). */
  minReplayMasks: number;
  /** ... and at most this many. */
  maxReplayMasks: number;
  /** New masks beyond this are sampled down (uniformly); the rest join the replay pool. */
  maxNewMasks: number;
}

/** maxNewMasks + maxReplayMasks = 2 x the 200-mask round the issue measures against. */
export const DEFAULT_REPLAY_SCHEDULE: ReplaySchedule = {
  draw: 'uniform-without-replacement',
  replayPerNewMask: 1,
  minReplayMasks: 100,
  maxReplayMasks: 200,
  maxNewMasks: 200,
};

export interface RoundSampleCandidate {
  sourceId: string;
  /** When the mask was accepted (Annotation.createdAt). */
  createdAt: Date;
}

/** What a round recorded about its sample (TrainingRun.sampleSchedule). */
export interface RoundSamplePlanRecord {
  schedule: ReplaySchedule;
  seed: number;
  /** Masks accepted after this are new; null: the base model has no training run (all new). */
  newSince: string | null;
  accepted: number;
  newAvailable: number;
  earlierAvailable: number;
  newUsed: number;
  replayUsed: number;
  /** True when every accepted mask fit in the round's budget and all were used. */
  trainedOnAll: boolean;
}

export interface RoundSamplePlan<T> {
  /** New masks first, then the replay sample, each in the input's order. */
  selected: T[];
  newCount: number;
  replayCount: number;
  record: RoundSamplePlanRecord;
}

export function planRoundSamples<T extends RoundSampleCandidate>(
  accepted: readonly T[],
  options: { newSince: Date | null; seed: number; schedule?: ReplaySchedule },
): RoundSamplePlan<T> {
  const schedule = options.schedule ?? DEFAULT_REPLAY_SCHEDULE;
  assertSchedule(schedule);
  const { newSince } = options;
  const isNew = (s: T) => newSince === null || s.createdAt.getTime() > newSince.getTime();
  const fresh = accepted.filter(isNew);
  const earlier = accepted.filter((s) => !isNew(s));
  const record = (newUsed: number, replayUsed: number): RoundSamplePlanRecord => ({
    schedule,
    seed: options.seed,
    newSince: newSince?.toISOString() ?? null,
    accepted: accepted.length,
    newAvailable: fresh.length,
    earlierAvailable: earlier.length,
    newUsed,
    replayUsed,
    trainedOnAll: newUsed + replayUsed === accepted.length,
  });
  if (accepted.length <= schedule.maxNewMasks + schedule.maxReplayMasks) {
    return {
      selected: [...accepted],
      newCount: fresh.length,
      replayCount: earlier.length,
      record: record(fresh.length, earlier.length),
    };
  }
  const rng = createRng(options.seed);
  const keptNew = sampleIndices(fresh.length, schedule.maxNewMasks, rng);
  const newUsed = fresh.filter((_, i) => keptNew.has(i));
  const pool = [...earlier, ...fresh.filter((_, i) => !keptNew.has(i))];
  const wanted = Math.round(schedule.replayPerNewMask * newUsed.length);
  const replaySize = Math.min(
    pool.length,
    Math.max(schedule.minReplayMasks, Math.min(schedule.maxReplayMasks, wanted)),
  );
  const keptReplay = sampleIndices(pool.length, replaySize, rng);
  const replay = pool.filter((_, i) => keptReplay.has(i));
  return {
    selected: [...newUsed, ...replay],
    newCount: newUsed.length,
    replayCount: replay.length,
    record: record(newUsed.length, replay.length),
  };
}

/** k distinct indices of 0..n-1, uniformly (partial Fisher-Yates). */
function sampleIndices(n: number, k: number, rng: Rng): Set<number> {
  if (k >= n) return new Set(Array.from({ length: n }, (_, i) => i));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return new Set(order.slice(0, k));
}

function assertSchedule(schedule: ReplaySchedule): void {
  const counts = [schedule.minReplayMasks, schedule.maxReplayMasks, schedule.maxNewMasks];
  if (counts.some((n) => !Number.isInteger(n) || n < 0) || schedule.maxNewMasks < 1)
    throw new Error(
      `replay schedule: mask counts must be whole numbers (maxNewMasks >= 1), got ${JSON.stringify(schedule)}`,
    );
  if (schedule.minReplayMasks > schedule.maxReplayMasks)
    throw new Error(
      `replay schedule: minReplayMasks (${schedule.minReplayMasks}) exceeds maxReplayMasks (${schedule.maxReplayMasks})`,
    );
  if (!(schedule.replayPerNewMask >= 0))
    throw new Error(
      `replay schedule: replayPerNewMask must be >= 0, got ${schedule.replayPerNewMask}`,
    );
}
