import { describe, expect, it } from 'vitest';
import { parsePartitionMap } from '../../../../src/executor/slurm/open.js';
import { formatSlurmStatus } from '../../../../src/executor/slurm/status.js';

describe('parsePartitionMap', () => {
  it('reads gpu=NAME,macbook=NAME in any order, either optional', () => {
    expect(parsePartitionMap('gpu=h100,macbook=cpu')).toEqual({
      ok: true,
      value: { gpu: 'h100', macbook: 'cpu' },
    });
    expect(parsePartitionMap(' macbook = login ')).toEqual({
      ok: true,
      value: { macbook: 'login' },
    });
    expect(parsePartitionMap(undefined)).toEqual({ ok: true, value: {} });
  });
  it('rejects what it does not understand', () => {
    expect(parsePartitionMap('gpu')).toMatchObject({
      ok: false,
      error: expect.stringContaining('expected KIND=NAME'),
    });
    expect(parsePartitionMap('tpu=x')).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown hardware "tpu"'),
    });
    expect(parsePartitionMap('gpu=a,gpu=b')).toMatchObject({
      ok: false,
      error: expect.stringContaining('given twice'),
    });
    expect(parsePartitionMap('gpu=a b')).toMatchObject({ ok: false });
  });
});

describe('formatSlurmStatus', () => {
  it('aligns ids and shows why pending jobs wait', () => {
    expect(
      formatSlurmStatus([
        { id: 'prep', jobId: '12', state: 'RUNNING', reason: undefined, job: undefined },
        { id: 'd.4/test', jobId: '13', state: 'PENDING', reason: 'Dependency', job: undefined },
        { id: 'x', jobId: undefined, state: 'UNKNOWN', reason: undefined, job: undefined },
      ]),
    ).toEqual([
      'prep      job 12  RUNNING',
      'd.4/test  job 13  PENDING (Dependency)',
      'x         job ?  UNKNOWN',
    ]);
  });
});
