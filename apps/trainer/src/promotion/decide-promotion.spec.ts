import { describe, expect, it } from 'vitest';
import { decidePromotion } from './decide-promotion';

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
});
