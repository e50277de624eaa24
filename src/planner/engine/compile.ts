import { compareIds } from '../../model/activities.js';
import { EPS } from './cpm.js';
import { topoOrder } from './graph.js';
import { normalizeProfile } from './capacity.js';
import type { CapacityStep, Problem } from './problem.js';
import { ALL } from './problem.js';

/**
 * A Problem flattened for the engine: typed arrays only, capacity profiles normalized, the
 * resources each activity uses listed, worker eligibility as adjacency arrays, and the id order.
 */
export interface Compiled {
  readonly problem: Problem;
  readonly n: number;
  /** Number of resources. */
  readonly R: number;
  /** Number of workers (0: the problem has none). */
  readonly W: number;
  /**
   * Durations. A Resolver rewrites them between passes (Monte Carlo); nothing else that was
   * compiled depends on them except `grid`'s size, which every pass re-checks.
   */
  readonly dur: Float64Array;
  /** n·R demands as in the problem (ALL = -1). */
  readonly dem: Float64Array;
  /**
   * Resources activity i has a nonzero demand on: useRes[useStart[i]..]. Listed whatever the
   * duration (a zero-length activity holds nothing, but waits for them: see `arrival`).
   */
  readonly useStart: Int32Array;
  readonly useRes: Int32Array;
  /**
   * implied[r] = 1 when resource r never binds beside the workers (see `impliedByWorkers`): a
   * schedule generation pass on an exact time grid leaves it out of its room checks and records
   * its demand held (Sgs: off the grid, rounding makes it bind by slivers of a few ulps).
   */
  readonly implied: Uint8Array;
  /** The uses whose room a pass checks: useRes without the implied resources, as useStart/useRes. */
  readonly fitStart: Int32Array;
  readonly fitRes: Int32Array;
  /** Normalized capacity steps per resource: capT[r][0] = 0, increasing, values change. */
  readonly capT: readonly Float64Array[];
  readonly capV: readonly Float64Array[];
  /** Eligible workers of activity i: elig[eligStart[i]..eligStart[i+1]]. */
  readonly eligStart: Int32Array;
  readonly elig: Int32Array;
  readonly succStart: Int32Array;
  readonly succ: Int32Array;
  readonly predStart: Int32Array;
  readonly pred: Int32Array;
  /** rank[i]: position of ids[i] in compareIds order (the tie-break). */
  readonly rank: Int32Array;
  /**
   * Per activity: the earliest time all its demands fit the capacity profiles at once
   * (capacity ≥ demand; > 0 for ALL), whatever its duration; Infinity when never. No activity
   * starts earlier: a zero-length one holds nothing, but still waits for the hardware it needs.
   */
  readonly arrival: Float64Array;
  /** A topological order, and each activity's position in it. */
  readonly topo: Int32Array;
  readonly topoPos: Int32Array;
  /**
   * Cells of time-indexed profiles, allocated when the compiled problem is integral and short
   * (integer durations and capacity-change times); 0 otherwise. A pass uses them only when the
   * durations it sees are still integral and fit (`gridFits`), else the skyline: rewriting
   * `dur` with fractional values is safe.
   */
  readonly grid: number;
  /**
   * Per activity, the time after which its demands never fit again (a capacity that drops for
   * good below them: a loaner GPU given back): it must end by then. Infinity where the last
   * capacity covers them; null when no activity has such a close. With closes, whether every
   * activity finds a place depends on the order: a pass may fail where another succeeds.
   */
  readonly close: Float64Array | null;
}

/**
 * The resources that never bind beside the workers: with W workers, each activity holding one
 * worker and no worker doing two at once, at most W activities run at any time, so a resource
 * whose capacity is the same from time 0 on and covers W times its largest demand (no `ALL`)
 * always has room, as an engineer resource of capacity W where each holds one engineer does.
 * A backward pass's mirrored profile of such a resource also ends at the horizon: the pass
 * checks that limit itself (Sgs.serial).
 */
function impliedByWorkers(
  n: number,
  R: number,
  W: number,
  dem: Float64Array,
  capT: readonly Float64Array[],
  capV: readonly Float64Array[],
): Uint8Array {
  const implied = new Uint8Array(R);
  if (W === 0) return implied;
  for (let r = 0; r < R; r++) {
    if (capT[r]!.length !== 1) continue;
    let most = 0;
    for (let i = 0; i < n && most >= 0; i++) {
      const d = dem[i * R + r]!;
      most = d === ALL ? -1 : Math.max(most, d);
    }
    if (most > 0 && capV[r]![0]! >= W * most) implied[r] = 1;
  }
  return implied;
}

