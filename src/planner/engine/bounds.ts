import type { Compiled } from './compile.js';
import type { CpmResult } from './cpm.js';
import { EPS, cpm } from './cpm.js';
import { Profile } from './profile.js';
import { InfeasibleError, earliestOnResources, neverFitsWords } from './sgs.js';

/** Lower bounds on the makespan of every feasible schedule. */
export interface Bounds {
  /** Longest path, resources ignored. */
  readonly criticalPath: number;
  /** Energy: per resource (and for the workers) the work to do against the capacity profile. */
  readonly resource: number;
  /** Longest path where no activity starts before its demand first fits the empty profile. */
  readonly arrival: number;
  /**
   * Energetic reasoning by destructive improvement (see `energeticBound`): at least the three
   * above; 0 when not computed (fast mode, or more than ENERGETIC_MAX_N activities).
   */
  readonly energetic: number;
  /** The exact method's bound, present only when it raised the others (see planner/exact). */
  readonly exact?: number;
}

/** Largest problem the energetic bound runs on (O(n³) per trial makespan and resource). */
export const ENERGETIC_MAX_N = 64;

export interface BoundsResult {
  readonly bounds: Bounds;
  readonly lowerBound: number;
  /** Per activity: the earliest time its demand fits the empty profiles (arrival release). */
  readonly release: Float64Array;
  /** CPM with those release times (heads, tails, slack for priority rules). */
  readonly cpm: CpmResult;
}

/**
 * Earliest start of every activity on the empty profiles (each resource alone, iterated to a
 * common time); for a zero-length activity, the earliest time its demands fit the capacity
 * (`Compiled.arrival`). Infinity-free: throws InfeasibleError when an activity never fits.
 */
export function arrivalRelease(c: Compiled): Float64Array {
  const rel = new Float64Array(c.n);
  let prof: Profile[] | null = null;
  for (let j = 0; j < c.n; j++) {
    const p = c.dur[j]!;
    const u0 = c.useStart[j]!;
    const u1 = c.useStart[j + 1]!;
    if (u0 === u1) continue;
    if (p <= 0) {
      if (c.arrival[j] === Infinity) throw neverFits(c, j);
      rel[j] = c.arrival[j]!;
      continue;
    }
    // Fast path: every resource used has constant capacity from 0 that covers the demand.
    let trivial = true;
    for (let u = u0; u < u1 && trivial; u++) {
      const r = c.useRes[u]!;
      const d = c.dem[j * c.R + r]!;
      trivial =
        c.capT[r]!.length === 1 && (d < 0 ? c.capV[r]![0]! > EPS : c.capV[r]![0]! >= d - EPS);
    }
    if (trivial) continue;
    prof ??= c.capT.map((t, r) => new Profile(t, c.capV[r]!));
    const s = earliestOnResources(c, prof, j, c.arrival[j]!, p);
    if (s === Infinity) throw neverFits(c, j);
    rel[j] = s;
  }
  return rel;
}

function neverFits(c: Compiled, j: number): InfeasibleError {
  return new InfeasibleError(neverFitsWords(c, j, 'its demand exceeds the capacity available'));
}

/**
 * No schedule exists: the work that holds a resource needs more of it (units × hours) than its
 * capacity offers from the earliest time any of that work may start (it drops for good before).
 */
function tooLittle(
  T: Float64Array,
  V: Float64Array,
  from: number,
  energy: number,
  name: string,
): InfeasibleError {
  let offered = 0;
  for (let k = 0; k < T.length; k++) {
    const a = Math.max(T[k]!, from);
    const b = k + 1 < T.length ? T[k + 1]! : Infinity;
    if (b > a && V[k]! > 0) offered += (b - a) * V[k]!;
  }
  const round = (h: number): number => Math.round(h * 100) / 100;
  return new InfeasibleError(
    `the work that holds ${name} needs at least ${round(energy)} ${name}-hours of it, but from ` +
      `hour ${round(from)} on ${name} offers only ${round(offered)} in all: no schedule exists`,
  );
}

