import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEnvironment } from './environment';
import { writeReport } from './report';

describe('writeReport', () => {
  it('marks missed targets, states machine and command, and plots the loop curve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-report-'));
    const environment = describeEnvironment();
    const record = (part: string, result: unknown) =>
      writeFileSync(
        join(dir, `${part}.json`),
        JSON.stringify({
          part,
          command: `npm run bench:${part}`,
          environment,
          durationSeconds: 1,
          quick: false,
          result,
        }),
      );
    record('prompts', { rle1024: { encodeP50Ms: 1.2, decodeP50Ms: 7.5 } });
    record('loop', {
      rounds: [
        {
          round: 1,
          masks: 20,
          clicksPerMask: 4,
          acceptedWithoutEditShare: 0.1,
          proposalDice: 0.7,
          modelVersion: 'v1',
        },
        {
          round: 2,
          masks: 20,
          clicksPerMask: 3,
          acceptedWithoutEditShare: 0.2,
          proposalDice: 0.8,
          modelVersion: 'v2',
        },
      ],
      clicksPerMaskChange: -1,
    });
    const reportFile = join(dir, 'REPORT.md');
    await writeReport(dir, reportFile);
    const report = readFileSync(reportFile, 'utf8');
    expect(report).toMatch(/RLE encode 1024x1024 p50 \| 1\.20 ms \| < 5 ms \| met/);
    expect(report).toMatch(/RLE decode 1024x1024 p50 \| 7\.50 ms \| < 5 ms \| \*\*MISSED\*\*/);
    expect(report).toContain('not measured');
    expect(report).toContain('`npm run bench:loop`');
    expect(report).toContain(environment.machine);
    expect(existsSync(join(dir, 'loop.png'))).toBe(true);
    expect(report).toContain('![loop](loop.png)');
  });
});
