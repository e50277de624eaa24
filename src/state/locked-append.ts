import { dirname } from 'node:path';
import { describeIoError, EnvironmentError } from '../result.js';
import { JournalWriter, NOTHING_RECORDED } from './journal.js';
import { refuseOthersState } from './journal-read.js';
import type { LockOwner } from './lockfile.js';
import { selfOwner, tryLock, unlock } from './lockfile.js';
import type { StatePaths } from './paths.js';
import type { JournalRecord, WithoutVersion } from './records.js';
import { makeStateFolders } from './state-owner.js';

/**
 * Appends records to a task file's journal outside a run (`reset`, hand-work records) while
 * holding the project's run lock, so no run starts from a journal being changed. `what` says
 * who holds the lock, for people reading it. A live run holding the lock is a value; a folder
 * or journal that cannot be written (read-only, full) is an EnvironmentError.
 */
export function appendUnderLock(
  paths: StatePaths,
  what: string,
  records: readonly WithoutVersion<JournalRecord>[],
): { readonly ok: true } | { readonly ok: false; readonly holder: LockOwner } {
  readyStateFolder(paths);
  const owner = selfOwner({ what });
  const locked = tryLock(paths.lock, owner);
  if (!locked.ok) return locked;
  try {
    const j = JournalWriter.open(paths.journal, NOTHING_RECORDED);
    try {
      for (const r of records) j.appendSync(r);
    } finally {
      j.close();
    }
  } finally {
    unlock(paths.lock, owner);
  }
  return { ok: true };
}

/**
 * Appends a record outside a run (a hand record) whether or not a run is live: under the
 * project's run lock where it is free, so that a torn last line (a crash's) may be cut first;
 * beside a live run that holds it, without touching the tail, which is then that run's record
 * being written (the kernel puts this append after it: O_APPEND). A folder or journal that
 * cannot be written is an EnvironmentError.
 */
export function appendBesideRun(
  paths: StatePaths,
  what: string,
  record: WithoutVersion<JournalRecord>,
): void {
  readyStateFolder(paths);
  const owner = selfOwner({ what });
  const locked = tryLock(paths.lock, owner);
  try {
    const j = JournalWriter.open(paths.journal, NOTHING_RECORDED, { repairTail: locked.ok });
    try {
      j.appendSync(record);
    } finally {
      j.close();
    }
  } finally {
    if (locked.ok) unlock(paths.lock, owner);
  }
}

/** The state folder, the user's own and made where missing, before its lock is taken. */
function readyStateFolder(paths: StatePaths): void {
  refuseOthersState(paths.dir);
  try {
    makeStateFolders(dirname(paths.lock));
  } catch (e) {
    throw new EnvironmentError(
      `cannot create the run state folder ${describeIoError(paths.dir, e)}`,
    );
  }
}
