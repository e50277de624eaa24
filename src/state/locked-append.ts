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
  refuseOthersState(paths.dir);
  try {
    makeStateFolders(dirname(paths.lock));
  } catch (e) {
    throw new EnvironmentError(
      `cannot create the run state folder ${describeIoError(paths.dir, e)}`,
    );
  }
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
