import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';

/**
 * Lock files that a crashed holder cannot leave stuck. A lock is a file created with O_EXCL that
 * names its owner by pid, process start time and boot id; a lock whose owner is gone (dead pid,
 * reused pid, rebooted host) is stale and gets reclaimed.
 */

/** Who holds a lock. */
export interface LockOwner {
  readonly pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22); '' if unknown. */
  readonly start: string;
  /** /proc/sys/kernel/random/boot_id; '' if unknown. */
  readonly boot: string;
  readonly host: string;
  /** The run that holds it, if any. */
  readonly runId?: string;
  /** What the lock is for, for people reading the file. */
  readonly what?: string;
}

let bootIdCache: string | undefined;

/** This boot's id, or '' off Linux. */
export function bootId(): string {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootIdCache = '';
    }
  }
  return bootIdCache;
}

/** A process's start time from /proc, or '' when it cannot be read (dead, or not Linux). */
export function processStart(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? '';
  } catch {
    return '';
  }
}

/** The owner record for this process. */
export function selfOwner(extra: { runId?: string; what?: string } = {}): LockOwner {
  return {
    pid: process.pid,
    start: processStart(process.pid),
    boot: bootId(),
    host: hostname(),
    ...extra,
  };
}

/** Whether the owner process still exists (same boot, same pid, same start time). */
export function ownerAlive(o: LockOwner): boolean {
  if (o.host !== hostname()) return true; // cannot tell for another host: assume alive
  if (o.boot !== '' && bootId() !== '' && o.boot !== bootId()) return false;
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (o.start !== '') {
    const now = processStart(o.pid);
    if (now !== '' && now !== o.start) return false;
  }
  return true;
}

/** Reads a lock file's owner; undefined when there is no file or it is unreadable (torn). */
export function readLock(path: string): { owner: LockOwner | undefined; text: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return { owner: typeof o.pid === 'number' ? o : undefined, text };
  } catch {
    return { owner: undefined, text };
  }
}

export type LockResult = { readonly ok: true } | { readonly ok: false; readonly holder: LockOwner };

/**
 * Takes the lock at `path` for `owner`, reclaiming a stale one. Never waits. A lock file that
 * cannot be parsed counts as stale only once it is older than a moment (its writer may be mid-write).
 */
export function tryLock(path: string, owner: LockOwner): LockResult {
  const text = JSON.stringify(owner);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return { ok: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const seen = readLock(path);
    if (seen === undefined) continue; // released meanwhile
    if (seen.owner !== undefined && ownerAlive(seen.owner))
      return { ok: false, holder: seen.owner };
    if (seen.owner === undefined && attempt < 2) {
      // Maybe caught between create and write: look again shortly.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      continue;
    }
    reclaim(path, seen.text);
  }
  const last = readLock(path)?.owner;
  return {
    ok: false,
    holder: last ?? { pid: 0, start: '', boot: '', host: '', what: 'unreadable lock' },
  };
}

/**
 * Moves a stale lock aside. The rename is atomic, so of two reclaimers only one moves the stale
 * file; if what was moved is not the stale file seen (another process took the lock meanwhile),
 * it is put back.
 */
function reclaim(path: string, staleText: string): void {
  const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    /* gone: nothing to restore */
  }
  if (moved !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      /* someone locked meanwhile; their lock stands */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
}

/** Removes the lock if `owner` still holds it. */
export function unlock(path: string, owner: LockOwner): void {
  const seen = readLock(path);
  if (seen?.owner === undefined) return;
  if (
    seen.owner.pid !== owner.pid ||
    seen.owner.start !== owner.start ||
    seen.owner.boot !== owner.boot
  )
    return;
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}
