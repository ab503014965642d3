import { describe, expect, it } from 'vitest';
import { MAX_PROPAGATION_DICE_REGRESSION, decidePromotion } from './decide-promotion';

describe('decidePromotion', () => {
  const active = { dice: 0.8, noc90: 3 };

  it('promotes a candidate with equal or better Dice and NoC within the allowance', () => {
    expect(decidePromotion({ dice: 0.8, noc90: 3.5 }, active, 0.5).promote).toBe(true);
    expect(decidePromotion({ dice: 0.85, noc90: 2 }, active, 0.5).promote).toBe(true);
  });

  it('keeps a candidate with lower Dice and says why', () => {
    const decision = decidePromotion({ dice: 0.79, noc90: 1 }, active, 0.5);
    expect(decision.promote).toBe(false);
    expect(decision.reason).toMatch(/Dice 0\.7900 is below the active model's 0\.8000/);
  });

  it('keeps a candidate that costs more than the allowed extra clicks', () => {
    const decision = decidePromotion({ dice: 0.9, noc90: 3.51 }, active, 0.5);
    expect(decision.promote).toBe(false);
    expect(decision.reason).toMatch(/NoC@90/);
  });

  it('never promotes non-finite metrics, and promotes anything finite when there is no active model', () => {
    expect(decidePromotion({ dice: Number.NaN, noc90: 1 }, null, 0.5).promote).toBe(false);
    expect(decidePromotion({ dice: 0.1, noc90: 9 }, null, 0.5).promote).toBe(true);
  });

  it('with held-out volumes, keeps a candidate that propagates worse than the margin allows', () => {
    const withVolumes = { ...active, propagation: { volumeDice: 0.7, objects: 4 } };
    const within = 0.7 - MAX_PROPAGATION_DICE_REGRESSION + 0.001;
    const ok = decidePromotion(
      { dice: 0.82, noc90: 3, propagation: { volumeDice: within, objects: 4 } },
      withVolumes,
      0.5,
    );
    expect(ok.promote).toBe(true);
    expect(ok.reason).toMatch(/propagation volume Dice 0\.68\d+ vs 0\.7000 \(4 objects\)/);
    const worse = decidePromotion(
      { dice: 0.82, noc90: 3, propagation: { volumeDice: 0.6, objects: 4 } },
      withVolumes,
      0.5,
    );
    expect(worse.promote).toBe(false);
    expect(worse.reason).toMatch(
      /propagation volume Dice 0\.6000 .* below the active model's 0\.7000/,
    );
    // A stricter margin passed in applies.
    expect(
      decidePromotion(
        { dice: 0.82, noc90: 3, propagation: { volumeDice: 0.695, objects: 4 } },
        withVolumes,
        0.5,
        0.001,
      ).promote,
    ).toBe(false);
    expect(
      decidePromotion(
        { dice: 0.82, noc90: 3, propagation: { volumeDice: Number.NaN, objects: 4 } },
        withVolumes,
        0.5,
      ).promote,
    ).toBe(false);
  });

  it('without held-out volumes on either side, propagation does not decide', () => {
    const candidate = { dice: 0.82, noc90: 3, propagation: { volumeDice: null, objects: 0 } };
    expect(decidePromotion(candidate, active, 0.5).promote).toBe(true);
    expect(
      decidePromotion(
        { dice: 0.82, noc90: 3, propagation: { volumeDice: 0.1, objects: 1 } },
        { ...active, propagation: { volumeDice: null, objects: 0 } },
        0.5,
      ).reason,
    ).not.toMatch(/propagation/);
  });
});
