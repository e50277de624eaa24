import type { GpuDemand } from '../model/project.js';
import type { Topology } from './topology.js';

/**
 * The GPU pool of one run, as a pure state machine: who holds which GPU, which GPUs another
 * process holds, and whether an all-GPU task is draining the pool. No IO; the executor turns
 * grants into lock files and environment variables.
 */

/** Why a request was not granted now. */
export type Refusal =
  /** More GPUs than the host has: the request can never be granted on this host. */
  | { readonly reason: 'over-capacity'; readonly need: number; readonly have: number }
  /** An all-GPU task is waiting for the pool to empty; no new GPU work starts meanwhile. */
  | { readonly reason: 'draining'; readonly drainer: string }
  /** Not enough free GPUs right now. */
  | { readonly reason: 'busy'; readonly need: number; readonly free: number };

export type Grant =
  | { readonly ok: true; readonly gpus: readonly number[] }
  | { readonly ok: false; readonly refusal: Refusal };

/** Above this many candidate sets, sets are grown greedily instead of enumerated. */
const MAX_ENUMERATION = 4096;

export class GpuAllocator {
  readonly #all: readonly number[];
  readonly #topology: Topology;
  /** GPU index → holder within this run. */
  readonly #holder = new Map<number, string>();
  /** Holder → its GPUs. */
  readonly #held = new Map<string, readonly number[]>();
  /** GPUs another process holds (cross-process locks); never granted. */
  #foreign = new Set<number>();
  /** The all-GPU request that is draining the pool, if any. */
  #drainer: string | undefined;

  constructor(gpus: readonly number[], topology: Topology) {
    this.#all = [...new Set(gpus)].sort((a, b) => a - b);
    this.#topology = topology;
  }

  /** Every GPU of the pool, ascending. */
  get all(): readonly number[] {
    return this.#all;
  }

  /** GPUs neither held in this run nor by another process, ascending. */
  get free(): number[] {
    return this.#all.filter((g) => !this.#holder.has(g) && !this.#foreign.has(g));
  }

  get drainer(): string | undefined {
    return this.#drainer;
  }

  /** The GPUs `holder` holds (empty when none). */
  heldBy(holder: string): readonly number[] {
    return this.#held.get(holder) ?? [];
  }

  /** Every current holder and its GPUs. */
  holders(): ReadonlyMap<string, readonly number[]> {
    return this.#held;
  }

  /** Replaces the set of GPUs that other processes hold. */
  setForeign(gpus: Iterable<number>): void {
    this.#foreign = new Set(gpus);
  }

  /** How many GPUs `demand` means on this pool. */
  size(demand: GpuDemand): number {
    return demand === 'all' ? this.#all.length : demand;
  }

