import type { Compiled } from './compile.js';
import { gridFits } from './compile.js';
import type { ProfileLike } from './profile.js';
import { GridProfile, Profile } from './profile.js';

/** Thrown when an activity can never be placed (demand above every future capacity). */
export class InfeasibleError extends Error {}

/**
 * Earliest start ≥ s at which every resource activity j uses has room for it over its duration
 * p > 0 (each resource's earliest fit, iterated to a common time). Infinity when never.
 */
export function earliestOnResources(
  c: Compiled,
  res: readonly ProfileLike[],
  j: number,
  s: number,
  p: number,
): number {
  const u0 = c.useStart[j]!;
  const u1 = c.useStart[j + 1]!;
  let stable = false;
  while (!stable) {
    stable = true;
    for (let u = u0; u < u1; u++) {
      const r = c.useRes[u]!;
      const d = c.dem[j * c.R + r]!;
      const s2 = d < 0 ? res[r]!.earliestAll(s, p) : res[r]!.earliest(s, p, d);
      if (s2 !== s) {
        s = s2;
        if (u1 - u0 > 1) stable = false;
      }
    }
    if (s === Infinity) return s;
  }
  return s;
}

/**
 * Schedule generation schemes over one compiled problem. The profiles (one per resource, one
 * per worker) are allocated once and reset per pass, so a pass allocates nothing.
 *
 * Backward passes run on the mirrored problem: time τ = H − x for a horizon H, successors act
 * as predecessors, and capacity steps are mirrored. They are used by forward-backward
 * improvement only to reorder activities.
 */
export class Sgs {
  /** The profiles of the current pass: time-indexed or skyline (see `choose`). */
  private res: ProfileLike[] = [];
  private wrk: ProfileLike[] = [];
  private sky: { res: ProfileLike[]; wrk: ProfileLike[] } | null = null;
  private cells: { res: ProfileLike[]; wrk: ProfileLike[] } | null = null;
  private readonly mirT: Float64Array[];
  private readonly mirV: Float64Array[];
  /** Schedule generation passes run so far (the search budget counts these). */
  passes = 0;

  readonly c: Compiled;

  constructor(c: Compiled) {
    this.c = c;
    this.mirT = c.capT.map((t) => new Float64Array(t.length + 1));
    this.mirV = c.capT.map((t) => new Float64Array(t.length + 1));
  }

  /**
   * Picks the profiles for a pass: time-indexed cells when the compiled problem has them and
   * the durations are (still) integral and fit, else the skyline. Checked every pass, so a
   * Resolver may rewrite the durations with fractional values between passes.
   */
  private choose(): void {
    const c = this.c;
    if (gridFits(c)) {
      this.cells ??= this.allocate(() => new GridProfile(c.grid));
      this.res = this.cells.res;
      this.wrk = this.cells.wrk;
      return;
    }
    if (this.sky === null) {
      const chunk = Math.min(2048, Math.max(128, 1 << Math.round(Math.log2(Math.sqrt(2 * c.n)))));
      this.sky = this.allocate(() => new Profile(undefined, undefined, chunk));
    }
    this.res = this.sky.res;
    this.wrk = this.sky.wrk;
  }

  private allocate(make: () => ProfileLike): { res: ProfileLike[]; wrk: ProfileLike[] } {
    return { res: this.c.capT.map(make), wrk: Array.from({ length: this.c.W }, make) };
  }

  private resetProfiles(backward: boolean, horizon: number): void {
    const c = this.c;
    this.choose();
    for (let r = 0; r < c.R; r++) {
      if (!backward) {
        this.res[r]!.reset(c.capT[r]!, c.capV[r]!, c.capT[r]!.length);
        continue;
      }
      // Real segment [T[k], T[k+1]) with V[k] becomes [H − T[k+1], H − T[k]); before real 0: 0.
      const T = c.capT[r]!;
      const V = c.capV[r]!;
      const mt = this.mirT[r]!;
      const mv = this.mirV[r]!;
      let k = T.length - 1;
      while (k > 0 && T[k]! >= horizon) k--;
      let m = 0;
      mt[m] = 0;
      mv[m++] = V[k]!;
      for (; k > 0; k--) {
        mt[m] = horizon - T[k]!;
        mv[m++] = V[k - 1]!;
      }
      if (mv[m - 1]! !== 0) {
        mt[m] = horizon;
        mv[m++] = 0;
      }
      this.res[r]!.reset(mt, mv, m);
    }
    for (const w of this.wrk) w.reset(w0T, w1V, 1);
  }

  /**
   * Earliest start ≥ s where every resource fits activity j and (with workers) some eligible
   * worker, or `fixedWorker`, is free. Infinity when never.
   */
  earliestStart(j: number, s: number, fixedWorker: number): number {
    const c = this.c;
    const p = c.dur[j]!;
    if (p <= 0) return s;
    for (;;) {
      s = earliestOnResources(c, this.res, j, s, p);
      if (s === Infinity || c.W === 0) return s;
      let best = Infinity;
      if (fixedWorker >= 0) best = this.wrk[fixedWorker]!.earliest(s, p, 1);
      else {
        for (let e = c.eligStart[j]!; e < c.eligStart[j + 1]!; e++) {
          const t = this.wrk[c.elig[e]!]!.earliest(s, p, 1);
          if (t < best) {
            best = t;
            if (t === s) break;
          }
        }
      }
      if (best === s || best === Infinity) return best;
      s = best;
      if (c.useStart[j] === c.useStart[j + 1]) return s;
    }
  }

