import { describe, expect, it } from 'vitest';
import { parseFlags } from './run';

describe('parseFlags', () => {
  it('turns flags into camelCase options, with numbers and booleans', () => {
    expect(parseFlags(['--quick', '--fresh-starter', '--rounds', '3', '--data', 'drive'])).toEqual({
      quick: true,
      freshStarter: true,
      rounds: 3,
      data: 'drive',
    });
  });
});
