import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isContractError, parseContract, type ContractError } from './contract-error';

describe('parseContract', () => {
  const schema = z.object({ size: z.object({ width: z.number() }), name: z.string() });

  it('returns the parsed value', () => {
    expect(parseContract(schema, { size: { width: 3 }, name: 'a' }, 'thing')).toEqual({
      size: { width: 3 },
      name: 'a',
    });
  });

  it('names the contract and every bad field, by path', () => {
    let caught: unknown;
    try {
      parseContract(schema, { size: { width: 'wide' } }, 'thing');
    } catch (error) {
      caught = error;
    }
    expect(isContractError(caught)).toBe(true);
    const error = caught as ContractError;
    expect(error.contract).toBe('thing');
    expect(error.issues).toEqual([
      'size.width: Invalid input: expected number, received string',
      'name: Invalid input: expected string, received undefined',
    ]);
    expect(error.message).toBe(`thing is malformed: ${error.issues.join('; ')}`);
  });

  it('says (root) when the value itself is wrong', () => {
    expect(() => parseContract(schema, 'nope', 'thing')).toThrow(
      'thing is malformed: (root): Invalid input: expected object, received string',
    );
  });
});
