import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SlurmParseError,
  gpusInGres,
  gpusInTres,
  jobPhase,
  parseExitCode,
  parseSacct,
  parseSbatchParsable,
  parseScontrolFields,
  parseScontrolShowJob,
  parseSlurmTime,
  parseSqueue,
  parseState,
} from '../../../../src/executor/slurm/parse.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/slurm/${name}`, import.meta.url), 'utf8');

describe('parseSbatchParsable', () => {
  it('reads the recorded output', () => {
    expect(parseSbatchParsable(fixture('sbatch-parsable.txt'))).toEqual({
      jobId: '6',
      cluster: undefined,
    });
  });
  it('reads jobid;cluster', () => {
    expect(parseSbatchParsable('123;gpu-west\n')).toEqual({ jobId: '123', cluster: 'gpu-west' });
  });
  it.each([
    ['', 'expected one line, got 0'],
    ['12\n13\n', 'expected one line, got 2'],
    ['Submitted batch job 12\n', 'not a job id'],
    ['sbatch: warning: x\n12\n', 'expected one line'],
    ['0\n', 'not a job id'],
    ['12_1\n', 'not a job id'],
  ])('rejects %j', (out, msg) => {
    expect(() => parseSbatchParsable(out)).toThrow(SlurmParseError);
    expect(() => parseSbatchParsable(out)).toThrow(msg);
  });
});

describe('states', () => {
  it('maps the words Slurm prints', () => {
    expect(parseState('x', 'CANCELLED by 0')).toBe('CANCELLED');
    expect(parseState('x', 'COMPLETING+')).toBe('COMPLETING');
    expect(jobPhase('PENDING')).toBe('pending');
    expect(jobPhase('COMPLETING')).toBe('running');
    expect(jobPhase('COMPLETED')).toBe('succeeded');
    expect(jobPhase('TIMEOUT')).toBe('timeout');
    expect(jobPhase('OUT_OF_MEMORY')).toBe('failed');
    expect(jobPhase('PREEMPTED')).toBe('cancelled');
  });
  it('rejects unknown states', () => {
    expect(() => parseState('squeue', 'DONE')).toThrow('unknown job state "DONE"');
    expect(() => parseState('squeue', '')).toThrow(SlurmParseError);
  });
});

describe('small fields', () => {
  it('parses times, Unknown and None', () => {
    expect(parseSlurmTime('x', '2026-11-28T22:39:20')).toBe(
      new Date(2026, 10, 28, 22, 39, 20).getTime(),
    );
    // The year as written, not 1950 (new Date's two-digit-year rule).
    const early = new Date(parseSlurmTime('x', '0050-03-15T10:20:30') ?? NaN);
    expect([early.getFullYear(), early.getMonth(), early.getDate(), early.getHours()]).toEqual([
      50, 2, 15, 10,
    ]);
    expect(parseSlurmTime('x', 'Unknown')).toBeUndefined();
    expect(parseSlurmTime('x', 'None')).toBeUndefined();
    expect(() => parseSlurmTime('x', '28/11/2026')).toThrow(SlurmParseError);
  });
  it('parses exit codes', () => {
    expect(parseExitCode('x', '3:0')).toEqual({ exitCode: 3, signal: 0 });
    expect(parseExitCode('x', '0:15')).toEqual({ exitCode: 0, signal: 15 });
    expect(() => parseExitCode('x', '3')).toThrow(SlurmParseError);
  });
  it('counts GPUs in TRES', () => {
    expect(gpusInTres('billing=1,cpu=1,gres/gpu=2,node=1')).toBe(2);
    expect(gpusInTres('cpu=8,node=1,billing=8,gres/gpu=4')).toBe(4);
    expect(gpusInTres('billing=1,cpu=1,node=1')).toBe(0);
    expect(gpusInTres('cpu=2,gres/gpu:h100=2,gres/gpu=2')).toBe(2);
    expect(gpusInTres('cpu=2,gres/gpu:h100=2,gres/gpu:a100=1')).toBe(3);
  });
});

describe('parseSqueue (recorded)', () => {
  it('reads live and ended jobs, names with spaces and slashes', () => {
    const jobs = parseSqueue(fixture('squeue-mixed.txt'));
    const byId = new Map(jobs.map((j) => [j.jobId, j]));
    expect(jobs).toHaveLength(7);
    expect(byId.get('7')).toMatchObject({
      state: 'RUNNING',
      phase: 'running',
      comment: 'critpath-run=r1',
      name: 'critpath:demo:b/phase one',
    });
    expect(byId.get('8')).toMatchObject({ state: 'PENDING', reason: 'Dependency' });
    expect(byId.get('10')).toMatchObject({
      phase: 'cancelled',
      reason: 'DependencyNeverSatisfied',
      comment: undefined,
    });
    expect(byId.get('9')?.phase).toBe('failed');
  });
  it('rejects short lines and odd ids', () => {
    expect(() => parseSqueue('12|RUNNING|None\n')).toThrow('expected 5 fields');
    expect(() => parseSqueue('12_3|RUNNING|None|(null)|x\n')).toThrow('not a plain job id');
    expect(parseSqueue('')).toEqual([]);
  });
});

