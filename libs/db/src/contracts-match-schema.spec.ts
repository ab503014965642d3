/**
 * @loupe/contracts spells some of the schema's enums for browser code that cannot import Prisma;
 * this keeps the two equal.
 */
import { INTERACTION_TYPES } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { InteractionType } from './generated/prisma/enums';

describe('contracts match the Prisma schema', () => {
  it('INTERACTION_TYPES lists InteractionType exactly', () => {
    expect([...INTERACTION_TYPES].sort()).toEqual(Object.values(InteractionType).sort());
  });
});
