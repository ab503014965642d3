import { describe, expect, it } from 'vitest';
import { JOB_KINDS } from './job-kinds';
import { parseJobRequest, type JobRequest } from './job-request';

describe('job requests', () => {
  it('round-trips every kind through JSON (as Job.payload stores it)', () => {
    const requests: JobRequest[] = [
      { type: 'finetune', payload: { trigger: 'cli', epochs: 3 } },
      { type: 'pretrain', payload: { trigger: 'manual', requestedById: 'u1' } },
      { type: 'evaluate', payload: { modelVersionId: 'm1' } },
      { type: 'score', payload: {} },
    ];
    expect(requests.map((r) => r.type)).toEqual([...JOB_KINDS]);
    for (const request of requests) {
      const parsed = parseJobRequest(request);
      expect(parseJobRequest(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
      expect(parsed).toMatchObject(request);
    }
  });

  it('fills payload defaults, also for a missing payload', () => {
    expect(parseJobRequest({ type: 'finetune' })).toEqual({
      type: 'finetune',
      payload: { trigger: 'manual' },
    });
    expect(parseJobRequest({ type: 'score' })).toEqual({ type: 'score', payload: {} });
  });

  it('refuses an unknown kind, listing the known ones', () => {
    expect(() => parseJobRequest({ type: 'FINETUNE' })).toThrow(
      "job request is malformed: type: Invalid discriminator value. Expected 'finetune' | 'pretrain' | 'evaluate' | 'score'",
    );
  });

  it('refuses a malformed payload, naming the field', () => {
    expect(() =>
      parseJobRequest({ type: 'finetune', payload: { epochs: '3' } }, 'job j1 (finetune)'),
    ).toThrow(
      'job j1 (finetune) is malformed: payload.epochs: Invalid input: expected number, received string',
    );
    expect(() => parseJobRequest({ type: 'pretrain', payload: { trigger: 'cron' } })).toThrow(
      /payload\.trigger: Invalid option: expected one of "auto"\|"manual"\|"cli"/,
    );
    expect(() => parseJobRequest({ type: 'evaluate', payload: [] })).toThrow(/payload: /);
  });
});
