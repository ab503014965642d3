import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLAY_SCHEDULE,
  planRoundSamples,
  type ReplaySchedule,
} from './plan-round-samples';

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
/** `count` masks, one per minute from day 0. */
function masks(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    sourceId: `m${i}`,
    createdAt: new Date(day(0).getTime() + i * 60_000),
  }));
}
const minute = (i: number) => new Date(day(0).getTime() + i * 60_000);
/** The schedule before rounds were filled: replay in proportion to the new masks, uniform. */
const PROPORTIONAL: ReplaySchedule = {
  ...DEFAULT_REPLAY_SCHEDULE,
  draw: 'uniform-without-replacement',
  fillRound: false,
};
const ROUND_BUDGET = DEFAULT_REPLAY_SCHEDULE.maxNewMasks + DEFAULT_REPLAY_SCHEDULE.maxReplayMasks;

describe('planRoundSamples', () => {
  it('trains on every mask while the project fits in one round', () => {
    const all = masks(400);
    const plan = planRoundSamples(all, { newSince: minute(349), seed: 7 });
    expect(plan.selected).toHaveLength(400);
    expect(plan.record).toMatchObject({
      trainedOnAll: true,
      newAvailable: 50,
      earlierAvailable: 350,
      newUsed: 50,
      replayUsed: 350,
    });
  });

  it('takes every new mask plus a bounded replay of earlier ones on a large project', () => {
    const all = masks(5000);
    const plan = planRoundSamples(all, { newSince: minute(4939), seed: 7, schedule: PROPORTIONAL });
    const ids = new Set(plan.selected.map((s) => s.sourceId));
    // The 60 new masks (m4940..m4999) are all in, and the replay is the schedule's minimum.
    for (let i = 4940; i < 5000; i++) expect(ids.has(`m${i}`)).toBe(true);
    expect(plan.newCount).toBe(60);
    expect(plan.replayCount).toBe(DEFAULT_REPLAY_SCHEDULE.minReplayMasks);
    expect(ids.size).toBe(plan.selected.length);
    expect(plan.record.trainedOnAll).toBe(false);
    expect(plan.record.newSince).toBe(minute(4939).toISOString());
  });

  it('replays in proportion to the new masks up to the cap, and samples down a flood of new ones', () => {
    const all = masks(5000);
    const some = planRoundSamples(all, { newSince: minute(4849), seed: 1, schedule: PROPORTIONAL });
    expect(some.newCount).toBe(150);
    expect(some.replayCount).toBe(150);
    const flood = planRoundSamples(all, { newSince: null, seed: 1, schedule: PROPORTIONAL });
    expect(flood.newCount).toBe(DEFAULT_REPLAY_SCHEDULE.maxNewMasks);
    expect(flood.replayCount).toBe(DEFAULT_REPLAY_SCHEDULE.maxReplayMasks);
    expect(flood.selected.length).toBeLessThanOrEqual(400);
  });

  it('draws the same sample from the same seed and another from another seed', () => {
    const all = masks(3000);
    const ids = (seed: number) =>
      planRoundSamples(all, { newSince: minute(2899), seed }).selected.map((s) => s.sourceId);
    expect(ids(42)).toEqual(ids(42));
    expect(ids(42)).not.toEqual(ids(43));
    const uniform = (seed: number) =>
      planRoundSamples(all, { newSince: minute(2899), seed, schedule: PROPORTIONAL }).selected.map(
        (s) => s.sourceId,
      );
    expect(uniform(42)).toEqual(uniform(42));
    expect(uniform(42)).not.toEqual(uniform(43));
  });

  it('fills the round to its budget with replay, however few masks are new', () => {
    const all = masks(5000);
    for (const newMasks of [1, 20, 150, 200]) {
      const plan = planRoundSamples(all, { newSince: minute(4999 - newMasks), seed: 5 });
      expect(plan.newCount).toBe(newMasks);
      expect(plan.replayCount).toBe(ROUND_BUDGET - newMasks);
      expect(new Set(plan.selected.map((s) => s.sourceId)).size).toBe(ROUND_BUDGET);
    }
    const flood = planRoundSamples(all, { newSince: null, seed: 1 });
    expect(flood.newCount).toBe(DEFAULT_REPLAY_SCHEDULE.maxNewMasks);
    expect(flood.selected).toHaveLength(ROUND_BUDGET);
  });

  it('draws the replay one per equal slice of the history when stratified by time', () => {
    const all = masks(5000);
    // 20 new: 380 replayed from the 4,980 earlier masks, one from each slice of 4980/380.
    const plan = planRoundSamples(all, { newSince: minute(4979), seed: 9 });
    const replay = plan.selected.slice(plan.newCount).map((s) => Number(s.sourceId.slice(1)));
    expect(replay).toHaveLength(380);
    replay.forEach((index, slice) => {
      expect(index).toBeGreaterThanOrEqual(Math.floor((slice * 4980) / 380));
      expect(index).toBeLessThan(Math.floor(((slice + 1) * 4980) / 380));
    });
  });

  it('spreads the replay over the whole history (uniform, not the latest)', () => {
    const all = masks(5000);
    const plan = planRoundSamples(all, { newSince: minute(4899), seed: 3, schedule: PROPORTIONAL });
    const replayIndices = plan.selected
      .slice(plan.newCount)
      .map((s) => Number(s.sourceId.slice(1)));
    expect(Math.min(...replayIndices)).toBeLessThan(1000);
    expect(Math.max(...replayIndices)).toBeGreaterThan(3900);
    expect(replayIndices.every((i) => i < 4900)).toBe(true);
  });

  it('lowers the learning rate of a bounded round only', () => {
    const scale = DEFAULT_REPLAY_SCHEDULE.boundedLearningRateScale;
    expect(scale).toBeGreaterThan(0);
    expect(scale).toBeLessThan(1);
    const bounded = planRoundSamples(masks(5000), { newSince: minute(4979), seed: 2 });
    expect(bounded.record).toMatchObject({ trainedOnAll: false, learningRateScale: scale });
    const all = planRoundSamples(masks(400), { newSince: minute(379), seed: 2 });
    expect(all.record).toMatchObject({ trainedOnAll: true, learningRateScale: 1 });
    // A schedule without the field keeps the trainer's rate.
    const plain = planRoundSamples(masks(5000), {
      newSince: minute(4979),
      seed: 2,
      schedule: { ...PROPORTIONAL, boundedLearningRateScale: undefined },
    });
    expect(plain.record.learningRateScale).toBe(1);
  });

  it('refuses a learning-rate scale outside (0, 1]', () => {
    for (const bad of [0, 1.5, Number.NaN])
      expect(() =>
        planRoundSamples(masks(10), {
          newSince: null,
          seed: 1,
          schedule: { ...DEFAULT_REPLAY_SCHEDULE, boundedLearningRateScale: bad },
        }),
      ).toThrow(/boundedLearningRateScale must be in \(0, 1\]/);
  });

  it('refuses a schedule whose bounds contradict each other', () => {
    const bad: ReplaySchedule = { ...DEFAULT_REPLAY_SCHEDULE, minReplayMasks: 300 };
    expect(() => planRoundSamples(masks(10), { newSince: null, seed: 1, schedule: bad })).toThrow(
      /minReplayMasks \(300\) exceeds maxReplayMasks \(200\)/,
    );
  });
});