  /**
   * Asks for GPUs. `all` registers a drain when the pool is not empty: later k-GPU requests are
   * refused until the drainer is granted or withdraws. A holder asks at most once at a time.
   */
  acquire(holder: string, demand: GpuDemand): Grant {
    if (this.#held.has(holder)) throw new Error(`Internal error: ${holder} already holds GPUs`);
    const need = this.size(demand);
    if (need === 0) return { ok: true, gpus: [] };
    if (need > this.#all.length)
      return { ok: false, refusal: { reason: 'over-capacity', need, have: this.#all.length } };
    if (this.#drainer !== undefined && this.#drainer !== holder) {
      return { ok: false, refusal: { reason: 'draining', drainer: this.#drainer } };
    }
    const free = this.free;
    if (demand === 'all') {
      if (free.length < this.#all.length) {
        this.#drainer = holder;
        return { ok: false, refusal: { reason: 'busy', need, free: free.length } };
      }
      this.#drainer = undefined;
      return this.#grant(holder, free);
    }
    if (free.length < need)
      return { ok: false, refusal: { reason: 'busy', need, free: free.length } };
    return this.#grant(holder, this.choose(free, need));
  }

  /** Withdraws a pending all-GPU request (the task was cancelled or blocked). */
  withdraw(holder: string): void {
    if (this.#drainer === holder) this.#drainer = undefined;
  }

  /** Returns the holder's GPUs to the pool; a no-op for a holder without GPUs. */
  release(holder: string): readonly number[] {
    const gpus = this.#held.get(holder) ?? [];
    for (const g of gpus) this.#holder.delete(g);
    this.#held.delete(holder);
    this.withdraw(holder);
    return gpus;
  }

  #grant(holder: string, gpus: readonly number[]): Grant {
    for (const g of gpus) this.#holder.set(g, holder);
    this.#held.set(holder, gpus);
    return { ok: true, gpus };
  }

  /**
   * The best `k` of `free`: highest sum of pair scores inside the set; then the set that cuts
   * the fewest good links to the GPUs left free (so pairs stay whole for later requests);
   * then the lowest indices. Sets are enumerated while that is cheap, else grown greedily.
   */
  choose(free: readonly number[], k: number): number[] {
    if (k >= free.length) return [...free];
    const s = (a: number, b: number): number => this.#topology.score(a, b);
    const sets = binomial(free.length, k);
    // Each candidate costs about k·n score lookups: enumeration stays within the work it takes
    // on a host of 64 GPUs (k·n ≤ 4096), whatever the pool's size.
    if (sets <= MAX_ENUMERATION && sets * k * free.length <= MAX_ENUMERATION * 4096)
      return bestEnumerated(free, k, s);
    return greedy(free, k, s);
  }
}

/** Pair scores of a topology. */
type Score = (a: number, b: number) => number;

/** The best k-subset of `free` by enumeration (see GpuAllocator.choose for the order). */
function bestEnumerated(free: readonly number[], k: number, s: Score): number[] {
  const inner = (set: readonly number[]): number => {
    let t = 0;
    for (let i = 0; i < set.length; i++)
      for (let j = i + 1; j < set.length; j++) t += s(set[i]!, set[j]!);
    return t;
  };
  const cut = (set: readonly number[]): number => {
    const inSet = new Set(set);
    let t = 0;
    for (const a of set) for (const b of free) if (!inSet.has(b)) t += s(a, b);
    return t;
  };
  let best: number[] = free.slice(0, k);
  let bi = inner(best);
  let bc = cut(best);
  for (const set of combinations(free, k)) {
    const si = inner(set);
    const sc = cut(set);
    if (better(set, si, sc, best, bi, bc)) [best, bi, bc] = [set, si, sc];
  }
  return best;
}

/** Whether set a (inner score ai, cut score ac) beats set b: more inside, less cut, lower ids. */
function better(
  a: readonly number[],
  ai: number,
  ac: number,
  b: readonly number[],
  bi: number,
  bc: number,
): boolean {
  if (ai !== bi) return ai > bi;
  if (ac !== bc) return ac < bc;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/**
 * k of `free` grown greedily: first the GPU with the best link to any other, then each time the
 * GPU with the most link to those taken (the lowest index on a tie). `link[i]` keeps free[i]'s
 * link to the set, so each step is one pass over the pool: O(n² + n·k) in all.
 */
function greedy(free: readonly number[], k: number, s: Score): number[] {
  const n = free.length;
  const link = new Float64Array(n);
  const taken = new Uint8Array(n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (j !== i) link[i] = Math.max(link[i]!, s(free[i]!, free[j]!));
  const set: number[] = [];
  while (set.length < k) {
    let pick = -1;
    for (let i = 0; i < n; i++)
      if (taken[i] === 0 && (pick < 0 || link[i]! > link[pick]!)) pick = i;
    taken[pick] = 1;
    const g = free[pick]!;
    // From the second pick on, the score is the link to the set, not the best single link.
    if (set.length === 0) link.fill(0);
    set.push(g);
    for (let i = 0; i < n; i++) if (taken[i] === 0) link[i]! += s(free[i]!, g);
  }
  return set.sort((a, b) => a - b);
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) {
    r = (r * (n - k + i)) / i;
    if (r > MAX_ENUMERATION) return r;
  }
  return r;
}

/** The k-subsets of `items` in lexicographic order. */
function* combinations(items: readonly number[], k: number): Generator<number[]> {
  const idx = [...Array(k).keys()];
  const n = items.length;
  while (true) {
    yield idx.map((i) => items[i]!);
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]! += 1;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}
