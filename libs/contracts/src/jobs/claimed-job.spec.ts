import { describe, expect, it } from 'vitest';
import { ContractError } from '../contract-error';
import { parseClaimedJob, type ClaimedJobRow } from './claimed-job';

const row = (over: Partial<ClaimedJobRow>): ClaimedJobRow => ({
  id: 'j1',
  projectId: 'p1',
  type: 'finetune',
  payload: { trigger: 'auto' },
  attempts: 2,
  maxAttempts: 3,
  lockedUntil: new Date('2026-01-01T00:00:00Z'),
  ...over,
});

describe('parseClaimedJob', () => {
  it('keeps the row and types the payload by kind', () => {
    const job = parseClaimedJob(row({ payload: { trigger: 'auto', trainingRunId: 'r1' } }));
    expect(job).toEqual({
      id: 'j1',
      projectId: 'p1',
      type: 'finetune',
      payload: { trigger: 'auto', trainingRunId: 'r1' },
      attempts: 2,
      maxAttempts: 3,
      lockedUntil: new Date('2026-01-01T00:00:00Z'),
    });
    if (job.type === 'finetune') expect(job.payload.trainingRunId).toBe('r1');
  });

  it('reads a null payload as the empty one', () => {
    expect(parseClaimedJob(row({ type: 'score', payload: null })).payload).toEqual({});
  });

  it('refuses an unknown kind or a bad payload with the job named', () => {
    expect(() => parseClaimedJob(row({ type: 'unit-a' }))).toThrow(ContractError);
    expect(() => parseClaimedJob(row({ type: 'unit-a' }))).toThrow(
      /^job j1 \(unit-a\) is malformed: type: Invalid discriminator value/,
    );
    expect(() =>
      parseClaimedJob(row({ type: 'evaluate', payload: { modelVersionId: 7 } })),
    ).toThrow(
      'job j1 (evaluate) is malformed: payload.modelVersionId: Invalid input: expected string, received number',
    );
  });
});
