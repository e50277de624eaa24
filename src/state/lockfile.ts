import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { openNoFollow } from './no-follow.js';
import { giveToSudoUser } from './state-owner.js';
import { describeIoError, EnvironmentError } from '../result.js';

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
  /** The task file whose run holds it (GPU locks), for "held by … (project X)". */
  readonly project?: string;
  /**
   * Process groups of the work started under the lock (GPU locks): the lock is held while any
   * of them lives, also after its critpath died (kill -9 leaves the commands running).
   */
  readonly pgids?: readonly number[];
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
  return procStat(pid)?.[19] ?? '';
}

/**
 * Fields 3 on of /proc/PID/stat (state at [0], process group at [2], start time at [19]);
 * undefined if unreadable (dead, or not Linux).
 */
export function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
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

/** Whether the owner still holds: its process lives, or a process of one of its groups does. */
export function ownerAlive(o: LockOwner): boolean {
  if (o.host !== hostname()) return true; // cannot tell for another host: assume alive
  if (o.boot !== '' && bootId() !== '' && o.boot !== bootId()) return false;
  return processAlive(o) || (o.pgids ?? []).some(groupAlive);
}

/**
 * The owner's process groups that still live after its own process ended (on this host): the
 * commands a dead run left, which hold its locks. Empty while the owner lives.
 */
export function leftGroups(o: LockOwner): number[] {
  if (o.host !== hostname() || processAlive(o)) return [];
  return (o.pgids ?? []).filter(groupAlive);
}

/** Whether any process of group `pgid` exists. */
function groupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the owner process itself exists (same pid, same start time). */
function processAlive(o: LockOwner): boolean {
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(o.pid);
  // A zombie has exited (killed, say), and only waits for its parent to collect it.
  if (stat?.[0] === 'Z') return false;
  if (o.start !== '') {
    const now = stat?.[19] ?? '';
    if (now !== '' && now !== o.start) return false;
  }
  return true;
}

/** Reads a lock file's owner; undefined when there is no file or it is unreadable (torn). */
export function readLock(path: string): { owner: LockOwner | undefined; text: string } | undefined {
  let text: string;
  let fd: number;
  try {
    const opened = openNoFollow(path, constants.O_RDONLY);
    if (opened === 'link') throw notRegular(path, 'a symbolic link');
    fd = opened;
  } catch (e) {
    if (e instanceof EnvironmentError) throw e;
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw notRegular(path, st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a folder' : 'not a file');
    text = readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof EnvironmentError) throw e;
    return undefined;
  } finally {
    closeSync(fd);
  }
  try {
    const o = JSON.parse(text) as LockOwner | null;
    return { owner: typeof o?.pid === 'number' ? o : undefined, text };
  } catch {
    return { owner: undefined, text };
  }
}

function notRegular(path: string, what: string): EnvironmentError {
  return new EnvironmentError(
    `${path} is ${what}, not a lock file: someone else made it; remove it if you trust this folder`,
  );
}

/** Creating a lock: never through a symlink, never blocking on a FIFO. */
const CREATE =
  constants.O_WRONLY |
  constants.O_CREAT |
  constants.O_EXCL |
  constants.O_NOFOLLOW |
  constants.O_NONBLOCK;

export type LockResult = { readonly ok: true } | { readonly ok: false; readonly holder: LockOwner };

/**
 * Takes the lock at `path` for `owner`, reclaiming a stale one. Never waits. A lock file that
 * cannot be parsed counts as stale only once it is older than a moment (its writer may be mid-write).
 */
export function tryLock(path: string, owner: LockOwner): LockResult {
  const text = JSON.stringify(owner);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, CREATE, 0o644);
      try {
        giveToSudoUser(fd, path);
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return { ok: true };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Any system call failure but EEXIST is the environment's (read-only, full, no access).
      if (code === undefined) throw e;
      if (code !== 'EEXIST')
        throw new EnvironmentError(`cannot create the lock ${describeIoError(path, e)}`);
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

/** Rewrites a lock `owner` holds with `owner` (new process groups): atomically, by rename. */
export function relock(path: string, owner: LockOwner): void {
  const seen = readLock(path);
  if (seen?.owner === undefined || !sameOwner(seen.owner, owner)) return;
  const tmp = `${path}.new-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fd = openSync(tmp, CREATE, 0o644);
  try {
    giveToSudoUser(fd, tmp);
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && a.start === b.start && a.boot === b.boot;
}

/** Removes the lock if `owner` still holds it. */
export function unlock(path: string, owner: LockOwner): void {
  if (!holdsLock(path, owner)) return;
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

/** Whether the lock at `path` is `owner`'s: false when it is gone or another's (or unreadable). */
export function holdsLock(path: string, owner: LockOwner): boolean {
  let seen: ReturnType<typeof readLock>;
  try {
    seen = readLock(path);
  } catch {
    return false;
  }
  return seen?.owner !== undefined && sameOwner(seen.owner, owner);
}
