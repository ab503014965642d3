import { describe, expect, it } from 'vitest';
import { ortThreadsFor } from './ort-threads';

describe('ortThreadsFor', () => {
  it('leaves one core to the page and caps at 4 threads', () => {
    expect(ortThreadsFor(1)).toBe(1);
    expect(ortThreadsFor(2)).toBe(1);
    expect(ortThreadsFor(3)).toBe(2);
    expect(ortThreadsFor(16)).toBe(4);
  });
});
