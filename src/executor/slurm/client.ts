/**
 * The Slurm commands critpath runs, through execa: sbatch, squeue, sacct, scontrol, scancel.
 * Output goes through the strict parsers in parse.ts. The command runner is injectable so the
 * logic can be tested against recorded output without a cluster.
 */
import { execa } from 'execa';
import type { JobInfo } from './parse.js';
import {
  SACCT_FIELDS,
  SQUEUE_FORMAT,
  SlurmParseError,
  parseSacct,
  parseSbatchParsable,
  parseScontrolShowJob,
  parseSqueue,
} from './parse.js';

/** What running one command gave. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file args…` without a shell; never throws for a non-zero exit (the caller decides). */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  opts?: { timeoutMs?: number },
) => Promise<CommandResult>;

/** A Slurm command failed or could not be run. */
export class SlurmCommandError extends Error {
  readonly command: string;
  readonly result: CommandResult | undefined;
  constructor(command: string, result: CommandResult | undefined, message: string) {
    super(message);
    this.name = 'SlurmCommandError';
    this.command = command;
    this.result = result;
  }
}

/** The default runner: execa, no shell, output kept whole, a time limit per command. */
export const execaRunner: CommandRunner = async (file, args, opts) => {
  const r = await execa(file, [...args], {
    reject: false,
    stdin: 'ignore',
    timeout: opts?.timeoutMs ?? 60_000,
    stripFinalNewline: false,
    env: { LC_ALL: 'C' },
  });
  if (r.failed && r.exitCode === undefined) {
    const why = r.timedOut
      ? `timed out after ${opts?.timeoutMs ?? 60_000} ms`
      : (r.originalMessage ?? r.shortMessage);
    throw new SlurmCommandError(file, undefined, `${file}: ${why}`);
  }
  return { exitCode: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr };
};

function describe(file: string, r: CommandResult): string {
  const err = r.stderr.trim() || r.stdout.trim();
  return `${file} exited with ${r.exitCode}${err === '' ? '' : `: ${err.split('\n').slice(-3).join(' / ')}`}`;
}

/** At most this many job ids per squeue/sacct call (keeps argv short on big graphs). */
const CHUNK = 200;

function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

export interface SlurmClientOptions {
  readonly runner?: CommandRunner;
  /** Per-command time limit. */
  readonly timeoutMs?: number;
}

export class SlurmClient {
  readonly #run: CommandRunner;
  readonly #timeoutMs: number;
  /** Set once sacct answered that accounting is off; later queries skip it. */
  #sacctDisabled = false;

  constructor(opts: SlurmClientOptions = {}) {
    this.#run = opts.runner ?? execaRunner;
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
  }