/** Earliest T ≥ from with ∫_from^T capacity ≥ energy (Infinity if never). */
function energyEnd(T: Float64Array, V: Float64Array, from: number, energy: number): number {
  if (energy <= EPS) return from;
  let left = energy;
  for (let k = 0; k < T.length; k++) {
    const a = Math.max(T[k]!, from);
    const b = k + 1 < T.length ? T[k + 1]! : Infinity;
    if (b <= a) continue;
    const cap = V[k]!;
    if (cap <= 0) continue;
    const need = left / cap;
    if (a + need <= b) return a + need;
    left -= (b - a) * cap;
    // What the sums' rounding leaves (8.000000000000002 of 8): done at the stretch's end.
    if (left <= EPS) return b;
  }
  return Infinity;
}

/**
 * Critical-path, energy and arrival bounds. The energy bound for a resource counts, for the
 * activities using it, Σ p·d (an ALL demand counts as the smallest positive capacity level),
 * placed from the earliest head of those activities, and adds their smallest tail. Workers
 * count as one more resource of constant capacity W, and each worker alone for the
 * activities only it may do.
 */
export function computeBounds(
  c: Compiled,
  opts: { readonly energetic?: boolean } = {},
): BoundsResult {
  const release = arrivalRelease(c);
  let released = false;
  for (let j = 0; j < c.n && !released; j++) released = release[j]! > 0;
  const { cp, plain } = cpmOf(c, released ? release : undefined);
  const n = c.n;
  let resource = 0;
  const consider = (
    T: Float64Array,
    V: Float64Array,
    uses: (j: number) => number,
    name = 'the engineers',
  ): void => {
    let energy = 0;
    let head = Infinity;
    let tail = Infinity;
    for (let j = 0; j < n; j++) {
      const p = c.dur[j]!;
      if (p <= 0) continue;
      const d = uses(j);
      if (d <= 0) continue;
      energy += p * d;
      if (cp.es[j]! < head) head = cp.es[j]!;
      const tl = cp.length - cp.lf[j]!;
      if (tl < tail) tail = tl;
    }
    if (energy <= 0) return;
    const done = energyEnd(T, V, head, energy);
    if (done === Infinity) throw tooLittle(T, V, head, energy, name);
    const end = done + Math.max(0, tail);
    if (end > resource) resource = end;
  };
  for (let r = 0; r < c.R; r++) {
    const V = c.capV[r]!;
    let minPos = Infinity;
    for (const v of V) if (v > EPS && v < minPos) minPos = v;
    consider(
      c.capT[r]!,
      V,
      (j) => {
        const d = c.dem[j * c.R + r]!;
        return d < 0 ? minPos : d;
      },
      c.problem.resources[r]?.id ?? `resource ${r}`,
    );
  }
  if (c.W > 0) {
    const zero = Float64Array.of(0);
    consider(zero, Float64Array.of(c.W), () => 1);
    for (let w = 0; w < c.W; w++) {
      consider(zero, Float64Array.of(1), (j) =>
        c.eligStart[j + 1]! - c.eligStart[j]! === 1 && c.elig[c.eligStart[j]!] === w ? 1 : 0,
      );
    }
  }
  const basic = Math.max(plain.length, resource, cp.length);
  const energetic =
    opts.energetic !== false && c.n <= ENERGETIC_MAX_N ? energeticBound(c, cp, basic) : 0;
  const bounds: Bounds = { criticalPath: plain.length, resource, arrival: cp.length, energetic };
  const lowerBound = Math.max(basic, energetic);
  return { bounds, lowerBound, release, cpm: cp };
}

/**
 * The last CPM passes per graph, with the durations and releases they were made for (copies):
 * solves of one project for several teams (the same activities, durations and, mostly, arrival
 * releases) run them once. Memoized only: a result is reused where its inputs are equal.
 */
interface CpmMemo {
  readonly g: { succ: Int32Array; predStart: Int32Array; pred: Int32Array };
  readonly dur: Float64Array;
  readonly release: Float64Array | undefined;
  readonly cp: CpmResult;
  readonly plain: CpmResult;
}
const cpmMemo = new WeakMap<Int32Array, CpmMemo>();

