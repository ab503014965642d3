import { ACCEPT_DICE, ACCEPT_IOU, dice, iou, type Mask } from '@loupe/prompts';
import { describe, expect, it } from 'vitest';
import {
  acceptanceDice,
  decideAcceptancePromotion,
  NOC_GUARD_MIN_OBJECTS,
} from './acceptance-dice';
import { decidePromotion } from './decide-promotion';

const SIZE = 96;

/** A disc of radius r at (cx, cy). */
function disc(cx: number, cy: number, r: number): Mask {
  const data = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++)
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) data[y * SIZE + x] = 1;
  return { width: SIZE, height: SIZE, data };
}

/**
 * Round 1 as the loop sees it: ground-truth lesions, the active model's proposals (a little too
 * small on most, far too small on one), and the held-out masks the annotator saved: the proposal
 * itself where it reached ACCEPT_IOU (accepted without edit), the ground truth (brush fix)
 * elsewhere. The candidate is closer to the ground truth on every lesion.
 */
function roundOne() {
  const radii = [16, 17, 18, 19, 20, 21, 22, 24];
  const lesions = [
    ...radii.map((r) => ({ r, active: 0.96 * r, candidate: 0.99 * r })),
    { r: 20, active: 16.5, candidate: 19.5 },
  ];
  return lesions.map(({ r, active, candidate }) => {
    const gt = disc(48, 48, r);
    const proposal = disc(48, 48, active);
    const saved = iou(proposal, gt) >= ACCEPT_IOU ? proposal : gt;
    return { gt, saved, active: proposal, candidate: disc(48, 48, candidate) };
  });
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('acceptanceDice', () => {
  it('caps each object at ACCEPT_DICE, the Dice of ACCEPT_IOU', () => {
    expect(ACCEPT_DICE).toBeCloseTo(0.947, 3);
    expect(acceptanceDice([1, ACCEPT_DICE, 0.99])).toBe(1);
    expect(acceptanceDice([ACCEPT_DICE / 2, 1])).toBeCloseTo(0.75, 12);
    expect(acceptanceDice([])).toBeNaN();
  });
});

describe('decideAcceptancePromotion', () => {
  it('promotes the candidate that is better on the ground truth when the held-out masks are the active model’s own outputs', () => {
    const objects = roundOne();
    // Most held-out masks are the active's unedited proposals.
    expect(objects.filter((o) => o.saved === o.active)).toHaveLength(8);
    const score = (pick: 'active' | 'candidate', against: 'saved' | 'gt') =>
      objects.map((o) => dice(o[pick], o[against]));
    // On the ground truth the candidate is the better model, on every lesion.
    const onTruth = score('candidate', 'gt');
    score('active', 'gt').forEach((d, k) => expect(onTruth[k]).toBeGreaterThan(d));
    const metrics = (pick: 'active' | 'candidate') => {
      const perObject = score(pick, 'saved');
      return {
        dice: mean(perObject),
        noc90: 1,
        acceptanceDice: acceptanceDice(perObject),
        objects: perObject.length,
      };
    };
    const candidate = metrics('candidate');
    const active = metrics('active');
    // The Dice gate is fooled: the active scores Dice 1 on its own proposals.
    expect(candidate.dice).toBeLessThan(active.dice);
    expect(decidePromotion(candidate, active, 0.5).promote).toBe(false);
    const decision = decideAcceptancePromotion(candidate, active, 0.5);
    expect(decision).toMatchObject({ promote: true });
    expect(decision.reason).toMatch(/acceptance Dice/);
  });

  it('keeps the active model when the candidate is worse, and breaks a tie on NoC@90', () => {
    const active = { dice: 0.95, noc90: 2, acceptanceDice: 0.98, objects: 4 };
    const cases: [
      candidate: Omit<typeof active, 'objects'>,
      against: typeof active | null,
      promote: boolean,
    ][] = [
      // Lower acceptance Dice loses, whatever its plain Dice and NoC@90.
      [{ dice: 0.97, noc90: 1, acceptanceDice: 0.97 }, active, false],
      // A tie with the same NoC@90 keeps the active model; a tie with fewer clicks promotes.
      [{ dice: 0.94, noc90: 2, acceptanceDice: 0.98 }, active, false],
      [{ dice: 0.94, noc90: 1.5, acceptanceDice: 0.98 }, active, true],
      // No figures, no promotion, even with nothing to beat; anything finite beats nothing.
      [{ dice: 0.9, noc90: 1, acceptanceDice: Number.NaN }, null, false],
      [{ dice: 0.1, noc90: 9, acceptanceDice: 0.2 }, null, true],
    ];
    for (const [candidate, against, promote] of cases)
      expect(decideAcceptancePromotion({ ...candidate, objects: 4 }, against, 0.5).promote).toBe(
        promote,
      );
  });

  it('still refuses a candidate that propagates much worse through held-out volumes', () => {
    const active = {
      dice: 0.9,
      noc90: 2,
      acceptanceDice: 0.9,
      objects: 4,
      propagation: { volumeDice: 0.8, objects: 3 },
    };
    const decision = decideAcceptancePromotion(
      {
        dice: 0.95,
        noc90: 1,
        acceptanceDice: 0.99,
        objects: 4,
        propagation: { volumeDice: 0.7, objects: 3 },
      },
      active,
      0.5,
    );
    expect(decision.promote).toBe(false);
    expect(decision.reason).toMatch(/propagation volume Dice/);
  });

  it('applies the allowed NoC@90 regression once the held-out split is large enough to measure it', () => {
    const active = { dice: 0.8, noc90: 4, acceptanceDice: 0.8 };
    const candidate = { dice: 0.9, noc90: 6, acceptanceDice: 0.9 };
    const few = decideAcceptancePromotion(
      { ...candidate, objects: NOC_GUARD_MIN_OBJECTS - 1 },
      { ...active, objects: NOC_GUARD_MIN_OBJECTS - 1 },
      0.5,
    );
    expect(few.promote).toBe(true);
    expect(few.reason).toMatch(/not applied/);
    const enough = decideAcceptancePromotion(
      { ...candidate, objects: NOC_GUARD_MIN_OBJECTS },
      { ...active, objects: NOC_GUARD_MIN_OBJECTS },
      0.5,
    );
    expect(enough.promote).toBe(false);
    expect(enough.reason).toMatch(/clicks worse/);
    expect(
      decideAcceptancePromotion({ ...candidate, objects: 12 }, { ...active, objects: 12 }, 2)
        .promote,
    ).toBe(true);
  });
});
