import type { BoundsResult } from '../engine/bounds.js';
import { timeUnit } from '../engine/bounds.js';
import type { Compiled } from '../engine/compile.js';
import { EPS } from '../engine/cpm.js';
import { ALL } from '../engine/problem.js';
import type { MipModel } from './mip.js';
import { MipBuilder } from './mip.js';

/**
 * The time-indexed ("pulse") formulation of a Problem on its time unit u (the largest of 1,
 * 1/2, … , 1/100 that divides every duration and capacity-change time, so every start of an
 * active schedule, and an optimal one, is a multiple of it):
 *
 * - z[j,c,s] = 1 when activity j has started by s·u, done by crew c (the step form of the
 *   pulse variables x[j,c,s] = z[j,c,s] − z[j,c,s−1], which keeps every row short). A crew is a group of workers
 *   eligible for exactly the same activities: they are interchangeable, so a crew of k is a
 *   resource of capacity k, and starts that keep every crew within its size always have a
 *   worker assignment (interval partitioning). Without workers there is one crew, none.
 * - Starts lie in [head, H − tail − p] (heads with arrival releases, tails from the critical
 *   path, H the incumbent's makespan) and only where the activity's demands fit the capacity
 *   for its whole run; an ALL demand holds every unit of its resource, and its run may not
 *   cross a change of that capacity.
 * - Each activity starts once; precedence in the disaggregated form (j started by t only if
 *   i started by t − p_i); capacity at every period of every resource and crew (j runs at t
 *   when z[j,c,t] − z[j,c,t−p_j] = 1); C ≥ finish + tail for every activity; minimise C.
 */
export interface TimeIndexed {
  readonly model: MipModel;
  readonly unit: number;
  /** The makespan column (the objective), in units. */
  readonly cMax: number;
  /** Per step column z: the activity, the start in units, the crew (-1: none). */
  readonly colAct: Int32Array;
  readonly colStart: Int32Array;
  readonly colCrew: Int32Array;
  /** Worker indices of each crew, ascending. */
  readonly crews: readonly (readonly number[])[];
}

/** Largest model handed to the solver, in columns and matrix entries. */
const MAX_COLS = 100_000;
const MAX_NONZEROS = 2_000_000;

interface Window {
  /** Feasible starts of each activity, in units, ascending. */
  readonly starts: Int32Array[];
  readonly p: Int32Array;
  readonly tail: Int32Array;
  /** cap[r][t]: capacity of resource r in period t < H. */
  readonly cap: Float64Array[];
}

function unitsOf(x: number, u: number): number {
  return Math.round(x / u);
}

/**
 * Every activity's feasible starts within the horizon H (units); null when one has none or
 * the windows together are too wide for a model.
 */
function windows(c: Compiled, br: BoundsResult, u: number, H: number): Window | null {
  const n = c.n;
  const p = new Int32Array(n);
  const tail = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    p[j] = unitsOf(c.dur[j]!, u);
    tail[j] = Math.max(0, unitsOf(br.cpm.length - br.cpm.lf[j]!, u));
  }
  let span = 0;
  for (let j = 0; j < n; j++) span += Math.max(0, H - tail[j]! - p[j]! - unitsOf(br.cpm.es[j]!, u));
  if (span > MAX_COLS) return null;
  const cap: Float64Array[] = [];
  const changes: Int32Array[] = [];
  for (let r = 0; r < c.R; r++) {
    const T = c.capT[r]!;
    const V = c.capV[r]!;
    const row = new Float64Array(Math.max(1, H));
    let k = 0;
    for (let t = 0; t < H; t++) {
      while (k + 1 < T.length && unitsOf(T[k + 1]!, u) <= t) k++;
      row[t] = V[k]!;
    }
    cap.push(row);
    changes.push(Int32Array.from(T, (x) => unitsOf(x, u)));
  }
  const starts: Int32Array[] = [];
  for (let j = 0; j < n; j++) {
    const lo = unitsOf(br.cpm.es[j]!, u);
    const hi = H - tail[j]! - p[j]!;
    const ok: number[] = [];
    for (let s = lo; s <= hi; s++) if (fitsAt(c, j, s, p[j]!, cap, changes)) ok.push(s);
    if (ok.length === 0) return null;
    starts.push(Int32Array.from(ok));
  }
  return { starts, p, tail, cap };
}