  async #exec(file: string, args: readonly string[]): Promise<CommandResult> {
    try {
      return await this.#run(file, args, { timeoutMs: this.#timeoutMs });
    } catch (e) {
      if (e instanceof SlurmCommandError) throw e;
      throw new SlurmCommandError(
        file,
        undefined,
        `${file}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /** Whether the Slurm client commands are installed and a controller answers. */
  async available(): Promise<{ ok: true } | { ok: false; why: string }> {
    try {
      const r = await this.#exec('sinfo', ['--noheader', '--format=%P']);
      if (r.exitCode !== 0) return { ok: false, why: describe('sinfo', r) };
      return { ok: true };
    } catch (e) {
      return { ok: false, why: e instanceof Error ? e.message : String(e) };
    }
  }

  /** `sbatch --parsable ARGS` → the job id. */
  async submit(args: readonly string[]): Promise<string> {
    if (!args.includes('--parsable')) throw new Error('Internal error: sbatch without --parsable');
    const r = await this.#exec('sbatch', args);
    if (r.exitCode !== 0) throw new SlurmCommandError('sbatch', r, describe('sbatch', r));
    return parseSbatchParsable(r.stdout).jobId;
  }

  /** Jobs the controller still holds (pending, running, and recently ended ones), by id. */
  async squeue(jobIds: readonly string[]): Promise<JobInfo[]> {
    const out: JobInfo[] = [];
    for (const ids of chunks(jobIds)) {
      const r = await this.#exec('squeue', [
        '--noheader',
        '--states=all',
        `--format=${SQUEUE_FORMAT}`,
        `--jobs=${ids.join(',')}`,
      ]);
      if (r.exitCode !== 0) {
        // One unknown id alone makes squeue fail; with others it is silently left out.
        if (/Invalid job id/i.test(r.stderr)) continue;
        throw new SlurmCommandError('squeue', r, describe('squeue', r));
      }
      out.push(...parseSqueue(r.stdout));
    }
    return out;
  }

  /**
   * This user's jobs with the given names that the controller still holds (pending, running, or
   * ended less than MinJobAge ago): to find a job submitted but not journaled.
   */
  async squeueByName(names: readonly string[]): Promise<JobInfo[]> {
    if (names.length === 0) return [];
    const out: JobInfo[] = [];
    for (const ns of chunks(names)) {
      const r = await this.#exec('squeue', [
        '--noheader',
        '--me',
        '--states=all',
        `--format=${SQUEUE_FORMAT}`,
        `--name=${ns.join(',')}`,
      ]);
      if (r.exitCode !== 0) throw new SlurmCommandError('squeue', r, describe('squeue', r));
      out.push(...parseSqueue(r.stdout));
    }
    return out;
  }

  /** Accounting records by id; undefined when accounting is off on this cluster. */
  async sacct(jobIds: readonly string[]): Promise<JobInfo[] | undefined> {
    if (this.#sacctDisabled) return undefined;
    const out: JobInfo[] = [];
    for (const ids of chunks(jobIds)) {
      const r = await this.#exec('sacct', [
        '--parsable2',
        '--noheader',
        '--allocations',
        `--format=${SACCT_FIELDS.join(',')}`,
        `--jobs=${ids.join(',')}`,
      ]);
      if (r.exitCode !== 0) {
        if (/accounting storage is disabled|slurmdbd|Connection refused/i.test(r.stderr)) {
          this.#sacctDisabled = true;
          return undefined;
        }
        throw new SlurmCommandError('sacct', r, describe('sacct', r));
      }
      out.push(...parseSacct(r.stdout));
    }
    return out;
  }

  /** `scontrol show job --details --oneliner ID` for each id; ids the controller forgot are left out. */
  async scontrol(jobIds: readonly string[]): Promise<JobInfo[]> {
    const out: JobInfo[] = [];
    for (const id of jobIds) {
      const r = await this.#exec('scontrol', ['show', 'job', '--details', '--oneliner', id]);
      if (r.exitCode !== 0) {
        if (/Invalid job id/i.test(r.stderr)) continue;
        throw new SlurmCommandError('scontrol', r, describe('scontrol', r));
      }
      out.push(...parseScontrolShowJob(r.stdout));
    }
    return out;
  }

  /**
   * The state of each job: squeue for what the controller holds, sacct for what it no longer does
   * (and to fill in times and exit codes), scontrol when accounting is off. Ids nobody knows are
   * absent from the map.
   */
  async query(jobIds: readonly string[]): Promise<Map<string, JobInfo>> {
    const res = new Map<string, JobInfo>();
    if (jobIds.length === 0) return res;
    for (const j of await this.squeue(jobIds)) res.set(j.jobId, j);
    const acct = await this.sacct(jobIds);
    if (acct !== undefined) {
      for (const j of acct) {
        const live = res.get(j.jobId);
        // The controller is the authority on live jobs; accounting lags it by a moment.
        if (live === undefined) res.set(j.jobId, j);
        else if (live.phase === j.phase)
          res.set(j.jobId, { ...j, comment: live.comment, reason: live.reason });
      }
    } else {
      const ended = jobIds.filter((id) => {
        const j = res.get(id);
        return j === undefined || (j.phase !== 'pending' && j.phase !== 'running');
      });
      for (const j of await this.scontrol(ended)) res.set(j.jobId, j);
    }
    return res;
  }

  /** `scancel ID…`; ids already gone are not an error. */
  async cancel(jobIds: readonly string[]): Promise<void> {
    for (const ids of chunks(jobIds)) {
      if (ids.length === 0) continue;
      const r = await this.#exec('scancel', [...ids]);
      if (r.exitCode !== 0 && !/Invalid job id|already completing or completed/i.test(r.stderr)) {
        throw new SlurmCommandError('scancel', r, describe('scancel', r));
      }
    }
  }
}

export { SlurmParseError };