describe('parseSacct (recorded)', () => {
  it('reads every final state with times, exit codes and GPUs', () => {
    const byId = new Map(parseSacct(fixture('sacct-ended.txt')).map((j) => [j.jobId, j]));
    expect(byId.get('6')).toMatchObject({ phase: 'succeeded', exitCode: 0, gpus: 2 });
    expect(byId.get('6')?.start).toBe(new Date(2026, 10, 28, 22, 39, 20).getTime());
    expect(byId.get('7')).toMatchObject({ gpus: 1, name: 'critpath:demo:b/phase one' });
    expect(byId.get('8')).toMatchObject({ phase: 'succeeded', gpus: 4 });
    expect(byId.get('9')).toMatchObject({ phase: 'failed', exitCode: 3, gpus: 0 });
    expect(byId.get('10')).toMatchObject({ phase: 'cancelled', start: undefined, gpus: undefined });
    expect(byId.get('11')).toMatchObject({ phase: 'timeout', state: 'TIMEOUT' });
    expect(byId.get('12')).toMatchObject({ phase: 'cancelled', state: 'CANCELLED' });
  });
  it('reads pending and running rows', () => {
    const byId = new Map(parseSacct(fixture('sacct-mixed.txt')).map((j) => [j.jobId, j]));
    expect(byId.get('7')).toMatchObject({ phase: 'running', end: undefined });
    expect(byId.get('8')).toMatchObject({ phase: 'pending', start: undefined, gpus: undefined });
  });
  it('keeps the last row of a requeued job', () => {
    const rows =
      '5|REQUEUED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:01|2026-01-01T00:00:02||None|n\n' +
      '5|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:00:03|2026-01-01T00:00:04||None|n\n';
    expect(parseSacct(rows)).toHaveLength(1);
    expect(parseSacct(rows)[0]?.phase).toBe('succeeded');
  });
  it('rejects step rows and short rows', () => {
    expect(() => parseSacct('5.batch|COMPLETED|0:0|a|b|c|d|e|f\n')).toThrow('not a plain job id');
    expect(() => parseSacct('5|COMPLETED|0:0\n')).toThrow('expected 9 fields');
  });
});

describe('parseScontrolShowJob (recorded)', () => {
  it('splits fields whose values hold spaces', () => {
    const line = fixture('scontrol-show-job-mixed.txt').split('\n')[0]!;
    const f = parseScontrolFields(line);
    expect(f.get('Command')).toBe('/tmp/sj/job.sh 2');
    expect(f.get('AllocNode:Sid')).toBe('localhost:14167');
    expect(f.get('Comment')).toBe('critpath-run=r1');
    expect(f.get('Power')).toBe('');
    expect(f.get('TresPerNode')).toBe('gres:gpu:2');
  });
  it('reads all jobs with states, GPUs and times', () => {
    const byId = new Map(
      parseScontrolShowJob(fixture('scontrol-show-job-mixed.txt')).map((j) => [j.jobId, j]),
    );
    expect(byId.size).toBe(12);
    expect(byId.get('3')).toMatchObject({ phase: 'succeeded', gpus: 4, name: 'critpath:demo:c' });
    expect(byId.get('7')).toMatchObject({
      phase: 'running',
      gpus: 1,
      end: undefined,
      name: 'critpath:demo:b/phase one',
    });
    expect(byId.get('8')).toMatchObject({
      phase: 'pending',
      start: undefined,
      gpus: undefined,
      reason: 'Dependency',
    });
    expect(byId.get('10')).toMatchObject({
      phase: 'cancelled',
      reason: 'DependencyNeverSatisfied',
    });
    expect(byId.get('12')).toMatchObject({ phase: 'cancelled', signal: 15 });
  });
  it('reads a timed-out and an exclusive job', () => {
    expect(parseScontrolShowJob(fixture('scontrol-show-job-timeout.txt'))[0]).toMatchObject({
      phase: 'timeout',
      reason: 'TimeLimit',
    });
    expect(parseScontrolShowJob(fixture('scontrol-show-job-exclusive.txt'))[0]).toMatchObject({
      phase: 'succeeded',
      gpus: 4,
    });
  });
  it('counts allocated GPUs from JOB_GRES (--details) when TRES does not track gres/gpu', () => {
    const [excl, two] = parseScontrolShowJob(fixture('scontrol-show-job-detail-noacct.txt'));
    expect(excl).toMatchObject({ phase: 'succeeded', gpus: 4 });
    expect(two).toMatchObject({ phase: 'succeeded', gpus: 2 });
    expect(gpusInGres('gpu:h100:2(IDX:0-1),nic:1')).toBe(2);
    expect(gpusInGres('nic:1')).toBe(0);
  });
  it('rejects lines that are not jobs', () => {
    expect(() => parseScontrolShowJob('No jobs in the system\n')).toThrow(SlurmParseError);
    expect(() => parseScontrolShowJob('JobId=4 JobName=x\n')).toThrow('no JobState=');
  });
});
