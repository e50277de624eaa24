import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIoError, EnvironmentError } from '../result.js';
import type { LockOwner } from '../state/lockfile.js';
import { leftGroups, ownerAlive, readLock, relock, tryLock, unlock } from '../state/lockfile.js';
import type { Gpu } from './inventory.js';

/**
 * Host-wide GPU locks, one file per GPU, so two `critpath run`s on one host never share a GPU.
 * A lock is held while its critpath lives or any process group started under it does: a run
 * killed with -9 leaves its commands running, and their GPUs stay locked until they end.
 * The folder is shared by every user of the host, so it is a security boundary: see
 * `checkLockDir`.
 */

/**
 * The host-wide lock directory: `$CRITPATH_GPU_LOCK_DIR`, else (unset or empty, as the shell's
 * `VAR=` leaves it) `<tmpdir>/critpath-gpu-locks`.
 */
export function gpuLockDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['CRITPATH_GPU_LOCK_DIR'];
  return dir !== undefined && dir !== '' ? dir : join(tmpdir(), 'critpath-gpu-locks');
}

const fileName = (g: Gpu): string => `gpu-${g.uuid.replace(/[^A-Za-z0-9_-]/g, '_')}.lock`;

/**
 * Makes the lock folder if it is missing (sticky and world-writable, 1777, set with chmod since
 * the umask cuts mkdir's mode), and refuses one that is not a real folder owned by root or by
 * this user: whoever owns the folder can delete the locks in it.
 */
export function checkLockDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o1777 });
    chmodSync(dir, 0o1777);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new EnvironmentError(`cannot make the GPU lock folder ${describeIoError(dir, e)}`);
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory())
    throw new EnvironmentError(
      `the GPU lock folder ${dir} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; refusing it (set CRITPATH_GPU_LOCK_DIR to another)`,
    );
  const uid = process.getuid?.() ?? 0;
  if (st.uid !== 0 && st.uid !== uid)
    throw new EnvironmentError(
      `the GPU lock folder ${dir} belongs to another user (uid ${st.uid}), who could take GPUs from under this run; refusing it (remove it, or set CRITPATH_GPU_LOCK_DIR)`,
    );
}

export class GpuHostLocks {
  readonly #dir: string;
  readonly #owner: LockOwner;
  readonly #byIndex: ReadonlyMap<number, Gpu>;
  /** Process groups started on each GPU we hold. */
  readonly #groups = new Map<number, number[]>();

  constructor(gpus: readonly Gpu[], owner: LockOwner, dir = gpuLockDir()) {
    this.#dir = dir;
    this.#owner = owner;
    this.#byIndex = new Map(gpus.map((g) => [g.index, g]));
    checkLockDir(dir);
  }

  #path(index: number): string {
    const g = this.#byIndex.get(index);
    if (g === undefined) throw new Error(`Internal error: unknown GPU ${index}`);
    return join(this.#dir, fileName(g));
  }

  /** Locks every GPU of `indices`, or none: returns the ones another live process holds. */
  lockAll(indices: readonly number[]): { ok: true } | { ok: false; heldElsewhere: number[] } {
    const taken: number[] = [];
    const undo = (): void => {
      for (const t of taken) unlock(this.#path(t), this.#owner);
    };
    for (const i of indices) {
      let r: ReturnType<typeof tryLock>;
      try {
        r = tryLock(this.#path(i), this.#owner);
      } catch (e) {
        // The lock folder failed (removed, read-only, a FIFO in its place): hold none of them.
        undo();
        throw e;
      }
      if (!r.ok) {
        undo();
        return { ok: false, heldElsewhere: [i] };
      }
      taken.push(i);
    }
    return { ok: true };
  }

  /**
   * Records in the locks of `indices` the process group of the work started on them, so the
   * locks outlive this process as long as that work runs.
   */
  attach(indices: readonly number[], pgid: number): void {
    for (const i of indices) {
      const groups = [...(this.#groups.get(i) ?? []), pgid];
      this.#groups.set(i, groups);
      relock(this.#path(i), { ...this.#owner, pgids: groups });
    }
  }

  unlockAll(indices: readonly number[]): void {
    for (const i of indices) {
      this.#groups.delete(i);
      unlock(this.#path(i), this.#owner);
    }
  }

  /** GPUs of this inventory that another live holder has now, with who holds them. */
  holders(): Map<number, LockOwner> {
    let names: Set<string>;
    try {
      names = new Set(readdirSync(this.#dir));
    } catch {
      return new Map();
    }
    const out = new Map<number, LockOwner>();
    for (const [i, g] of this.#byIndex) {
      if (!names.has(fileName(g))) continue;
      const o = readLock(join(this.#dir, fileName(g)))?.owner;
      if (o === undefined || !ownerAlive(o)) continue;
      if (o.pid === this.#owner.pid && o.start === this.#owner.start) continue;
      out.set(i, o);
    }
    return out;
  }

  /** GPUs of this inventory that another live process holds now. */
  heldElsewhere(): number[] {
    return [...this.holders().keys()];
  }
}

/** "waiting for GPU n, held by pid P (project X)". */
export function describeWait(index: number, o: LockOwner): string {
  // A lock naming no host, or another, cannot be checked from here: it holds until removed.
  const where =
    o.host === hostname()
      ? ''
      : ` on ${typeof o.host === 'string' ? `host ${o.host}` : 'an unnamed host'}`;
  // A run that died leaves its commands, which hold the lock: name them, not the dead run.
  const left = leftGroups(o);
  const holder =
    left.length === 0
      ? `pid ${o.pid}`
      : `process group ${left.join(', ')}, left running by pid ${o.pid}, which has ended`;
  return `waiting for GPU ${index}, held by ${holder}${where} (project ${o.project ?? o.what ?? 'unknown'})`;
}
