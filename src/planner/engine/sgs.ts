import type { Compiled } from './compile.js';
import { gridFits, lastFit } from './compile.js';
import type { ProfileLike } from './profile.js';
import { GridProfile, Profile, TIME_EPS } from './profile.js';
import { longestFit } from './capacity.js';

/** Thrown when an activity can never be placed (demand above every future capacity). */
export class InfeasibleError extends Error {}

/**
 * Why activity j of `c` can never be placed, in words: a resource whose capacity never covers
 * its demand, or covers it only in stretches shorter than its duration (an activity never runs
 * across a drop in capacity, nor, holding ALL, across any change); `otherwise` when neither.
 */
export function neverFitsWords(c: Compiled, j: number, otherwise: string): string {
  const id = c.problem.ids[j];
  const p = c.dur[j]!;
  for (let u = c.useStart[j]!; u < c.useStart[j + 1]!; u++) {
    const r = c.useRes[u]!;
    const d = c.dem[j * c.R + r]!;
    const T = c.capT[r]!;
    const steps = Array.from(T, (from, k) => ({ from, capacity: c.capV[r]![k]! }));
    const name = c.problem.resources[r]?.id ?? `resource ${r}`;
    const held = d < 0 ? `all of ${name}` : `${d} of ${name}`;
    const s = longestFit(steps, d);
    if (s === undefined)
      return `Activity ${id} can never be scheduled: it needs ${held}, more than the capacity ever is`;
    const length = s.to - s.from;
    if (p > length + TIME_EPS) {
      const what = d < 0 ? `one level of ${name}` : `${d} of ${name}`;
      return (
        `Activity ${id} can never be scheduled: it holds ${held} for ${round(p)} h, but ${what} ` +
        `lasts at most ${round(length)} h at a stretch (from ${round(s.from)} to ${round(s.to)})`
      );
    }
  }
  return `Activity ${id} can never be scheduled: ${otherwise}`;
}

function round(h: number): number {
  return Math.round(h * 100) / 100;
}

/**
 * Earliest start ≥ s at which every resource activity j uses has room for it over its duration
 * p > 0 (each resource's earliest fit, iterated to a common time). Infinity when never. The
 * resources looked at are `useRes[useStart[j]..]`: by default every one j uses.
 */
