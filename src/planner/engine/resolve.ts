import { arrivalRelease } from './bounds.js';
import type { Compiled } from './compile.js';
import { compile } from './compile.js';
import { Fbi } from './fbi.js';
import { priorityList, tightenToCloses } from './priority.js';
import type { Problem, Schedule } from './problem.js';
import { Sgs } from './sgs.js';

/**
 * Re-solving one problem for many duration vectors (Monte Carlo samples): the problem is
 * compiled once, its SGS profiles and buffers allocated once, and each `solve` only copies the
 * durations in, recomputes the LFT priorities (one CPM pass), runs one serial pass and, by
 * default, one forward-backward round. No bounds, no search, no allocation beyond the
 * priority list.
 *
 * Time-indexed profiles are used only on passes whose durations are integral and fit the
 * compiled grid; fractional durations fall back to the skyline (Sgs checks every pass).
 */
export class Resolver {
  readonly c: Compiled;
  private readonly dur: Float64Array;
  private readonly sgs: Sgs;
  private readonly fbi: Fbi;
  private readonly start: Float64Array;
  private readonly worker: Int32Array;
  private readonly held: Float64Array;
  private readonly fStart: Float64Array;
  private readonly fWorker: Int32Array;
  private readonly fHeld: Float64Array;
  private readonly ef: Float64Array;
  private readonly lf: Float64Array;
  private readonly release: Float64Array;

  /**
   * Compiles `problem` (its durations are the first ones). `profile: 'skyline'` never uses
   * time-indexed profiles. Throws on a malformed problem or an activity that never fits.
   */
  constructor(problem: Problem, opts: { readonly profile?: 'auto' | 'skyline' } = {}) {
    this.dur = Float64Array.from(problem.duration);
    const c = compile({ ...problem, duration: this.dur }, { grid: opts.profile !== 'skyline' });
    this.c = c;
    this.sgs = new Sgs(c);
    this.fbi = new Fbi(c, this.sgs);
    const n = c.n;
    this.start = new Float64Array(n);
    this.worker = new Int32Array(n);
    this.held = new Float64Array(n * c.R);
    this.fStart = new Float64Array(n);
    this.fWorker = new Int32Array(n);
    this.fHeld = new Float64Array(n * c.R);
    this.ef = new Float64Array(n);
    this.lf = new Float64Array(n);
    // Release times only order the LFT priorities (the SGS enforces arrivals itself), so those
    // of the first durations serve for all.
    this.release = arrivalRelease(c);
  }

  /** Copies new durations in (one per activity, finite, ≥ 0; throws otherwise). */
  setDurations(duration: ArrayLike<number>): void {
    const n = this.c.n;
    if (duration.length !== n) throw new Error(`${duration.length} durations for ${n} activities`);
    const dur = this.dur;
    for (let i = 0; i < n; i++) {
      const p = duration[i]!;
      if (!(p >= 0) || p === Infinity) {
        throw new Error(`Activity ${this.c.problem.ids[i]} has invalid duration ${p}`);
      }
      dur[i] = p;
    }
  }

  /**
   * Schedules the current durations: a serial pass in LFT order (CPM latest finish with arrival
   * release times), then up to `fbiRounds` forward-backward rounds. The schedule's arrays are
   * reused by the next call: read them first.
   */
  lft(fbiRounds = 1): Schedule {
    const c = this.c;
    latestFinish(c, this.release, this.ef, this.lf);
    const list = priorityList(c, this.lf);
    let makespan = this.sgs.serial(list, this.start, this.worker, this.held);
    if (fbiRounds > 0) {
      makespan = this.fbi.improve(list, this.start, this.worker, this.held, makespan, fbiRounds);
    }
    return { start: this.start, worker: this.worker, held: this.held, makespan };
  }

  /** setDurations, then lft. */
  solve(duration: ArrayLike<number>, fbiRounds = 1): Schedule {
    this.setDurations(duration);
    return this.lft(fbiRounds);
  }

  /**
   * A serial pass over the current durations in `list` order (precedence-feasible), with
   * `fixedWorker[i]` as activity i's worker where given. Its arrays are separate from lft's
   * and likewise reused by the next call. Throws InfeasibleError when a fixed worker or a
   * demand never fits.
   */
  follow(list: Int32Array, fixedWorker: Int32Array | null = null): Schedule {
    const makespan = this.sgs.serial(
      list,
      this.fStart,
      this.fWorker,
      this.fHeld,
      false,
      0,
      fixedWorker,
    );
    return { start: this.fStart, worker: this.fWorker, held: this.fHeld, makespan };
  }
}

/**
 * CPM's latest finish times with release times (what the LFT rule orders by), written into
 * `lf` without allocating; `ef` is scratch.
 */
export function latestFinish(
  c: Compiled,
  release: Float64Array,
  ef: Float64Array,
  lf: Float64Array,
): void {
  const dur = c.dur;
  let length = 0;
  for (let k = 0; k < c.n; k++) {
    const v = c.topo[k]!;
    let s = release[v]!;
    for (let e = c.predStart[v]!; e < c.predStart[v + 1]!; e++) {
      const f = ef[c.pred[e]!]!;
      if (f > s) s = f;
    }
    ef[v] = s + dur[v]!;
    if (ef[v]! > length) length = ef[v]!;
  }
  for (let k = c.n - 1; k >= 0; k--) {
    const v = c.topo[k]!;
    let f = length;
    for (let e = c.succStart[v]!; e < c.succStart[v + 1]!; e++) {
      const w = c.succ[e]!;
      const ls = lf[w]! - dur[w]!;
      if (ls < f) f = ls;
    }
    lf[v] = f;
  }
  tightenToCloses(c, lf);
}