  /**
   * Places activity j at s (which earliestStart returned): holds its resources and picks its
   * worker: among eligible workers free over [s, s + p), the one that became free latest
   * (best fit), ties to the lowest index. Returns the worker or -1.
   */
  place(j: number, s: number, held: Float64Array, fixedWorker: number): number {
    const c = this.c;
    const p = c.dur[j]!;
    const R = c.R;
    for (let r = 0; r < R; r++) held[j * R + r] = 0;
    if (p > 0) {
      for (let u = c.useStart[j]!; u < c.useStart[j + 1]!; u++) {
        const r = c.useRes[u]!;
        const d = c.dem[j * R + r]!;
        const h = d < 0 ? this.res[r]!.capAt(s) : d;
        held[j * R + r] = h;
        this.res[r]!.add(s, s + p, -h);
      }
    }
    if (c.W === 0) return -1;
    let w = fixedWorker;
    if (w < 0) {
      w = c.elig[c.eligStart[j]!]!;
      if (p > 0) {
        let since = -Infinity;
        for (let e = c.eligStart[j]!; e < c.eligStart[j + 1]!; e++) {
          const cand = c.elig[e]!;
          const prof = this.wrk[cand]!;
          if (prof.earliest(s, p, 1) !== s) continue;
          const f = prof.freeSince(s, 1);
          if (f > since) {
            since = f;
            w = cand;
          }
        }
      }
    }
    if (p > 0) this.wrk[w]!.add(s, s + p, -1);
    return w;
  }

  /**
   * Serial SGS: takes activities in list order (which must respect precedence in the pass's
   * direction) and starts each at its earliest feasible time. Writes start (mirrored times when
   * backward), worker and held; returns the makespan. `fixedWorker[i] ≥ 0` forces a worker.
   * A backward pass returns Infinity where an activity finds no place (it cannot move past the
   * mirrored horizon); a forward pass throws InfeasibleError.
   */
  serial(
    list: ArrayLike<number>,
    start: Float64Array,
    worker: Int32Array,
    held: Float64Array,
    backward = false,
    horizon = 0,
    fixedWorker: Int32Array | null = null,
  ): number {
    const c = this.c;
    this.passes++;
    this.resetProfiles(backward, horizon);
    const pStart = backward ? c.succStart : c.predStart;
    const pList = backward ? c.succ : c.pred;
    const dur = c.dur;
    let makespan = 0;
    for (let k = 0; k < list.length; k++) {
      const j = list[k]!;
      // Forward: nothing starts before its demands fit the capacity (zero-length activities
      // included). Backward, that is a deadline, which the mirrored profile already enforces
      // for the others; a zero-length one stays before its successors there anyway.
      let es = backward ? 0 : c.arrival[j]!;
      for (let e = pStart[j]!; e < pStart[j + 1]!; e++) {
        const i = pList[e]!;
        const f = start[i]! + dur[i]!;
        if (f > es) es = f;
      }
      const fw = fixedWorker === null ? -1 : fixedWorker[j]!;
      const s = this.earliestStart(j, es, fw);
      if (s === Infinity) {
        if (backward) return Infinity;
        throw this.infeasible(j);
      }
      start[j] = s;
      worker[j] = this.place(j, s, held, fw);
      const f = s + dur[j]!;
      if (f > makespan) makespan = f;
    }
    return makespan;
  }

  /**
   * Parallel SGS: advances a decision time t; at each t starts, in priority order (smaller
   * `prio` first, ties by id rank), every activity whose predecessors are done that fits at t.
   */
  parallel(
    prio: Float64Array,
    start: Float64Array,
    worker: Int32Array,
    held: Float64Array,
  ): number {
    const c = this.c;
    const n = c.n;
    this.passes++;
    this.resetProfiles(false, 0);
    const left = new Int32Array(n);
    const ready = Float64Array.from(c.arrival);
    let elig: number[] = [];
    for (let i = 0; i < n; i++) {
      left[i] = c.predStart[i + 1]! - c.predStart[i]!;
      if (left[i] === 0) elig.push(i);
    }
    const cmp = (a: number, b: number): number => prio[a]! - prio[b]! || c.rank[a]! - c.rank[b]!;
    let t = 0;
    let done = 0;
    let makespan = 0;
    while (done < n) {
      elig.sort(cmp);
      let next = Infinity;
      const keep: number[] = [];
      const added: number[] = [];
      for (const j of elig) {
        const from = ready[j]! > t ? ready[j]! : t;
        const s = this.earliestStart(j, from, -1);
        if (s === t) {
          start[j] = s;
          worker[j] = this.place(j, s, held, -1);
          const f = s + c.dur[j]!;
          if (f > makespan) makespan = f;
          done++;
          for (let e = c.succStart[j]!; e < c.succStart[j + 1]!; e++) {
            const w = c.succ[e]!;
            if (f > ready[w]!) ready[w] = f;
            if (--left[w]! === 0) added.push(w);
          }
        } else {
          if (s === Infinity) throw this.infeasible(j);
          if (s < next) next = s;
          keep.push(j);
        }
      }
      for (const w of added) {
        keep.push(w);
        if (ready[w]! === t) next = t;
        else if (ready[w]! < next) next = ready[w]!;
      }
      elig = keep;
      if (done < n) {
        if (next === Infinity) throw this.infeasible(elig[0] ?? 0);
        t = next;
      }
    }
    return makespan;
  }

  private infeasible(j: number): InfeasibleError {
    const c = this.c;
    return new InfeasibleError(
      `Activity ${c.problem.ids[j]} can never be scheduled: its demand exceeds the capacity available, or no eligible worker`,
    );
  }
}

const w0T = Float64Array.of(0);
const w1V = Float64Array.of(1);