/** Activity j's demands fit the capacity over [s, s + p) (ALL: positive, no change inside). */
function fitsAt(
  c: Compiled,
  j: number,
  s: number,
  p: number,
  cap: Float64Array[],
  changes: Int32Array[],
): boolean {
  if (p === 0) return true;
  for (let k = c.useStart[j]!; k < c.useStart[j + 1]!; k++) {
    const r = c.useRes[k]!;
    const d = c.dem[j * c.R + r]!;
    const row = cap[r]!;
    if (d === ALL) {
      if (!(row[s]! > EPS)) return false;
      for (const x of changes[r]!) if (x > s && x < s + p) return false;
    } else {
      for (let t = s; t < s + p; t++) if (row[t]! < d - EPS) return false;
    }
  }
  return true;
}

/**
 * Groups workers eligible for the same activities (of positive duration) into crews; returns
 * the crews and, per activity, the crews it may use (empty: it holds no worker).
 */
function crewsOf(c: Compiled): { crews: number[][]; options: number[][] } {
  const n = c.n;
  const options: number[][] = Array.from({ length: n }, () => []);
  if (c.W === 0) return { crews: [], options };
  const jobsOf: number[][] = Array.from({ length: c.W }, () => []);
  for (let j = 0; j < n; j++) {
    if (!(c.dur[j]! > 0)) continue;
    for (let e = c.eligStart[j]!; e < c.eligStart[j + 1]!; e++) jobsOf[c.elig[e]!]!.push(j);
  }
  const byKey = new Map<string, number>();
  const crews: number[][] = [];
  const crewOf = new Int32Array(c.W);
  for (let w = 0; w < c.W; w++) {
    const key = jobsOf[w]!.join(',');
    let k = byKey.get(key);
    if (k === undefined) {
      k = crews.length;
      byKey.set(key, k);
      crews.push([]);
    }
    crews[k]!.push(w);
    crewOf[w] = k;
  }
  for (let j = 0; j < n; j++) {
    if (!(c.dur[j]! > 0)) continue;
    const seen = new Set<number>();
    for (let e = c.eligStart[j]!; e < c.eligStart[j + 1]!; e++) seen.add(crewOf[c.elig[e]!]!);
    options[j] = [...seen].sort((a, b) => a - b);
  }
  return { crews, options };
}

/**
 * The time-indexed model for makespans up to `horizon` (the incumbent's), at least
 * `lowerBound`; undefined when the problem has no time unit or the model would be too large.
 */
export function timeIndexedModel(
  c: Compiled,
  br: BoundsResult,
  horizon: number,
  lowerBound: number,
): TimeIndexed | undefined {
  const u = timeUnit(c);
  if (u <= 0 || c.n === 0) return undefined;
  const H = unitsOf(horizon, u);
  const win = windows(c, br, u, H);
  if (win === null) return undefined;
  const { crews, options } = crewsOf(c);
  let nCols = 0;
  for (let j = 0; j < c.n; j++) nCols += win.starts[j]!.length * Math.max(1, options[j]!.length);
  if (nCols > MAX_COLS) return undefined;

  const b = new MipBuilder();
  const colAct: number[] = [];
  const colStart: number[] = [];
  const colCrew: number[] = [];
  const steps: Steps[] = [];
  for (let j = 0; j < c.n; j++) {
    const starts = win.starts[j]!;
    const crewList = options[j]!.length > 0 ? options[j]! : [-1];
    const z = crewList.map((k) => {
      const cols = new Int32Array(starts.length);
      for (let m = 0; m < starts.length; m++) {
        cols[m] = b.col(0, 1, 0, true);
        colAct.push(j);
        colStart.push(starts[m]!);
        colCrew.push(k);
      }
      return cols;
    });
    steps.push({ starts, crews: crewList, z });
  }
  const lb = Math.min(H, Math.max(0, Math.ceil(lowerBound / u - 1e-9)));
  const cMax = b.col(lb, H, 1, true);
  for (let j = 0; j < c.n; j++) activityRows(b, steps[j]!, win.p[j]! + win.tail[j]!, cMax);
  precedenceRows(c, b, win, steps);
  capacityRows(c, b, win, steps, crews, H);
  const model = b.build();
  if (model.index.length > MAX_NONZEROS) return undefined;
  return {
    model,
    unit: u,
    cMax,
    colAct: Int32Array.from(colAct),
    colStart: Int32Array.from(colStart),
    colCrew: Int32Array.from(colCrew),
    crews,
  };
}

/** One activity's step columns: z[k][m] for crew crews[k] and start starts[m]. */
interface Steps {
  readonly starts: Int32Array;
  readonly crews: readonly number[];
  readonly z: readonly Int32Array[];
}

/**
 * Started by its last start (Σ over crews = 1), steps non-decreasing, and C ≥ start + q
 * (q: duration + tail), written on the steps: start = s_last − Σ_{m<last} (s_{m+1} − s_m)·z_m,
 * so C + Σ_{m<last} (s_{m+1} − s_m)·z_m ≥ s_last + q.
 */
