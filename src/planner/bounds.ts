import type { Compiled } from './compile.js';
import type { CpmResult } from './cpm.js';
import { EPS, cpm } from './cpm.js';
import { Profile } from './profile.js';
import { InfeasibleError } from './sgs.js';

/** Lower bounds on the makespan of every feasible schedule. */
export interface Bounds {
  /** Longest path, resources ignored. */
  readonly criticalPath: number;
  /** Energy: per resource (and for the workers) the work to do against the capacity profile. */
  readonly resource: number;
  /** Longest path where no activity starts before its demand first fits the empty profile. */
  readonly arrival: number;
}

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
    let s = c.arrival[j]!;
    let stable = false;
    while (!stable) {
      stable = true;
      for (let u = u0; u < u1; u++) {
        const r = c.useRes[u]!;
        const d = c.dem[j * c.R + r]!;
        const s2 = d < 0 ? prof[r]!.earliestAll(s, p) : prof[r]!.earliest(s, p, d);
        if (s2 !== s) {
          s = s2;
          if (u1 - u0 > 1) stable = false;
        }
      }
      if (s === Infinity) throw neverFits(c, j);
    }
    rel[j] = s;
  }
  return rel;
}

function neverFits(c: Compiled, j: number): InfeasibleError {
  return new InfeasibleError(
    `Activity ${c.problem.ids[j]} can never be scheduled: its demand exceeds the capacity available`,
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
export function computeBounds(c: Compiled): BoundsResult {
  const release = arrivalRelease(c);
  let released = false;
  for (let j = 0; j < c.n && !released; j++) released = release[j]! > 0;
  const cp = cpm(c.problem, c.dur, released ? release : undefined);
  const plain = released ? cpm(c.problem, c.dur) : cp;
  if (cp === null || plain === null) throw new Error('The activity graph has a cycle');
  const n = c.n;
  let resource = 0;
  const consider = (T: Float64Array, V: Float64Array, uses: (j: number) => number): void => {
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
    const end = energyEnd(T, V, head, energy) + Math.max(0, tail);
    if (end > resource) resource = end;
  };
  for (let r = 0; r < c.R; r++) {
    const V = c.capV[r]!;
    let minPos = Infinity;
    for (const v of V) if (v > EPS && v < minPos) minPos = v;
    consider(c.capT[r]!, V, (j) => {
      const d = c.dem[j * c.R + r]!;
      return d < 0 ? minPos : d;
    });
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
  const bounds: Bounds = { criticalPath: plain.length, resource, arrival: cp.length };
  const lowerBound = Math.max(bounds.criticalPath, bounds.resource, bounds.arrival);
  return { bounds, lowerBound, release, cpm: cp };
}