export function earliestOnResources(
  c: Compiled,
  res: readonly ProfileLike[],
  j: number,
  s: number,
  p: number,
  useStart: Int32Array = c.useStart,
  useRes: Int32Array = c.useRes,
): number {
  const u0 = useStart[j]!;
  const u1 = useStart[j + 1]!;
  let stable = false;
  while (!stable) {
    stable = true;
    for (let u = u0; u < u1; u++) {
      const r = useRes[u]!;
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

/** Whether activity j has a duration and holds some of a resource the workers imply. */
function usesImplied(c: Compiled, j: number): boolean {
  if (!(c.dur[j]! > 0)) return false;
  return c.fitStart[j + 1]! - c.fitStart[j]! < c.useStart[j + 1]! - c.useStart[j]!;
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
  /**
   * Whether the current pass leaves out the resources the workers imply (`Compiled.implied`):
   * only on an exact time grid (see `exactGrid`). Elsewhere a resource's profile snaps the ends
   * of its bookings to change points within TIME_EPS, which another worker's activity may have
   * put there, so that its slivers of a few ulps decide starts and workers as a worker's
   * profile alone would not: there it is checked, as before.
   */
  private skipImplied = false;
  /** The uses the current pass checks for room: `fitStart/fitRes` or `useStart/useRes`. */
  private checkStart: Int32Array;
  private checkRes: Int32Array;
  private sky: { res: ProfileLike[]; wrk: ProfileLike[] } | null = null;
  /** The one worker's free time and the capacity profiles with nothing placed (one-worker pass). */
  private gaps: Gaps | null = null;
  private bare: Profile[] | null = null;
  private cells: { res: ProfileLike[]; wrk: ProfileLike[] } | null = null;
  private readonly mirT: Float64Array[];
  private readonly mirV: Float64Array[];
  /** Schedule generation passes run so far (the search budget counts these). */
  passes = 0;

  readonly c: Compiled;

  constructor(c: Compiled) {
    this.c = c;
    this.checkStart = c.useStart;
    this.checkRes = c.useRes;
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
    this.skipImplied = c.fitRes !== c.useRes && exactGrid(c);
    this.checkStart = this.skipImplied ? c.fitStart : c.useStart;
    this.checkRes = this.skipImplied ? c.fitRes : c.useRes;
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
      s = earliestOnResources(c, this.res, j, s, p, this.checkStart, this.checkRes);
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
      if (this.checkStart[j] === this.checkStart[j + 1]) return s;
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
        if (!this.skipImplied || c.implied[r] === 0) this.res[r]!.add(s, s + p, -h);
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
    if (!backward && c.W === 1) {
      const m = this.oneWorker(list, start, worker, held, fixedWorker);
      if (m >= 0) return m;
    }
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
      // The mirrored profile of a resource the workers imply ends at the horizon too.
      if (backward && this.skipImplied && s + (dur[j]! - TIME_EPS) > horizon && usesImplied(c, j))
        return Infinity;
      start[j] = s;
      worker[j] = this.place(j, s, held, fw);
      const f = s + dur[j]!;
      if (f > makespan) makespan = f;
    }
    return makespan;
  }

  /**
   * The forward serial pass of a one-worker problem, on the worker's timeline and the bare
   * capacity profiles. With one worker nothing with a duration overlaps, so wherever the worker
   * is free over a window every resource is as free as its capacity: the earliest start the
   * full pass finds (the first time both the worker and the resources fit) is the first time
   * the worker and the bare capacities fit, and the schedule is the same. Taken only on an
   * exact time grid (see `exactGrid`), where sums of times do not round and the profiles'
   * tolerance never lets two activities touch, and while the worker's free time stays in a few
   * stretches (see `Gaps`). Returns the makespan, or -1 where not taken.
   */
  private oneWorker(
    list: ArrayLike<number>,
    start: Float64Array,
    worker: Int32Array,
    held: Float64Array,
    fixedWorker: Int32Array | null,
  ): number {
    const c = this.c;
    if (!exactGrid(c)) return -1;
    const gaps = (this.gaps ??= new Gaps());
    gaps.reset();
    this.bare ??= c.capT.map((t, r) => new Profile(t, c.capV[r]!));
    const R = c.R;
    const dur = c.dur;
    let makespan = 0;
    for (let k = 0; k < list.length; k++) {
      const j = list[k]!;
      let s = c.arrival[j]!;
      for (let e = c.predStart[j]!; e < c.predStart[j + 1]!; e++) {
        const i = c.pred[e]!;
        const f = start[i]! + dur[i]!;
        if (f > s) s = f;
      }
      const p = dur[j]!;
      for (let r = 0; r < R; r++) held[j * R + r] = 0;
      const fw = fixedWorker === null ? -1 : fixedWorker[j]!;
      if (p > 0) {
        for (;;) {
          s = earliestOnResources(c, this.bare, j, s, p);
          if (s === Infinity) throw this.infeasible(j);
          const t = gaps.earliest(s, p);
          if (t === s) break;
          if (t < 0) return -1;
          s = t;
        }
        for (let u = c.useStart[j]!; u < c.useStart[j + 1]!; u++) {
          const r = c.useRes[u]!;
          const d = c.dem[j * R + r]!;
          held[j * R + r] = d < 0 ? this.bare[r]!.capAt(s) : d;
        }
        if (!gaps.take(s, s + p)) return -1;
      } else if (s === Infinity) throw this.infeasible(j);
      start[j] = s;
      worker[j] = fw >= 0 ? fw : c.elig[c.eligStart[j]!]!;
      if (s + p > makespan) makespan = s + p;
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
    const otherwise = 'its demand exceeds the capacity available, or no eligible worker';
    const words = neverFitsWords(c, j, otherwise);
    const close = c.close?.[j] ?? Infinity;
    if (!words.endsWith(otherwise) || close === Infinity) return new InfeasibleError(words);
    // It fits somewhere (bounds checked that), but not after what this order placed first.
    const names = [...c.useRes.subarray(c.useStart[j]!, c.useStart[j + 1]!)]
      .filter((r) => lastFit(c.capT[r]!, c.capV[r]!, c.dem[j * c.R + r]!) !== Infinity)
      .map((r) => c.problem.resources[r]?.id ?? `resource ${r}`);
    return new InfeasibleError(
      `${c.problem.ids[j]} found no place before hour ${round(close)}, when the ${names.join(' and ')} it needs drops for good`,
    );
  }
}

/** Most free stretches the one-worker pass keeps before it leaves the pass to the profiles. */
const MAX_GAPS = 256;

/**
 * A worker's free time as disjoint stretches [a[k], b[k]), in time order, the last one endless:
 * a one-worker timeline that is mostly busy from 0, with a few holes.
 */
class Gaps {
  private a = new Float64Array(MAX_GAPS + 2);
  private b = new Float64Array(MAX_GAPS + 2);
  private len = 0;

  reset(): void {
    this.a[0] = 0;
    this.b[0] = Infinity;
    this.len = 1;
  }

  /** The earliest s ≥ t with [s, s + p) free; -1 when the scan would pass MAX_GAPS stretches. */
  earliest(t: number, p: number): number {
    const { a, b } = this;
    let lo = 0;
    let hi = this.len - 1;
    // First stretch that ends after t (the last one never ends).
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid]! > t) hi = mid;
      else lo = mid + 1;
    }
    for (let k = lo; k < this.len; k++) {
      const s = a[k]! > t ? a[k]! : t;
      if (s + p <= b[k]!) return s;
    }
    return -1;
  }

  /** Marks [s, e) busy; it lies inside one free stretch (earliest found it). False when too many. */
  take(s: number, e: number): boolean {
    const { a, b } = this;
    let k = 0;
    let hi = this.len - 1;
    while (k < hi) {
      const mid = (k + hi) >> 1;
      if (b[mid]! >= e) hi = mid;
      else k = mid + 1;
    }
    const left = s > a[k]!;
    const right = e < b[k]!;
    if (left && right) {
      if (this.len > MAX_GAPS) return false;
      a.copyWithin(k + 1, k, this.len);
      b.copyWithin(k + 1, k, this.len);
      this.len++;
      b[k] = s;
      a[k + 1] = e;
    } else if (left) b[k] = s;
    else if (right) a[k] = e;
    else {
      a.copyWithin(k, k + 1, this.len);
      b.copyWithin(k, k + 1, this.len);
      this.len--;
    }
    return true;
  }
}

/**
 * Times on a grid of 1/64 hour: every duration and capacity-change time a multiple of it, and
 * their total small enough that sums of them stay exact in floating point.
 */
function exactGrid(c: Compiled): boolean {
  let total = 0;
  const on = (x: number): boolean => Number.isInteger(x * 64);
  for (let i = 0; i < c.n; i++) {
    const p = c.dur[i]!;
    if (!on(p)) return false;
    total += p;
  }
  for (const T of c.capT) {
    for (let k = 0; k < T.length; k++) if (!on(T[k]!)) return false;
    total += T[T.length - 1]!;
  }
  return total < 2 ** 40;
}

const w0T = Float64Array.of(0);
const w1V = Float64Array.of(1);