function activityRows(b: MipBuilder, st: Steps, q: number, cMax: number): void {
  const last = st.starts.length - 1;
  b.row(
    st.z.map((z) => z[last]!),
    st.z.map(() => 1),
    1,
    1,
  );
  const idx: number[] = [cMax];
  const coef: number[] = [1];
  for (const z of st.z) {
    for (let m = 1; m <= last; m++) b.row([z[m]!, z[m - 1]!], [1, -1], 0, Infinity);
    for (let m = 0; m < last; m++) {
      idx.push(z[m]!);
      coef.push(st.starts[m + 1]! - st.starts[m]!);
    }
  }
  b.row(idx, coef, st.starts[last]! + q, Infinity);
}

/** Index of the last start ≤ t (−1 when none). */
function lastAtOrBefore(starts: Int32Array, t: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Precedence i → j, disaggregated: for every t at which j may have started,
 * Σ_c z[j,c,t] ≤ Σ_c z[i,c,t − p_i] (rows that always hold are left out).
 */
function precedenceRows(c: Compiled, b: MipBuilder, win: Window, steps: Steps[]): void {
  const idx: number[] = [];
  const coef: number[] = [];
  for (let i = 0; i < c.n; i++) {
    const si = steps[i]!;
    const pi = win.p[i]!;
    const iDone = si.starts[si.starts.length - 1]! + pi;
    for (let e = c.succStart[i]!; e < c.succStart[i + 1]!; e++) {
      const sj = steps[c.succ[e]!]!;
      for (let m = 0; m < sj.starts.length; m++) {
        const t = sj.starts[m]!;
        if (t >= iDone) break;
        idx.length = 0;
        coef.length = 0;
        for (const z of sj.z) {
          idx.push(z[m]!);
          coef.push(1);
        }
        const mi = lastAtOrBefore(si.starts, t - pi);
        if (mi >= 0) {
          for (const z of si.z) {
            idx.push(z[mi]!);
            coef.push(-1);
          }
        }
        b.row(idx, coef, -Infinity, 0);
      }
    }
  }
}

/**
 * For every period t < H: on each resource, Σ demand of the activities running at t ≤ its
 * capacity (an ALL demand counts the whole capacity); on each crew, running activities ≤ its
 * size. Activity j with crew index k runs at t when z[k, last start ≤ t] − z[k, last start
 * ≤ t − p_j] = 1. Rows that can never bind are left out.
 */
function capacityRows(
  c: Compiled,
  b: MipBuilder,
  win: Window,
  steps: Steps[],
  crews: readonly (readonly number[])[],
  H: number,
): void {
  const users: number[][] = Array.from({ length: c.R }, () => []);
  const crewUsers: number[][] = crews.map(() => []);
  for (let j = 0; j < c.n; j++) {
    if (win.p[j]! === 0) continue;
    for (let k = c.useStart[j]!; k < c.useStart[j + 1]!; k++) users[c.useRes[k]!]!.push(j);
    for (const k of steps[j]!.crews) if (k >= 0) crewUsers[k]!.push(j);
  }
  const idx: number[] = [];
  const coef: number[] = [];
  /** Adds j's running-at-t terms for its crew index kk (all when −1); false if it cannot run. */
  const running = (j: number, t: number, load: number, kk: number): boolean => {
    const st = steps[j]!;
    const a = lastAtOrBefore(st.starts, t);
    if (a < 0) return false;
    const bIdx = lastAtOrBefore(st.starts, t - win.p[j]!);
    if (bIdx === a) return false;
    st.z.forEach((z, k) => {
      if (kk >= 0 && st.crews[k] !== kk) return;
      idx.push(z[a]!);
      coef.push(load);
      if (bIdx >= 0) {
        idx.push(z[bIdx]!);
        coef.push(-load);
      }
    });
    return true;
  };
  for (let t = 0; t < H; t++) {
    for (let r = 0; r < c.R; r++) {
      const capT = win.cap[r]![t]!;
      idx.length = 0;
      coef.length = 0;
      let most = 0;
      for (const j of users[r]!) {
        const d = c.dem[j * c.R + r]!;
        const load = d === ALL ? capT : d;
        if (load > 0 && running(j, t, load, -1)) most += load;
      }
      if (most > capT + EPS) b.row(idx, coef, -Infinity, capT);
    }
    for (let k = 0; k < crews.length; k++) {
      idx.length = 0;
      coef.length = 0;
      let most = 0;
      for (const j of crewUsers[k]!) if (running(j, t, 1, k)) most++;
      if (most > crews[k]!.length) b.row(idx, coef, -Infinity, crews[k]!.length);
    }
  }
}
