/**
 * Which accepted masks a fine-tuning round trains on, so a round's cost does not grow with the
 * project: every mask accepted since the base model's own training run started (new, up to
 * maxNewMasks) plus a seeded replay sample of the earlier ones (rehearsal, so the model keeps
 * what it learned). A project whose masks all fit in one round's budget trains on all of them, as
 * before. The plan is pure and seeded by the run, so a resumed run draws the same sample.
 *
 * The default fills the round's budget (maxNewMasks + maxReplayMasks) with replay and draws it
 * stratified by acceptance time: bench:rounds showed that a bounded round's Dice loss against
 * training on everything came from training fewer, less varied masks (a round on the old masks
 * alone recovered almost all of it), so the budget the cost bound allows is spent on distinct
 * earlier masks spread evenly over the project's history. Once the base had converged on the
 * earlier masks (bench:rounds dice.base.convergence), what remained of the loss was the round
 * itself: a few dozen steps at the full rate on a small sample moved the model off; a bounded
 * round therefore trains at boundedLearningRateScale x the trainer's rate (recorded per run).
 */
import { createRng } from '@loupe/model/node';

type Rng = ReturnType<typeof createRng>;

export interface ReplaySchedule {
  /**
   * How the replay is drawn: uniformly, or one mask from each of `replay size` equal slices of
   * the earlier masks in acceptance order (every period of the project represented). Overflow of
   * new masks is always sampled uniformly.
   */
  draw: 'uniform-without-replacement' | 'stratified-by-time';
  /** Earlier masks replayed per new mask, before the bounds below. */
  replayPerNewMask: number;
  /** A round replays at least this many earlier masks (when there are that many). */
  minReplayMasks: number;
  /** ... and at most this many. */
  maxReplayMasks: number;
  /** New masks beyond this are sampled down (uniformly); the rest join the replay pool. */
  maxNewMasks: number;
  /**
   * Replay fills the round to maxNewMasks + maxReplayMasks masks (the cost bound) instead of
   * replayPerNewMask per new mask within [minReplayMasks, maxReplayMasks]. Absent: false.
   */
  fillRound?: boolean;
  /**
   * A bounded round (not every accepted mask) trains at this fraction of the trainer's learning
   * rate: from a model already trained on the earlier masks, a few dozen Adam steps at the full
   * rate on a small sample move it away more than they teach it. Absent: 1.
   */
  boundedLearningRateScale?: number;
}

/**
 * bench:rounds exploration (tiny network, data seeds 211/307/401, not the committed run's; base
 * trained 70 epochs, held-out Dice 0.864), bounded round minus base over 4 seeds at the rate x
 * 1 / 0.5 / 0.3 / 0.1: -0.0040 / -0.0020 / +0.0010 / +0.0009 (everything minus base, 2 seeds:
 * -0.0002); EMA 0.9 at the full rate -0.0020, a 25% warmup -0.0048.
 */
const BOUNDED_LR_SCALE = 0.3;

/** maxNewMasks + maxReplayMasks = 2 x the 200-mask round the issue measures against. */
export const DEFAULT_REPLAY_SCHEDULE: ReplaySchedule = {
  draw: 'stratified-by-time',
  replayPerNewMask: 1,
  minReplayMasks: 100,
  maxReplayMasks: 200,
  maxNewMasks: 200,
  fillRound: true,
  boundedLearningRateScale: BOUNDED_LR_SCALE,
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
  /** The round's learning rate as a fraction of the trainer's (boundedLearningRateScale or 1). */
  learningRateScale: number;
}

export interface RoundSamplePlan<T> {
  /** New masks first, then the replay sample (in acceptance order when stratified by time). */
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
    learningRateScale:
      newUsed + replayUsed === accepted.length ? 1 : (schedule.boundedLearningRateScale ?? 1),
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
  const wanted = schedule.fillRound
    ? schedule.maxNewMasks + schedule.maxReplayMasks - newUsed.length
    : Math.max(
        schedule.minReplayMasks,
        Math.min(schedule.maxReplayMasks, Math.round(schedule.replayPerNewMask * newUsed.length)),
      );
  const replaySize = Math.min(pool.length, wanted);
  if (schedule.draw === 'stratified-by-time')
    pool.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const keptReplay =
    schedule.draw === 'stratified-by-time'
      ? stratifiedIndices(pool.length, replaySize, rng)
      : sampleIndices(pool.length, replaySize, rng);
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

/** k distinct indices of 0..n-1, one uniformly from each of k equal consecutive slices. */
function stratifiedIndices(n: number, k: number, rng: Rng): Set<number> {
  if (k >= n) return new Set(Array.from({ length: n }, (_, i) => i));
  const picked = new Set<number>();
  for (let i = 0; i < k; i++) {
    const start = Math.floor((i * n) / k);
    const end = Math.floor(((i + 1) * n) / k);
    picked.add(start + rng.int(end - start));
  }
  return picked;
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
  const scale = schedule.boundedLearningRateScale ?? 1;
  if (!(scale > 0 && scale <= 1))
    throw new Error(
      `replay schedule: boundedLearningRateScale must be in (0, 1], got ${schedule.boundedLearningRateScale}`,
    );
  if (!(schedule.replayPerNewMask >= 0))
    throw new Error(
      `replay schedule: replayPerNewMask must be >= 0, got ${schedule.replayPerNewMask}`,
    );
}
