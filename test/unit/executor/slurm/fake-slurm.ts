import { readFileSync } from 'node:fs';
import type { CommandResult, CommandRunner } from '../../../../src/executor/slurm/client.js';

/** A job in the fake controller. */
export interface FakeJob {
  readonly id: string;
  readonly name: string;
  readonly comment: string;
  readonly deps: readonly string[];
  readonly args: readonly string[];
  readonly script: string;
  state: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMEOUT';
  reason: string;
  exit: string;
  start: string;
  end: string;
}

/**
 * An in-memory stand-in for slurmctld, driven through the same CommandRunner the client uses.
 * Time advances one step per squeue call: eligible pending jobs start, running ones end (FAILED
 * when their script contains `exit 3`). Accounting is off: sacct answers as such a cluster does,
 * so the client falls back to scontrol.
 */
export class FakeSlurm {
  readonly jobs = new Map<string, FakeJob>();
  readonly calls: string[][] = [];
  #next = 100;
  #clock = 0;
  /** Job ids sbatch fails for (by job-name suffix). */
  failSubmitFor = new Set<string>();

  readonly runner: CommandRunner = (file, args) => {
    this.calls.push([file, ...args]);
    return Promise.resolve(this.#handle(file, args));
  };

  submitted(): FakeJob[] {
    return [...this.jobs.values()];
  }

  #time(): string {
    const s = String(this.#clock % 60).padStart(2, '0');
    const m = String(Math.floor(this.#clock / 60)).padStart(2, '0');
    return `2026-01-01T00:${m}:${s}`;
  }

  step(): void {
    this.#clock += 1;
    for (const j of this.jobs.values()) {
      if (j.state === 'RUNNING') {
        j.state = j.script.includes('exit 3') ? 'FAILED' : 'COMPLETED';
        j.exit = j.state === 'FAILED' ? '3:0' : '0:0';
        j.reason = j.state === 'FAILED' ? 'NonZeroExitCode' : 'None';
        j.end = this.#time();
      }
    }
    for (const j of this.jobs.values()) {
      if (j.state !== 'PENDING') continue;
      const deps = j.deps.map((d) => this.jobs.get(d)!);
      if (
        deps.some((d) => d.state === 'FAILED' || d.state === 'CANCELLED' || d.state === 'TIMEOUT')
      ) {
        j.state = 'CANCELLED';
        j.reason = 'DependencyNeverSatisfied';
        j.end = this.#time();
      } else if (deps.every((d) => d.state === 'COMPLETED')) {
        j.state = 'RUNNING';
        j.reason = 'None';
        j.start = this.#time();
      }
    }
  }

  #handle(file: string, args: readonly string[]): CommandResult {
    const ok = (stdout: string): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
    const opt = (name: string): string | undefined =>
      args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    switch (file) {
      case 'sinfo':
        return ok('gpu\n');
      case 'sbatch': {
        const name = opt('job-name') ?? 'x';
        if ([...this.failSubmitFor].some((s) => name.endsWith(`:${s}`))) {
          return {
            exitCode: 1,
            stdout: '',
            stderr: 'sbatch: error: Batch job submission failed: Invalid partition name specified',
          };
        }
        const dep = opt('dependency');
        const id = String(this.#next++);
        const scriptPath = args[args.length - 1]!;
        this.jobs.set(id, {
          id,
          name,
          comment: opt('comment') ?? '',
          deps: dep === undefined ? [] : dep.replace(/^afterok:/, '').split(':'),
          args,
          script: readFileSync(scriptPath, 'utf8'),
          state: 'PENDING',
          reason: dep === undefined ? 'None' : 'Dependency',
          exit: '0:0',
          start: 'Unknown',
          end: 'Unknown',
        });
        return ok(`${id}\n`);
      }
      case 'squeue': {
        this.step();
        const ids = opt('jobs')?.split(',');
        const names = opt('name')?.split(',');
        const rows = [...this.jobs.values()].filter((j) =>
          ids !== undefined
            ? ids.includes(j.id)
            : names !== undefined
              ? names.includes(j.name) &&
                (args.includes('--states=all') || j.state === 'PENDING' || j.state === 'RUNNING')
              : true,
        );
        if (ids !== undefined && ids.length === 1 && rows.length === 0) {
          return {
            exitCode: 1,
            stdout: '',
            stderr: 'slurm_load_jobs error: Invalid job id specified',
          };
        }
        return ok(
          rows
            .map((j) => `${j.id}|${j.state}|${j.reason}|${j.comment || '(null)'}|${j.name}\n`)
            .join(''),
        );
      }
      case 'sacct':
        return {
          exitCode: 1,
          stdout: '',
          stderr: 'sacct: error: Slurm accounting storage is disabled',
        };
      case 'scontrol': {
        const j = this.jobs.get(args[args.length - 1]!);
        if (j === undefined)
          return {
            exitCode: 1,
            stdout: '',
            stderr: 'slurm_load_jobs error: Invalid job id specified',
          };
        return ok(
          `JobId=${j.id} JobName=${j.name} UserId=root(0) JobState=${j.state} Reason=${j.reason} Dependency=(null) ExitCode=${j.exit} ` +
            `StartTime=${j.start} EndTime=${j.end} Partition=gpu TRES=cpu=1,node=1 Comment=${j.comment}  StdOut=/dev/null Power= \n`,
        );
      }
      case 'scancel':
        for (const id of args) {
          const j = this.jobs.get(id);
          if (j !== undefined && (j.state === 'PENDING' || j.state === 'RUNNING')) {
            j.state = 'CANCELLED';
            j.reason = 'None';
            j.end = this.#time();
          }
        }
        return ok('');
      default:
        return { exitCode: 127, stdout: '', stderr: `${file}: not found` };
    }
  }
}
