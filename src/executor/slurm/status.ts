/**
 * What `status` shows of the Slurm backend: the journal's open Slurm attempts, as Slurm sees them.
 */
import type { Project } from '../../model/project.js';
import type { StatePaths } from '../../state/paths.js';
import type { SlurmClient } from './client.js';
import type { SlurmStatusResult } from './commands.js';
import { hasOpenSlurmAttempts, slurmStatus } from './commands.js';
import { isTerminal } from './parse.js';
import type { SlurmActivityStatus } from './reconcile.js';

/** One line per open Slurm job: `pair-a  job 14  RUNNING` (with the reason a pending job waits). */
export function formatSlurmStatus(jobs: readonly SlurmActivityStatus[]): string[] {
  const w = Math.max(0, ...jobs.map((j) => j.id.length));
  return jobs.map((j) => {
    const reason = j.reason !== undefined && j.state === 'PENDING' ? ` (${j.reason})` : '';
    return `${j.id.padEnd(w)}  job ${j.jobId ?? '?'}  ${j.state}${reason}`;
  });
}

/** What `status` shows of Slurm: the jobs still pending or running, by activity id. */
export interface SlurmStatusSection {
  /** Activity id → Slurm's view, for jobs not ended (ended ones are now in the journal). */
  readonly live: ReadonlyMap<string, SlurmActivityStatus>;
  /** Lines to print under the status table; empty when nothing is live. */
  readonly lines: readonly string[];
}

/**
 * For `status`: asks Slurm (squeue, sacct) about the journal's open Slurm attempts, journals the
 * jobs that ended (unless a live run holds the lock and does it), and returns the live ones.
 * Call it before reading the run state: an activity in `live` is pending or running in Slurm
 * even though its submitting critpath is gone (show Slurm's state, not "interrupted").
 * Asks nothing of Slurm when the journal has no open Slurm attempt, so local-only projects never
 * run a Slurm command.
 */
export async function slurmStatusSection(
  paths: StatePaths,
  project: Project,
  client?: SlurmClient,
): Promise<SlurmStatusSection> {
  if (!hasOpenSlurmAttempts(paths)) return { live: new Map(), lines: [] };
  let s: SlurmStatusResult;
  try {
    s = await slurmStatus(paths, project.name, client === undefined ? {} : { client });
  } catch (e) {
    // status still shows the journal when Slurm cannot be asked (a laptop, a controller down).
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return {
      live: new Map(),
      lines: [`Slurm jobs: cannot ask Slurm (${why}); showing the journal only`],
    };
  }
  const live = s.jobs.filter((j) => j.job !== undefined && !isTerminal(j.job.phase));
  const lost = s.jobs.filter((j) => j.job === undefined);
  const lines =
    live.length === 0 ? [] : ['Slurm jobs:', ...formatSlurmStatus(live).map((l) => `  ${l}`)];
  for (const j of lost) {
    lines.push(
      `note: Slurm has no record of ${j.jobId === undefined ? 'a job' : `job ${j.jobId}`} for ${j.id}; the next run submits it again`,
    );
  }
  return { live: new Map(live.map((j) => [j.id, j])), lines };
}
