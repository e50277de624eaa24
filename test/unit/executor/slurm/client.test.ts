import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../../../../src/executor/slurm/client.js';
import { SlurmClient, SlurmCommandError } from '../../../../src/executor/slurm/client.js';
import { SlurmParseError } from '../../../../src/executor/slurm/parse.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/slurm/${name}`, import.meta.url), 'utf8');

function scripted(
  answers: Record<string, CommandResult | ((args: readonly string[]) => CommandResult)>,
) {
  const calls: string[][] = [];
  const runner: CommandRunner = (file, args) => {
    calls.push([file, ...args]);
    const a = answers[file];
    if (a === undefined)
      return Promise.resolve({ exitCode: 127, stdout: '', stderr: `${file}: not found` });
    return Promise.resolve(typeof a === 'function' ? a(args) : a);
  };
  return { client: new SlurmClient({ runner }), calls };
}

describe('SlurmClient', () => {
  it('submits with --parsable and reads the id strictly', async () => {
    const { client, calls } = scripted({ sbatch: { exitCode: 0, stdout: '77\n', stderr: '' } });
    expect(await client.submit(['--parsable', 'x.sh'])).toBe('77');
    expect(calls[0]).toEqual(['sbatch', '--parsable', 'x.sh']);
    await expect(client.submit(['x.sh'])).rejects.toThrow('without --parsable');
  });
  it('surfaces sbatch errors and odd output', async () => {
    const bad = scripted({
      sbatch: { exitCode: 1, stdout: '', stderr: 'sbatch: error: invalid partition' },
    });
    await expect(bad.client.submit(['--parsable', 'x.sh'])).rejects.toThrow(SlurmCommandError);
    const odd = scripted({
      sbatch: { exitCode: 0, stdout: 'Submitted batch job 5\n', stderr: '' },
    });
    await expect(odd.client.submit(['--parsable', 'x.sh'])).rejects.toThrow(SlurmParseError);
  });
  it('merges squeue and sacct: the controller wins on live jobs', async () => {
    const { client, calls } = scripted({
      squeue: { exitCode: 0, stdout: fixture('squeue-mixed.txt'), stderr: '' },
      sacct: { exitCode: 0, stdout: fixture('sacct-ended.txt'), stderr: '' },
    });
    const jobs = await client.query(['6', '7', '8', '9', '10', '11', '12']);
    expect(calls.map((c) => c[0])).toEqual(['squeue', 'sacct']);
    expect(jobs.get('6')).toMatchObject({
      source: 'sacct',
      phase: 'succeeded',
      comment: 'critpath-run=r1',
      gpus: 2,
    });
    // The two disagree on 7 (recorded at different moments): the controller's answer is kept.
    expect(jobs.get('7')).toMatchObject({ source: 'squeue', phase: 'running' });
    expect(jobs.get('10')).toMatchObject({ source: 'sacct', reason: 'DependencyNeverSatisfied' });
  });
  it('falls back to scontrol when accounting is off', async () => {
    const lines = fixture('scontrol-show-job-mixed.txt').split('\n');
    const { client, calls } = scripted({
      squeue: {
        exitCode: 1,
        stdout: '',
        stderr: 'slurm_load_jobs error: Invalid job id specified',
      },
      sacct: {
        exitCode: 1,
        stdout: '',
        stderr: 'sacct: error: Slurm accounting storage is disabled',
      },
      scontrol: (args) => {
        const line = lines.find((l) => l.startsWith(`JobId=${args[args.length - 1]} `));
        return line === undefined
          ? { exitCode: 1, stdout: '', stderr: 'slurm_load_jobs error: Invalid job id specified' }
          : { exitCode: 0, stdout: `${line}\n`, stderr: '' };
      },
    });
    const jobs = await client.query(['3', '999']);
    expect(jobs.get('3')).toMatchObject({ source: 'scontrol', phase: 'succeeded', gpus: 4 });
    expect(jobs.has('999')).toBe(false);
    await client.query(['3']);
    expect(calls.filter((c) => c[0] === 'sacct')).toHaveLength(1); // remembered: accounting is off
  });
  it('treats already-ended jobs as cancelled without error', async () => {
    const { client } = scripted({
      scancel: {
        exitCode: 1,
        stdout: '',
        stderr:
          'scancel: error: Kill job error on job id 5: Job/step already completing or completed',
      },
    });
    await expect(client.cancel(['5'])).resolves.toBeUndefined();
    const bad = scripted({
      scancel: { exitCode: 1, stdout: '', stderr: 'scancel: error: Access/permission denied' },
    });
    await expect(bad.client.cancel(['5'])).rejects.toThrow('permission denied');
  });
  it('reports an absent Slurm', async () => {
    const { client } = scripted({});
    expect(await client.available()).toMatchObject({ ok: false });
  });
});
