/**
 * Reading Slurm's view of the journal's open attempts, and writing what it says back into the
 * journal. Used by `run --backend slurm` (to resume), by `status` and by `cancel`.
 */
import { join } from 'node:path';
import type { JobInfo } from './parse.js';
import { isTerminal } from './parse.js';
import type { SlurmClient } from './client.js';
import { RUN_COMMENT_PREFIX, jobName, markedDurationMs, parseJobLog } from './sbatch.js';
import type { Attempt, RunState } from '../../state/reducer.js';
import type { JournalRecord, WithoutVersion } from '../../state/records.js';
import { recordDurationMs } from '../../state/record-bounds.js';
import { readLogEnd, tailLines } from '../../state/log-tail.js';

export const SLURM_BACKEND = 'slurm';

/** An attempt the journal leaves open (no outcome) that was submitted to Slurm. */
export interface OpenSlurmAttempt {
  readonly id: string;
  readonly attempt: Attempt;
}

/** Attempts on the Slurm backend that the journal has no outcome for (last attempt of each activity). */
export function openSlurmAttempts(state: RunState): OpenSlurmAttempt[] {
  const out: OpenSlurmAttempt[] = [];
  for (const a of state.activities.values()) {
    const last = a.attempts[a.attempts.length - 1];
    if (last !== undefined && last.backend === SLURM_BACKEND && last.outcome === 'running')
      out.push({ id: a.id, attempt: last });
  }
  return out;
}

/** What Slurm says about one open attempt. */
export type SlurmView =
  | {
      readonly kind: 'known';
      readonly jobId: string;
      readonly job: JobInfo;
      readonly adopted: boolean;
    }
  /** Neither the journal nor Slurm has a job for it (killed before sbatch answered, or purged). */
  | { readonly kind: 'lost'; readonly jobId: string | undefined };

/** Every job id the journal has recorded (for any attempt of any activity). */
export function journaledJobIds(state: RunState): Set<string> {
  const ids = new Set<string>();
  for (const a of state.activities.values())
    for (const at of a.attempts) if (at.externalId !== undefined) ids.add(at.externalId);
  return ids;
}

/**
 * Asks Slurm about each open attempt. An attempt without a journaled job id (the submitting
 * critpath died between its `started` record and sbatch's answer) is looked up by job name and
 * run tag (the job's comment) among this user's jobs the controller holds, pending, running or
 * recently ended, so it is adopted rather than submitted twice. Job ids already journaled for
 * other attempts are never adopted.
 */
export async function viewOpenAttempts(
  open: readonly OpenSlurmAttempt[],
  client: SlurmClient,
  projectName: string,
  journaled: ReadonlySet<string> = new Set(),
): Promise<Map<string, SlurmView>> {
  const views = new Map<string, SlurmView>();
  const withId = open.filter((o) => o.attempt.externalId !== undefined);
  const withoutId = open.filter((o) => o.attempt.externalId === undefined);
  const found = new Map<string, { job: JobInfo; adopted: boolean }>();
  if (withId.length > 0) {
    const jobs = await client.query(withId.map((o) => o.attempt.externalId!));
    for (const o of withId) {
      const j = jobs.get(o.attempt.externalId!);
      if (j !== undefined) found.set(o.id, { job: j, adopted: false });
    }
  }
  if (withoutId.length > 0) {
    const held = await client.squeueByName(withoutId.map((o) => jobName(projectName, o.id)));
    for (const o of withoutId) {
      const name = jobName(projectName, o.id);
      const tag = `${RUN_COMMENT_PREFIX}${o.attempt.runId}`;
      const candidates = held
        .filter((x) => x.name === name && x.comment === tag && !journaled.has(x.jobId))
        .sort((a, b) => Number(b.jobId) - Number(a.jobId));
      const pick = candidates[0];
      if (pick === undefined) continue;
      // squeue knows the state; sacct adds times and exit codes once the job ended.
      const full = isTerminal(pick.phase)
        ? ((await client.query([pick.jobId])).get(pick.jobId) ?? pick)
        : pick;
      found.set(o.id, { job: full, adopted: true });
    }
  }
  for (const o of open) {
    const f = found.get(o.id);
    if (f === undefined) views.set(o.id, { kind: 'lost', jobId: o.attempt.externalId });
    else views.set(o.id, { kind: 'known', jobId: f.job.jobId, job: f.job, adopted: f.adopted });
  }
  return views;
}

/**
 * How long an ended job ran: by the marks its batch script wrote at the end of its log (`end`,
 * read once for this and the failure's tail; to the millisecond), else by Slurm's start and end
 * (whole seconds), else 0.
 */
function jobDurationMs(job: JobInfo, end: string | undefined): number {
  const marked = end === undefined ? undefined : markedDurationMs(parseJobLog(end), job.jobId);
  if (marked !== undefined) return marked;
  return job.start !== undefined && job.end !== undefined ? Math.max(0, job.end - job.start) : 0;
}

/**
 * The journal record that closes an attempt Slurm reports as ended; undefined while it lives. A
 * failure carries the end of the job's log, found under `root` (the project root).
 */
export function outcomeRecord(
  id: string,
  attempt: Attempt,
  job: JobInfo,
  now: number,
  root: string,
): WithoutVersion<JournalRecord> | undefined {
  if (!isTerminal(job.phase)) return undefined;
  const base = { at: now, runId: attempt.runId, id, attempt: attempt.attempt };
  const end = readLogEnd(join(root, attempt.log));
  const durationMs = recordDurationMs(jobDurationMs(job, end));
  switch (job.phase) {
    case 'succeeded':
      return { t: 'finished', ...base, exitCode: 0, durationMs };
    case 'cancelled':
      return {
        t: 'interrupted',
        ...base,
        reason: 'signal',
        durationMs: job.start === undefined ? null : durationMs,
      };
    case 'timeout':
      return {
        t: 'failed',
        ...base,
        reason: 'timeout',
        exitCode: job.exitCode ?? null,
        signal: null,
        message: `Slurm ${job.state}${job.reason === undefined ? '' : ` (${job.reason})`}`,
        stderrTail: end === undefined ? [] : tailLines(end),
        durationMs,
        final: true,
      };
    default: {
      const bySignal = (job.signal ?? 0) > 0 && (job.exitCode ?? 0) === 0;
      return {
        t: 'failed',
        ...base,
        reason: bySignal ? 'signal' : 'exit-non-zero',
        exitCode: bySignal ? null : (job.exitCode ?? null),
        signal: bySignal ? `SIG${job.signal}` : null,
        message: `Slurm ${job.state}${job.reason === undefined ? '' : ` (${job.reason})`}`,
        stderrTail: end === undefined ? [] : tailLines(end),
        durationMs,
        final: true,
      };
    }
  }
}

/** One activity's Slurm state for `status`. */
export interface SlurmActivityStatus {
  readonly id: string;
  readonly jobId: string | undefined;
  /** `PENDING`, `RUNNING`, `COMPLETED`…, or `UNKNOWN` when Slurm has no record of the job. */
  readonly state: string;
  readonly reason: string | undefined;
  readonly job: JobInfo | undefined;
}

/** Slurm's view of every open Slurm attempt, for display. */
export function describeViews(views: ReadonlyMap<string, SlurmView>): SlurmActivityStatus[] {
  return [...views.entries()].map(([id, v]) =>
    v.kind === 'known'
      ? { id, jobId: v.jobId, state: v.job.state, reason: v.job.reason, job: v.job }
      : { id, jobId: v.jobId, state: 'UNKNOWN', reason: undefined, job: undefined },
  );
}
