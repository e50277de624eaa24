import type { Compiled } from './compile.js';
import type { Sgs } from './sgs.js';

/** Merge scratch for sortByKey, grown as needed (no allocation per sort). */
let scratch: Int32Array = new Int32Array(0);

/**
 * Sorts `list` by key ascending, ties by topological position (so a list sorted by start or by
 * mirrored finish stays precedence-feasible); `ties = -1` breaks them by descending position.
 * The order is total (positions are distinct), so the result does not depend on the algorithm:
 * insertion sort on runs of 16, then a bottom-up merge through a typed scratch array.
 */
export function sortByKey(
  list: Int32Array,
  key: Float64Array,
  topoPos: Int32Array,
  ties: 1 | -1 = 1,
): void {
  const n = list.length;
  const before = (y: number, x: number): boolean => {
    const ky = key[y]!;
    const kx = key[x]!;
    return ky < kx || (ky === kx && (topoPos[y]! - topoPos[x]!) * ties < 0);
  };
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(n, lo + RUN);
    for (let i = lo + 1; i < hi; i++) {
      const x = list[i]!;
      let j = i - 1;
      while (j >= lo && !before(list[j]!, x)) {
        list[j + 1] = list[j]!;
        j--;
      }
      list[j + 1] = x;
    }
  }
  if (n <= RUN) return;
  if (scratch.length < n) scratch = new Int32Array(Math.max(n, 2 * scratch.length));
  let src: Int32Array = list;
  let dst = scratch;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let a = lo;
      let b = mid;
      let k = lo;
      while (a < mid && b < hi) dst[k++] = before(src[b]!, src[a]!) ? src[b++]! : src[a++]!;
      while (a < mid) dst[k++] = src[a++]!;
      while (b < hi) dst[k++] = src[b++]!;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== list) list.set(src.subarray(0, n));
}

/**
 * Forward-backward improvement (justification; Li & Willis 1992, Tormos & Lova 2001, Valls et
 * al. 2005). Given a forward schedule, a backward serial pass takes activities by decreasing
 * finish and starts each as late as possible before the makespan (earliest in mirrored time);
 * a forward pass then takes them by increasing start in that schedule. Neither pass can
 * lengthen the schedule (each activity's current position stays feasible), releases and
 * capacity arrivals are respected because the backward pass only moves activities later.
 */
export class Fbi {
  private readonly key: Float64Array;
  private readonly bStart: Float64Array;
  private readonly bWorker: Int32Array;
  private readonly bHeld: Float64Array;
  private readonly tStart: Float64Array;
  private readonly tWorker: Int32Array;
  private readonly tHeld: Float64Array;
  private readonly tList: Int32Array;

  private readonly c: Compiled;
  private readonly sgs: Sgs;
  /**
   * Backward passes that found no place for some activity. Each activity's current slot is
   * always free in the backward pass, so this stays 0 (a diagnostic for tests: rounding in
   * mirrored time used to trip it).
   */
  failedBackward = 0;

  constructor(c: Compiled, sgs: Sgs) {
    this.c = c;
    this.sgs = sgs;
    const n = c.n;
    this.key = new Float64Array(n);
    this.bStart = new Float64Array(n);
    this.bWorker = new Int32Array(n);
    this.bHeld = new Float64Array(n * c.R);
    this.tStart = new Float64Array(n);
    this.tWorker = new Int32Array(n);
    this.tHeld = new Float64Array(n * c.R);
    this.tList = new Int32Array(n);
  }

  /**
   * Improves the forward schedule (list, start, worker, held, makespan) in place, up to
   * `rounds` backward+forward rounds while it keeps improving. `list` becomes the list of the
   * final forward pass (ordered by start). Returns the new makespan.
   */
  improve(
    list: Int32Array,
    start: Float64Array,
    worker: Int32Array,
    held: Float64Array,
    makespan: number,
    rounds = 4,
    stop: (() => boolean) | null = null,
  ): number {
    const c = this.c;
    const n = c.n;
    const dur = c.dur;
    const key = this.key;
    const tl = this.tList;
    for (let round = 0; round < rounds; round++) {
      if (makespan <= 0 || (round > 0 && stop !== null && stop())) return makespan;
      // Backward: by decreasing finish ⇒ ascending key = -finish. Ties by descending topological
      // position: a zero-length successor goes before its predecessor when both finish together.
      for (let i = 0; i < n; i++) key[i] = -(start[i]! + dur[i]!);
      tl.set(list);
      sortByKey(tl, key, c.topoPos, -1);
      const H = makespan;
      // Workers stay as they are: with a fixed assignment both passes provably never lengthen
      // the schedule (a worker swap could block an activity's current slot).
      const fixed = c.W > 0 ? worker : null;
      const b = this.sgs.serial(tl, this.bStart, this.bWorker, this.bHeld, true, H, fixed);
      if (b === Infinity) {
        this.failedBackward++;
        break;
      }
      // Forward: by increasing real start H − (τ + p).
      for (let i = 0; i < n; i++) key[i] = H - (this.bStart[i]! + dur[i]!);
      sortByKey(tl, key, c.topoPos);
      const m = this.sgs.serial(
        tl,
        this.tStart,
        this.tWorker,
        this.tHeld,
        false,
        0,
        c.W > 0 ? this.bWorker : null,
      );
      // A pass as short as the current schedule is taken too, but ends the rounds.
      if (m > makespan) break;
      start.set(this.tStart);
      worker.set(this.tWorker);
      held.set(this.tHeld);
      list.set(tl);
      if (m === makespan) break;
      makespan = m;
    }
    return makespan;
  }
}
