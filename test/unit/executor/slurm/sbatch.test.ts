import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmissionSpec } from '../../../../src/executor/slurm/sbatch.js';
import {
  activityFileName,
  batchScript,
  jobName,
  parseJobLog,
  sbatchArgs,
  shQuote,
  slurmTime,
} from '../../../../src/executor/slurm/sbatch.js';

const base: SubmissionSpec = {
  project: 'Epic 1A',
  activityId: '1a.8/test',
  runId: 'r-1',
  attempt: 1,
  hardware: 'gpu',
  gpus: 2,
  run: 'echo hi',
  env: {},
  timeoutSeconds: undefined,
  afterOk: [],
  workDir: '/p',
  logPath: '/p/.critpath/logs/epic/1a.8%2Ftest.log',
  scriptPath: '/p/.critpath/slurm/r-1/1a.8--test.1.sh',
  partitions: {},
};

describe('sbatchArgs', () => {
  it('maps gpus, name, output, comment and the script', () => {
    expect(sbatchArgs(base)).toEqual([
      '--parsable',
      '--job-name=critpath:Epic_1A:1a.8/test',
      '--comment=critpath-run=r-1',
      '--chdir=/p',
      // `%` starts a pattern in sbatch's file names: a literal one is `%%`.
      '--output=/p/.critpath/logs/epic/1a.8%%2Ftest.log',
      '--error=/p/.critpath/logs/epic/1a.8%%2Ftest.log',
      '--open-mode=append',
      '--nodes=1',
      '--ntasks=1',
      '--kill-on-invalid-dep=yes',
      '--export=ALL',
      '--gres=gpu:2',
      '/p/.critpath/slurm/r-1/1a.8--test.1.sh',
    ]);
  });
  it('uses --exclusive for gpus: all and nothing for gpus: 0', () => {
    expect(sbatchArgs({ ...base, gpus: 'all' })).toContain('--exclusive');
    expect(sbatchArgs({ ...base, gpus: 'all' }).some((a) => a.startsWith('--gres'))).toBe(false);
    const none = sbatchArgs({ ...base, gpus: 0, hardware: 'macbook' });
    expect(none.some((a) => a.startsWith('--gres') || a === '--exclusive')).toBe(false);
  });
  it('maps timeout, dependencies and partitions', () => {
    const a = sbatchArgs({
      ...base,
      timeoutSeconds: 5400,
      afterOk: ['12', '15'],
      partitions: { gpu: 'h100', macbook: 'cpu' },
    });
    expect(a).toContain('--time=0-01:30:00');
    expect(a).toContain('--dependency=afterok:12:15');
    expect(a).toContain('--partition=h100');
    expect(
      sbatchArgs({ ...base, hardware: 'macbook', partitions: { gpu: 'h100', macbook: 'cpu' } }),
    ).toContain('--partition=cpu');
    expect(
      sbatchArgs({ ...base, partitions: { macbook: 'cpu' } }).some((x) =>
        x.startsWith('--partition'),
      ),
    ).toBe(false);
  });
});

describe('helpers', () => {
  it('formats time limits', () => {
    expect(slurmTime(90)).toBe('0-00:01:30');
    expect(slurmTime(86400 + 3661)).toBe('1-01:01:01');
    expect(slurmTime(0.5)).toBe('0-00:00:01');
    expect(() => slurmTime(0)).toThrow();
  });
  it('names jobs and files safely', () => {
    expect(jobName('demo', 'pair-a')).toBe('critpath:demo:pair-a');
    expect(jobName('a,b|c', 'x y')).toBe('critpath:a_b_c:x_y');
    expect(activityFileName('1a.8/test')).toBe('1a.8--test');
    expect(shQuote(`it's`)).toBe(`'it'\\''s'`);
  });
});

describe('batchScript', () => {
  // Made in beforeAll, not while collecting: a run that filters these tests out skips afterAll too.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'critpath-sbatch-'));
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  async function runScript(spec: SubmissionSpec, env: Record<string, string> = {}) {
    const path = join(dir, 'job.sh');
    writeFileSync(path, batchScript(spec), { mode: 0o755 });
    return execa('bash', [path], { reject: false, env: { SLURM_JOB_ID: '42', ...env } });
  }

  it('exports env with any characters, tags the run and keeps the exit status', async () => {
    const spec = {
      ...base,
      env: { A: `it's "quoted", with, commas $HOME`, B: '' },
      run: 'echo "$A|$B|$CRITPATH_RUN_ID|$CRITPATH_ACTIVITY"; exit 7',
    };
    const r = await runScript(spec, { CUDA_VISIBLE_DEVICES: '2,3' });
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toContain(`it's "quoted", with, commas $HOME||r-1|1a.8/test`);
    const marks = parseJobLog(r.stdout);
    expect(marks).toHaveLength(2);
    expect(marks[0]).toMatchObject({ kind: 'start', jobId: '42', cudaVisibleDevices: '2,3' });
    expect(marks[1]).toMatchObject({ kind: 'end', jobId: '42', exitCode: 7 });
    expect(marks[1]!.atMs).toBeGreaterThanOrEqual(marks[0]!.atMs);
  });
  it('runs argv commands without a shell', async () => {
    const r = await runScript({ ...base, run: ['printf', '%s\n', 'a b', '$HOME'] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('a b\n$HOME');
    expect(parseJobLog(r.stdout)[0]).toMatchObject({ cudaVisibleDevices: 'unset' });
  });
  it('starts its marks on a line of their own in a log whose output ends mid-line', async () => {
    // Slurm appends each attempt's output to the task's log file (--open-mode=append).
    const log = join(dir, 'job.log');
    writeFileSync(log, 'an earlier attempt, cut short');
    const path = join(dir, 'job.sh');
    writeFileSync(path, batchScript({ ...base, run: "printf 'no newline'; exit 3" }), {
      mode: 0o755,
    });
    const r = await execa('bash', ['-c', 'bash "$0" >> "$1"', path, log], {
      reject: false,
      env: { SLURM_JOB_ID: '43' },
    });
    expect(r.exitCode).toBe(3);
    const text = readFileSync(log, 'utf8');
    expect(text).toMatch(/^an earlier attempt, cut short\ncritpath-slurm: start /);
    expect(text).toMatch(/\nno newline\ncritpath-slurm: end job=43 exit=3 /);
    expect(parseJobLog(text).map((m) => m.kind)).toEqual(['start', 'end']);
    // Output ending in a NUL byte, and a log that ends with its newline (no blank line added).
    writeFileSync(log, 'earlier\n');
    // The task's env is its own: a variable named like the script's helper's (f) is untouched.
    const spec = { ...base, run: 'printf \'x\\0\'; test "$f" = mine', env: { f: 'mine' } };
    writeFileSync(path, batchScript(spec), { mode: 0o755 });
    await execa('bash', ['-c', 'bash "$0" >> "$1"', path, log], { env: { SLURM_JOB_ID: '44' } });
    const again = readFileSync(log, 'utf8');
    expect(again).toMatch(/^earlier\ncritpath-slurm: start /);
    expect(again).toContain('x\u0000\ncritpath-slurm: end job=44 exit=0 ');
  });
  it('rejects invalid variable names', () => {
    expect(() => batchScript({ ...base, env: { 'BAD-NAME': 'x' } })).toThrow(
      'invalid environment variable name',
    );
  });
});
