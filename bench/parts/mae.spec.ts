import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { carriedFields, parseLabelCounts } from './mae';

describe('bench:mae flags and partial runs', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads --label-counts as positive integers and refuses anything else', () => {
    expect(parseLabelCounts(undefined)).toBeNull();
    expect(parseLabelCounts(25)).toEqual([25]);
    expect(parseLabelCounts('10,25,50')).toEqual([10, 25, 50]);
    expect(() => parseLabelCounts('10,x')).toThrow(/--label-counts/);
    expect(() => parseLabelCounts(0)).toThrow(/positive integers/);
  });

  it('keeps the other set of the previous mae.json and says where it came from', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mae-carry-'));
    const environment = { commit: 'abc1234' };
    const previous = { result: { gainAt50: 0.002, rows: [1], ood: { gainAt25: 0.01 }, plots: [] } };
    await writeFile(path.join(dir, 'mae.json'), JSON.stringify({ ...previous, environment }));
    const friendly = await carriedFields(dir, (key) => key !== 'ood' && key !== 'plots');
    expect(friendly).toEqual({
      gainAt50: 0.002,
      rows: [1],
      carriedFrom: { fields: ['gainAt50', 'rows'], environment },
    });
    expect(await carriedFields(dir, (key) => key === 'ood')).toMatchObject({
      ood: { gainAt25: 0.01 },
    });
  });

  it('carries nothing when there is no previous run', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mae-carry-'));
    expect(await carriedFields(dir, () => true)).toEqual({});
  });
});