/** useStart/useRes without the implied resources. */
function fitUses(
  n: number,
  useStart: Int32Array,
  useRes: Int32Array,
  implied: Uint8Array,
): { fitStart: Int32Array; fitRes: Int32Array } {
  if (!implied.includes(1)) return { fitStart: useStart, fitRes: useRes };
  const fitStart = new Int32Array(n + 1);
  const fit = new Int32List(useRes.length);
  for (let i = 0; i < n; i++) {
    for (let u = useStart[i]!; u < useStart[i + 1]!; u++) {
      if (implied[useRes[u]!] === 0) fit.push(useRes[u]!);
    }
    fitStart[i + 1] = fit.length;
  }
  return { fitStart, fitRes: fit.array() };
}

/** A list of int32s filled up to a known bound (`capacity`; duplicates left out may leave some unused). */
class Int32List {
  private readonly data: Int32Array<ArrayBuffer>;
  length = 0;

  constructor(capacity: number) {
    this.data = new Int32Array(capacity);
  }

  push(v: number): void {
    this.data[this.length++] = v;
  }

  /** The entries pushed, as their own array. */
  array(): Int32Array<ArrayBuffer> {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

/** Largest horizon (cells) and problem size for time-indexed profiles. */
const GRID_MAX_CELLS = 1 << 15;
const GRID_MAX_N = 2000;

/**
 * Capacity steps as the engine wants them: the capacity in force at time 0 first (0 when the
 * first step is later), then each later change; steps that do not change the capacity dropped.
 */
export function normalizeSteps(profile: readonly CapacityStep[]): {
  t: Float64Array;
  v: Float64Array;
} {
  for (const s of profile) {
    if (!Number.isFinite(s.from) || !(s.capacity >= 0) || !Number.isFinite(s.capacity)) {
      throw new Error(`Invalid capacity step {from: ${s.from}, capacity: ${s.capacity}}`);
    }
  }
  const steps = normalizeProfile(profile);
  return {
    t: Float64Array.from(steps, (s) => s.from),
    v: Float64Array.from(steps, (s) => s.capacity),
  };
}

const rankCache = new WeakMap<readonly string[], Int32Array>();

type Key = readonly string[];

function idKey(id: string): Key {
  return id.match(/\d+|\D+/g) ?? [];
}

/** compareIds on pre-split ids (same order, without re-running the regex per comparison). */
function compareKeys(a: string, ka: Key, b: string, kb: Key): number {
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const x = ka[i]!;
    const y = kb[i]!;
    if (x === y) continue;
    const nx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const ny = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    if (nx && ny) {
      const diff = Number(x) - Number(y);
      if (diff !== 0) return diff;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  if (ka.length !== kb.length) return ka.length - kb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** rank[i] = position of ids[i] when the ids are sorted with compareIds (cached per array). */
export function idRanks(ids: readonly string[]): Int32Array {
  const hit = rankCache.get(ids);
  if (hit !== undefined && hit.length === ids.length) return hit;
  const n = ids.length;
  const rank = new Int32Array(n);
  let sorted = true;
  if (n > 64) {
    const keys = ids.map(idKey);
    for (let i = 1; i < n && sorted; i++) {
      if (compareKeys(ids[i - 1]!, keys[i - 1]!, ids[i]!, keys[i]!) > 0) sorted = false;
    }
    if (sorted) {
      for (let i = 0; i < n; i++) rank[i] = i;
    } else {
      const idx = Array.from({ length: n }, (_, i) => i);
      idx.sort((a, b) => compareKeys(ids[a]!, keys[a]!, ids[b]!, keys[b]!) || a - b);
      idx.forEach((v, k) => (rank[v] = k));
    }
  } else {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => compareIds(ids[a]!, ids[b]!) || a - b);
    idx.forEach((v, k) => (rank[v] = k));
  }
  rankCache.set(ids, rank);
  return rank;
}

/**
 * Cells a time-indexed pass needs for these durations: 1 + Σ durations + Σ (last capacity-change
 * time per resource), which bounds every start of a serial pass. 0 when a duration or a change
 * time is not an integer (the grid cannot represent it).
 */
export function gridCells(dur: Float64Array, capT: readonly Float64Array[]): number {
  let h = 1;
  for (let i = 0; i < dur.length; i++) {
    const p = dur[i]!;
    if (!Number.isInteger(p)) return 0;
    h += p;
  }
  for (const t of capT) {
    for (const x of t) if (!Number.isInteger(x)) return 0;
    h += t[t.length - 1]!;
  }
  return h;
}

/** Earliest x ≥ t where capacity (steps T, V) covers demand d (ALL: any positive); Infinity if never. */
function firstFit(T: Float64Array, V: Float64Array, d: number, t: number): number {
  const fits = (v: number): boolean => (d === ALL ? v > EPS : v >= d - EPS);
  let k = 0;
  while (k + 1 < T.length && T[k + 1]! <= t) k++;
  if (fits(V[k]!)) return t;
  for (k++; k < T.length; k++) if (fits(V[k]!)) return T[k]!;
  return Infinity;
}

/** The time from which demand `d` never fits the capacity steps again; Infinity if it does at the end. */
export function lastFit(T: Float64Array, V: Float64Array, d: number): number {
  const fits = (v: number): boolean => (d === ALL ? v > EPS : v >= d - EPS);
  if (fits(V[V.length - 1]!)) return Infinity;
  let k = V.length - 1;
  while (k > 0 && !fits(V[k - 1]!)) k--;
  return T[k]!;
}

/** Per activity, `Compiled.close`: null when every activity's demands fit the last capacity. */
function closesOf(
  n: number,
  R: number,
  useStart: Int32Array,
  useRes: Int32Array,
  dem: Float64Array,
  capT: readonly Float64Array[],
  capV: readonly Float64Array[],
): Float64Array | null {
  let close: Float64Array | null = null;
  for (let i = 0; i < n; i++) {
    for (let u = useStart[i]!; u < useStart[i + 1]!; u++) {
      const r = useRes[u]!;
      const t = lastFit(capT[r]!, capV[r]!, dem[i * R + r]!);
      if (t === Infinity) continue;
      close ??= new Float64Array(n).fill(Infinity);
      if (t < close[i]!) close[i] = t;
    }
  }
  return close;
}

/** True when a pass over c with its current durations may use the grid profiles. */
export function gridFits(c: Compiled): boolean {
  if (c.grid <= 0) return false;
  const h = gridCells(c.dur, c.capT);
  return h > 0 && h <= c.grid;
}

/** Checks the problem's shape and flattens it. Throws on a malformed problem (a caller bug). */
export function compile(problem: Problem, opts: { grid?: boolean } = {}): Compiled {
  const n = problem.n;
  const R = problem.resources.length;
  const dur = problem.duration;
  if (dur.length !== n || problem.ids.length !== n) {
    throw new Error(
      `Problem has ${n} activities but ${dur.length} durations / ${problem.ids.length} ids`,
    );
  }
  if (problem.demand.length !== n * R) {
    throw new Error(`Problem demand has ${problem.demand.length} entries, expected ${n * R}`);
  }
  for (let i = 0; i < n; i++) {
    const p = dur[i]!;
    if (!(p >= 0) || !Number.isFinite(p)) {
      throw new Error(`Activity ${problem.ids[i]} has invalid duration ${p}`);
    }
  }
  const known = shapes.get(problem.demand);
  const shape = known !== undefined && sameShape(known.problem, problem) ? known.shape : undefined;
  if (shape !== undefined) {
    return { ...shape, problem, dur, grid: gridOf(n, dur, shape.capT, opts) };
  }
  const made = compileShape(problem);
  shapes.set(problem.demand, { problem, shape: made });
  return { ...made, problem, dur, grid: gridOf(n, dur, made.capT, opts) };
}

/** What compile makes of a problem whatever its durations: all of Compiled but those. */
type Shape = Omit<Compiled, 'problem' | 'dur' | 'grid'>;

/**
 * The shape compiled last from each demand array, with the problem it came from. A problem that
 * shares that problem's arrays (graph, demands, resources, workers, ids) and differs only in its
 * durations (the confidence range's retimed passes, a Monte Carlo sample) has the same shape.
 * A problem's arrays are taken as immutable once compiled, as everywhere in the engine.
 */
const shapes = new WeakMap<Float64Array, { problem: Problem; shape: Shape }>();

function sameShape(a: Problem, b: Problem): boolean {
  return (
    a.n === b.n &&
    a.demand === b.demand &&
    a.succStart === b.succStart &&
    a.succ === b.succ &&
    a.predStart === b.predStart &&
    a.pred === b.pred &&
    a.resources === b.resources &&
    a.workers === b.workers &&
    a.ids === b.ids
  );
}

/** Cells of the time-indexed profiles for these durations (Compiled.grid). */
function gridOf(
  n: number,
  dur: Float64Array,
  capT: readonly Float64Array[],
  opts: { grid?: boolean },
): number {
  if (n > GRID_MAX_N || opts.grid === false) return 0;
  const h = gridCells(dur, capT);
  return h <= GRID_MAX_CELLS ? h : 0;
}

/** compile's work on everything but the durations. */
function compileShape(problem: Problem): Shape {
  const n = problem.n;
  const R = problem.resources.length;
  const capT: Float64Array[] = [];
  const capV: Float64Array[] = [];
  for (const r of problem.resources) {
    const s = normalizeSteps(r.profile);
    capT.push(s.t);
    capV.push(s.v);
  }
  const dem = problem.demand;
  const useStart = new Int32Array(n + 1);
  let cnt = 0;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < R; r++) {
      const d = dem[i * R + r]!;
      if (d !== 0) {
        if (d !== ALL && !(d > 0 && Number.isFinite(d))) {
          throw new Error(
            `Activity ${problem.ids[i]} has invalid demand ${d} on ${problem.resources[r]!.id}`,
          );
        }
        cnt++;
      }
    }
    useStart[i + 1] = cnt;
  }
  const useRes = new Int32Array(cnt);
  cnt = 0;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < R; r++) if (dem[i * R + r]! !== 0) useRes[cnt++] = r;
  }
  const W = problem.workers?.names.length ?? 0;
  const eligStart = new Int32Array(n + 1);
  let elig = new Int32Array(0);
  if (problem.workers !== undefined) {
    if (W === 0) throw new Error('Problem has a workers list with nobody in it');
    const lists = problem.workers.eligible;
    // Anyone may do most activities: their entries (0…W−1) are counted first, so the list is
    // one typed array filled in place, not a JS array of n·W numbers copied at the end.
    let size = 0;
    for (let i = 0; i < n; i++) size += (lists[i] ?? null) === null ? W : lists[i]!.length;
    const out = new Int32List(size);
    for (let i = 0; i < n; i++) {
      const e = lists[i] ?? null;
      if (e === null) for (let w = 0; w < W; w++) out.push(w);
      else {
        const seen = new Set<number>();
        for (const w of [...e].sort((a, b) => a - b)) {
          if (!(Number.isInteger(w) && w >= 0 && w < W)) {
            throw new Error(`Activity ${problem.ids[i]} lists unknown worker index ${w}`);
          }
          if (!seen.has(w)) out.push(w);
          seen.add(w);
        }
        if (seen.size === 0) throw new Error(`Activity ${problem.ids[i]} has no eligible worker`);
      }
      eligStart[i + 1] = out.length;
    }
    elig = out.array();
  }
  const arrival = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u0 = useStart[i]!;
    const u1 = useStart[i + 1]!;
    let t = 0;
    let stable = false;
    while (!stable && t !== Infinity) {
      stable = true;
      for (let u = u0; u < u1; u++) {
        const r = useRes[u]!;
        const t2 = firstFit(capT[r]!, capV[r]!, dem[i * R + r]!, t);
        if (t2 !== t) {
          t = t2;
          if (u1 - u0 > 1) stable = false;
        }
      }
    }
    arrival[i] = t;
  }
  const topo = topoOrder(problem);
  if (topo === null) throw new Error('The activity graph has a cycle');
  const topoPos = new Int32Array(n);
  for (let k = 0; k < n; k++) topoPos[topo[k]!] = k;
  const implied = impliedByWorkers(n, R, W, dem, capT, capV);
  return {
    n,
    R,
    W,
    dem,
    useStart,
    useRes,
    implied,
    ...fitUses(n, useStart, useRes, implied),
    capT,
    capV,
    eligStart,
    elig,
    succStart: problem.succStart,
    succ: problem.succ,
    predStart: problem.predStart,
    pred: problem.pred,
    rank: idRanks(problem.ids),
    arrival,
    topo,
    topoPos,
    close: closesOf(n, R, useStart, useRes, dem, capT, capV),
  };
}
