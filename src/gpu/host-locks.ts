import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LockOwner } from '../state/lockfile.js';
import { ownerAlive, readLock, tryLock, unlock } from '../state/lockfile.js';
import type { Gpu } from './inventory.js';

/**
 * Host-wide GPU locks, one file per GPU, so two `critpath run`s on one host never share a GPU.
 * A lock whose holder died is stale and is reclaimed by the next run that wants the GPU.
 */

/** The host-wide lock directory: `$CRITPATH_GPU_LOCK_DIR`, else `<tmpdir>/critpath-gpu-locks`. */
export function gpuLockDir(): string {
  return process.env['CRITPATH_GPU_LOCK_DIR'] ?? join(tmpdir(), 'critpath-gpu-locks');
}

const fileName = (g: Gpu): string => `gpu-${g.uuid.replace(/[^A-Za-z0-9_-]/g, '_')}.lock`;

export class GpuHostLocks {
  readonly #dir: string;
  readonly #owner: LockOwner;
  readonly #byIndex: ReadonlyMap<number, Gpu>;

  constructor(gpus: readonly Gpu[], owner: LockOwner, dir = gpuLockDir()) {
    this.#dir = dir;
    this.#owner = owner;
    this.#byIndex = new Map(gpus.map((g) => [g.index, g]));
    mkdirSync(dir, { recursive: true, mode: 0o1777 });
  }

  #path(index: number): string {
    const g = this.#byIndex.get(index);
    if (g === undefined) throw new Error(`Internal error: unknown GPU ${index}`);
    return join(this.#dir, fileName(g));
  }

  /** Locks every GPU of `indices`, or none: returns the ones another live process holds. */
  lockAll(indices: readonly number[]): { ok: true } | { ok: false; heldElsewhere: number[] } {
    const taken: number[] = [];
    for (const i of indices) {
      const r = tryLock(this.#path(i), this.#owner);
      if (!r.ok) {
        for (const t of taken) unlock(this.#path(t), this.#owner);
        return { ok: false, heldElsewhere: [i] };
      }
      taken.push(i);
    }
    return { ok: true };
  }

  unlockAll(indices: readonly number[]): void {
    for (const i of indices) unlock(this.#path(i), this.#owner);
  }

  /** GPUs of this inventory that another live process holds now. */
  heldElsewhere(): number[] {
    let names: Set<string>;
    try {
      names = new Set(readdirSync(this.#dir));
    } catch {
      return [];
    }
    const out: number[] = [];
    for (const [i, g] of this.#byIndex) {
      if (!names.has(fileName(g))) continue;
      const o = readLock(join(this.#dir, fileName(g)))?.owner;
      if (o === undefined || !ownerAlive(o)) continue;
      if (o.pid === this.#owner.pid && o.start === this.#owner.start) continue;
      out.push(i);
    }
    return out;
  }
}
