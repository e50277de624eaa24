/**
 * `status` and `cancel` for the Slurm backend: both read the journal's open Slurm attempts, ask
 * Slurm about them (squeue, then sacct, or scontrol when accounting is off), and, when no live run
 * holds the project lock, write what Slurm says back into the journal so that re-planning sees
 * the actual durations.
 */
import type { StatePaths } from '../../state/paths.js';
import { readJournal } from '../../state/journal.js';
import { JournalWriter, NOTHING_RECORDED } from '../../state/journal.js';
import { selfOwner, tryLock, unlock } from '../../state/lockfile.js';
import { replay } from '../../state/reducer.js';
import type { JournalRecord, WithoutVersion } from '../../state/records.js';
import { SlurmClient } from './client.js';
import { isTerminal } from './parse.js';
import type { SlurmActivityStatus, SlurmView } from './reconcile.js';
import {
  SLURM_BACKEND,
  describeViews,
  openSlurmAttempts,
  outcomeRecord,
  viewOpenAttempts,
  journaledJobIds,
} from './reconcile.js';

export interface SlurmStatusResult {
  /** Slurm's view of every attempt the journal leaves open. */
  readonly jobs: SlurmActivityStatus[];
  /** Whether the journal was brought up to date (false: a live run holds the lock and does it). */
  readonly journalUpdated: boolean;
}

/** Whether the journal has Slurm attempts without an outcome (only then is Slurm asked). */
export function hasOpenSlurmAttempts(paths: StatePaths): boolean {
  return openSlurmAttempts(replay(readJournal(paths.journal).records)).length > 0;
}

async function withJournalIfFree<T>(
  paths: StatePaths,
  f: (write: (r: WithoutVersion<JournalRecord>) => Promise<void>) => Promise<T>,
): Promise<T | undefined> {
  const owner = selfOwner({ what: 'critpath status/cancel (slurm)' });
  if (!tryLock(paths.lock, owner).ok) return undefined;
  let journal: JournalWriter;
  try {
    journal = JournalWriter.open(paths.journal, NOTHING_RECORDED);
  } catch (e) {
    unlock(paths.lock, owner);
    throw e;
  }
  try {
    return await f((r) => journal.append(r));
  } finally {
    await journal.flush();
    journal.close();
    unlock(paths.lock, owner);
  }
}

/**
 * Asks Slurm for the state of the journal's open Slurm jobs. With `update` (the default), jobs
 * that ended are journaled as finished/failed/interrupted, unless a live run holds the lock.
 */
export async function slurmStatus(
  paths: StatePaths,
  projectName: string,
  opts: { client?: SlurmClient; update?: boolean } = {},
): Promise<SlurmStatusResult> {
  const client = opts.client ?? new SlurmClient();
  const state = replay(readJournal(paths.journal).records);
  const open = openSlurmAttempts(state);
  if (open.length === 0) return { jobs: [], journalUpdated: false };
  const views = await viewOpenAttempts(open, client, projectName, journaledJobIds(state));
  let journalUpdated = false;
  if (opts.update ?? true) {
    const r = await withJournalIfFree(paths, async (write) => {
      // Read again under the lock: a run may have ended between our read and the lock.
      const fresh = new Map(
        openSlurmAttempts(replay(readJournal(paths.journal).records)).map((o) => [o.id, o]),
      );
      for (const [id, v] of views) {
        const o = fresh.get(id);
        if (o === undefined || v.kind !== 'known') continue;
        if (v.adopted && o.attempt.externalId === undefined) {
          await write({
            t: 'external-id',
            at: Date.now(),
            runId: o.attempt.runId,
            id,
            attempt: o.attempt.attempt,
            backend: SLURM_BACKEND,
            externalId: v.jobId,
          });
        }
        const rec = outcomeRecord(id, o.attempt, v.job, Date.now(), paths.root);
        if (rec !== undefined) await write(rec);
      }
      return true;
    });
    journalUpdated = r === true;
  }
  return { jobs: describeViews(views), journalUpdated };
}

export interface SlurmCancelResult {
  /** Activity id and job id of every job scancel was run on. */
  readonly cancelled: { readonly id: string; readonly jobId: string }[];
  readonly journalUpdated: boolean;
}

/** `critpath cancel`: scancel every pending or running job of the project's open Slurm attempts. */
export async function cancelSlurm(
  paths: StatePaths,
  projectName: string,
  opts: { client?: SlurmClient } = {},
): Promise<SlurmCancelResult> {
  const client = opts.client ?? new SlurmClient();
  const state = replay(readJournal(paths.journal).records);
  const open = openSlurmAttempts(state);
  if (open.length === 0) return { cancelled: [], journalUpdated: false };
  const views = await viewOpenAttempts(open, client, projectName, journaledJobIds(state));
  const liveViews = [...views.entries()].filter(
    (e): e is [string, Extract<SlurmView, { kind: 'known' }>] =>
      e[1].kind === 'known' && !isTerminal(e[1].job.phase),
  );
  const cancelled = liveViews.map(([id, v]) => ({ id, jobId: v.jobId }));
  await client.cancel(cancelled.map((c) => c.jobId));
  const r = await withJournalIfFree(paths, async (write) => {
    const fresh = new Map(
      openSlurmAttempts(replay(readJournal(paths.journal).records)).map((o) => [o.id, o]),
    );
    for (const c of cancelled) {
      const o = fresh.get(c.id);
      if (o === undefined) continue;
      if (o.attempt.externalId === undefined) {
        await write({
          t: 'external-id',
          at: Date.now(),
          runId: o.attempt.runId,
          id: c.id,
          attempt: o.attempt.attempt,
          backend: SLURM_BACKEND,
          externalId: c.jobId,
        });
      }
      await write({
        t: 'interrupted',
        at: Date.now(),
        runId: o.attempt.runId,
        id: c.id,
        attempt: o.attempt.attempt,
        reason: 'signal',
        durationMs: null,
      });
    }
    return true;
  });
  return { cancelled, journalUpdated: r === true };
}