function sameValues(a: Float64Array | undefined, b: Float64Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** CPM with the releases (cp) and without them (plain), for c's graph and durations. */
function cpmOf(
  c: Compiled,
  release: Float64Array | undefined,
): { cp: CpmResult; plain: CpmResult } {
  const g = c.problem;
  const hit = cpmMemo.get(g.succStart);
  if (
    hit !== undefined &&
    hit.g.succ === g.succ &&
    hit.g.predStart === g.predStart &&
    hit.g.pred === g.pred &&
    sameValues(hit.dur, c.dur) &&
    sameValues(hit.release, release)
  )
    return hit;
  const cp = cpm(g, c.dur, release);
  const plain = release !== undefined ? cpm(g, c.dur) : cp;
  if (cp === null || plain === null) throw new Error('The activity graph has a cycle');
  cpmMemo.set(g.succStart, {
    g: { succ: g.succ, predStart: g.predStart, pred: g.pred },
    dur: Float64Array.from(c.dur),
    release: release === undefined ? undefined : Float64Array.from(release),
    cp,
    plain,
  });
  return { cp, plain };
}

/** One resource as the energetic test sees it: capacity steps and each activity's demand. */
interface View {
  readonly T: Float64Array;
  readonly V: Float64Array;
  /** Activities with positive duration and demand, and those demands. */
  readonly acts: Int32Array;
  readonly dem: Float64Array;
}

/** ∫_a^b capacity (steps T, V; V[k] from T[k] on). */
function capIntegral(T: Float64Array, V: Float64Array, a: number, b: number): number {
  let sum = 0;
  for (let k = 0; k < T.length; k++) {
    const lo = Math.max(a, T[k]!);
    const hi = Math.min(b, k + 1 < T.length ? T[k + 1]! : Infinity);
    if (hi > lo) sum += (hi - lo) * V[k]!;
  }
  return sum;
}

/**
 * The smallest u among 1, 1/2, 1/4, … , 1/100 of which every duration and capacity-change time
 * is a multiple (every start of an active schedule, so the optimum, is one too); 0 if none.
 */
export function timeUnit(c: Compiled): number {
  const multiple = (x: number, u: number): boolean => {
    const k = x / u;
    return Math.abs(k - Math.round(k)) <= 1e-9 * Math.max(1, Math.abs(k));
  };
  for (const u of [1, 0.5, 0.25, 0.2, 0.125, 0.1, 0.05, 0.01]) {
    let ok = true;
    for (let i = 0; i < c.n && ok; i++) ok = multiple(c.dur[i]!, u);
    for (const t of c.capT) for (let k = 0; k < t.length && ok; k++) ok = multiple(t[k]!, u);
    if (ok) return u;
  }
  return 0;
}

/**
 * Energetic reasoning (Baptiste, Le Pape & Nuijten; Lopez & Esquirol) inside destructive
 * improvement (Klein & Scholl): a trial makespan T gives every activity a window [r_j, d_j]
 * with r_j its head (CPM with arrival releases) and d_j = T − its tail. In any schedule of
 * makespan ≤ T, activity j spends at least min(b − a, p_j, r_j + p_j − a, b − d_j + p_j)
 * (if positive) inside [a, b), holding its demand (ALL: at least the smallest positive
 * capacity level) there, so on every resource the sum over activities cannot exceed
 * ∫_a^b capacity. Intervals from window ends (a ∈ {r_j, d_j − p_j}, b ∈ {d_j, r_j + p_j}) are
 * tried on each resource, on the engineers (every activity holds one of W) and on each worker
 * alone (activities only it may do). A violated interval refutes T, and every smaller T too
 * (windows only shrink), so the bound is the smallest T not refuted above the largest refuted
 * one: exact steps of the time unit when the data have one (then the optimum is a multiple
 * of it), else within 1e-7 relative, rounded down to the refuted side. Never above the
 * optimum; `from` (a known bound) is the first trial.
 */
export function energeticBound(c: Compiled, cp: CpmResult, from: number): number {
  const n = c.n;
  const views: View[] = [];
  const addView = (T: Float64Array, V: Float64Array, uses: (j: number) => number): void => {
    const acts: number[] = [];
    const dem = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      if (!(c.dur[j]! > 0)) continue;
      const d = uses(j);
      if (d > 0) {
        acts.push(j);
        dem[j] = d;
      }
    }
    if (acts.length > 1) views.push({ T, V, acts: Int32Array.from(acts), dem });
  };
  for (let r = 0; r < c.R; r++) {
    const V = c.capV[r]!;
    let minPos = Infinity;
    for (const v of V) if (v > EPS && v < minPos) minPos = v;
    addView(c.capT[r]!, V, (j) => {
      const d = c.dem[j * c.R + r]!;
      return d < 0 ? minPos : d;
    });
  }
  if (c.W > 0) {
    const zero = Float64Array.of(0);
    addView(zero, Float64Array.of(c.W), () => 1);
    for (let w = 0; w < c.W; w++) {
      addView(zero, Float64Array.of(1), (j) =>
        c.eligStart[j + 1]! - c.eligStart[j]! === 1 && c.elig[c.eligStart[j]!] === w ? 1 : 0,
      );
    }
  }
  if (views.length === 0) return from;
  const head = cp.es;
  const tail = new Float64Array(n);
  for (let j = 0; j < n; j++) tail[j] = Math.max(0, cp.length - cp.lf[j]!);
  const dl = new Float64Array(n);
  const As = new Float64Array(2 * n);
  const Bs = new Float64Array(2 * n);

  /** False when some interval refutes makespan T. */
  const passes = (T: number): boolean => {
    const tol = 1e-9 * Math.max(1, T);
    for (let j = 0; j < n; j++) {
      dl[j] = T - tail[j]!;
      if (head[j]! + c.dur[j]! > dl[j]! + tol) return false;
    }
    for (const v of views) {
      let na = 0;
      let nb = 0;
      for (const j of v.acts) {
        const p = c.dur[j]!;
        As[na++] = head[j]!;
        As[na++] = dl[j]! - p;
        Bs[nb++] = dl[j]!;
        Bs[nb++] = head[j]! + p;
      }
      const A = As.subarray(0, na).sort();
      const B = Bs.subarray(0, nb).sort();
      for (let ia = 0; ia < na; ia++) {
        const a = A[ia]!;
        if (ia > 0 && a === A[ia - 1]) continue;
        for (let ib = 0; ib < nb; ib++) {
          const b = B[ib]!;
          if (b <= a + tol || (ib > 0 && b === B[ib - 1])) continue;
          const cap = capIntegral(v.T, v.V, a, b);
          const limit = cap + 1e-9 * Math.max(1, cap);
          let e = 0;
          for (const j of v.acts) {
            const p = c.dur[j]!;
            let o = b - a;
            if (p < o) o = p;
            const left = head[j]! + p - a;
            if (left < o) o = left;
            const right = b - dl[j]! + p;
            if (right < o) o = right;
            if (o > 0) {
              e += o * v.dem[j]!;
              if (e > limit) return false;
            }
          }
        }
      }
    }
    return true;
  };

  if (passes(from)) return from;
  const u = timeUnit(c);
  if (u > 0) {
    // Multiples of u: lo·u refuted, hi·u not.
    let lo = Math.ceil(from / u - 1e-9);
    if (lo * u > from + 1e-9 * Math.max(1, from)) lo--;
    let step = 1;
    let hi = lo + step;
    for (let k = 0; !passes(hi * u); k++) {
      if (k > 60) return from;
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (passes(mid * u)) hi = mid;
      else lo = mid;
    }
    return Math.max(from, hi * u);
  }
  let lo = from;
  let step = Math.max(1e-3 * Math.abs(from), 1e-6);
  let hi = lo + step;
  for (let k = 0; !passes(hi); k++) {
    if (k > 60) return from;
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  while (hi - lo > 1e-7 * Math.max(1, hi)) {
    const mid = (lo + hi) / 2;
    if (passes(mid)) hi = mid;
    else lo = mid;
  }
  return lo;
}
