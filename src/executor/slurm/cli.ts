/**
 * The CLI side of the Slurm backend: what `run --backend slurm`, `status` and `cancel` call. The
 * verbs in src/cli/commands/ stay thin: they delegate here and set the exit code returned
 * (0 ok, 1 the work failed, 2 usage: the CLI's EXIT codes).
 */
import type { Output } from '../../reporters/terminal.js';
import type { Hardware, Project } from '../../model/project.js';
import type { StatePaths } from '../../state/paths.js';
import type { RunEvent } from '../events.js';
import { SlurmClient } from './client.js';
import type { SlurmCancelResult, SlurmStatusResult } from './commands.js';
import { cancelSlurm, hasOpenSlurmAttempts, slurmStatus } from './commands.js';
import { isTerminal } from './parse.js';
import type { SlurmActivityStatus } from './reconcile.js';
import type { PartitionMap } from './sbatch.js';
import { RunLockedError, runSlurm } from './run.js';

/** The CLI's exit codes (src/cli/context.ts EXIT; nothing outside src/cli imports it). */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const HARDWARE: readonly Hardware[] = ['gpu', 'macbook'];

/** `gpu=NAME,macbook=NAME` (either may be left out) → partition per hardware kind. */
export function parsePartitionMap(
  text: string | undefined,
): { ok: true; value: PartitionMap } | { ok: false; error: string } {
  const map: Partial<Record<Hardware, string>> = {};
  if (text === undefined || text.trim() === '') return { ok: true, value: map };
  for (const item of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*([A-Za-z0-9_.-]+)\s*$/.exec(item);
    if (m === null)
      return { ok: false, error: `--partition: expected KIND=NAME, got ${JSON.stringify(item)}` };
    const kind = m[1] as Hardware;
    if (!HARDWARE.includes(kind))
      return {
        ok: false,
        error: `--partition: unknown hardware ${JSON.stringify(m[1])} (expected gpu or macbook)`,
      };
    if (map[kind] !== undefined) return { ok: false, error: `--partition: ${kind} given twice` };
    map[kind] = m[2]!;
  }
  return { ok: true, value: map };
}

export interface SlurmRunCliOptions {
  readonly partition?: string;
  /** Default true: wait for the jobs; false: submit and return. */
  readonly follow?: boolean;
  /** `run FILE ID…`: these activities and what they still need. */
  readonly targets?: readonly string[];
  readonly only?: Hardware;
  readonly force?: readonly string[];
  /** Renders run events; plain lines when undefined. */
  readonly onEvent?: (e: RunEvent) => void;
  readonly pollMs?: number;
  readonly client?: SlurmClient;
}

/** Plain one-line rendering of run events (used when no other reporter is given). */
export function plainEventLine(e: RunEvent): string | undefined {
  switch (e.type) {
    case 'run-start':
      return `run ${e.runId} (slurm): ${e.toRun} to run, ${e.alreadyDone} already done`;
    case 'warning':
      return `warning: ${e.message}`;
    case 'resumed':
      return `resumed: ${e.interrupted.join(', ')} will be submitted again`;
    case 'activity-done':
      return `done      ${e.id} (${Math.round(e.durationMs / 1000)} s)`;
    case 'activity-failed': {
      const f = e.failure;
      const why =
        f.reason === 'exit-non-zero'
          ? `exit ${f.exitCode}`
          : f.reason === 'signal'
            ? f.signal
            : f.reason === 'timeout'
              ? `timed out after ${f.seconds} s`
              : f.message;
      return `failed    ${e.id}: ${why}; see ${e.log}`;
    }
    case 'activity-retry':
      return `retry     ${e.id} (attempt ${e.attempt})`;
    case 'activity-interrupted':
      return `cancelled ${e.id}`;
    case 'activity-blocked':
      return `blocked   ${e.id}: ${e.text}`;
    case 'run-end':
      return `run ${e.runId} ended: ${e.outcome}`;
    default:
      return undefined;
  }
}

/**
 * `critpath run FILE --backend slurm`; returns the exit code: 0 ok (or submitted, without
 * following), 1 failed or blocked, 2 usage, 130/143 stopped by SIGINT/SIGTERM (jobs cancelled).
 */
export async function slurmRunCommand(
  out: Output,
  project: Project,
  paths: StatePaths,
  opts: SlurmRunCliOptions = {},
): Promise<number> {
  const partitions = parsePartitionMap(opts.partition);
  if (!partitions.ok) {
    out.err(`critpath: ${partitions.error}`);
    return EXIT.usage;
  }
  const client = opts.client ?? new SlurmClient();
  const avail = await client.available();
  if (!avail.ok) {
    out.err(`critpath: Slurm is not available here (${avail.why}); is this a cluster login node?`);
    return EXIT.failed;
  }
  const follow = opts.follow ?? true;
  const ac = new AbortController();
  let firstSignal: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (ac.signal.aborted) return;
    firstSignal = sig;
    out.err(`critpath: ${sig}: cancelling this run's Slurm jobs (scancel)…`);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const render =
    opts.onEvent ??
    ((e: RunEvent) => {
      const line = plainEventLine(e);
      if (line !== undefined) (e.type === 'warning' ? out.err : out.out)(line);
    });
  try {
    const res = await runSlurm({
      project,
      paths,
      partitions: partitions.value,
      follow,
      client,
      signal: ac.signal,
      ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
      ...(opts.targets === undefined ? {} : { targets: opts.targets }),
      ...(opts.only === undefined ? {} : { only: opts.only }),
      ...(opts.force === undefined ? {} : { force: opts.force }),
      onEvent: render,
      onSubmit: (id, jobId, how) =>
        out.out(`${how === 'adopted' ? 'following' : 'submitted'} ${id} as Slurm job ${jobId}`),
    });
    if (res.outcome === 'submitted') {
      out.out(
        `submitted ${res.submitted.size} job(s), ${res.adopted.size} already in Slurm; follow with: critpath status`,
      );
    }
    if (res.outcome === 'interrupted' && firstSignal !== undefined)
      return firstSignal === 'SIGTERM' ? 143 : 130;
    return res.outcome === 'ok' || res.outcome === 'submitted' ? EXIT.ok : EXIT.failed;
  } catch (e) {
    if (e instanceof RunLockedError) {
      out.err(`critpath: ${e.message}`);
      return EXIT.failed;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

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

/** `critpath cancel FILE`: scancel every pending or running Slurm job of the project. */
export async function slurmCancelCommand(
  out: Output,
  project: Project,
  paths: StatePaths,
  client?: SlurmClient,
): Promise<number> {
  let r: SlurmCancelResult;
  try {
    r = await cancelSlurm(paths, project.name, client === undefined ? {} : { client });
  } catch (e) {
    out.err(
      `critpath: cannot cancel the Slurm jobs: ${e instanceof Error ? e.message : String(e)}`,
    );
    return EXIT.failed;
  }
  if (r.cancelled.length === 0) out.out('no pending or running Slurm jobs');
  for (const c of r.cancelled) out.out(`cancelled ${c.id} (Slurm job ${c.jobId})`);
  return EXIT.ok;
}
