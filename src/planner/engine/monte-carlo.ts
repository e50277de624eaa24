import type { Problem, Schedule } from './problem.js';
import { Rng } from './rng.js';
import type { Distribution } from './sampling.js';
import { sample } from './sampling.js';

/**
 * Monte Carlo schedule risk analysis over a generic Problem. Each sample draws every activity's
 * duration from its distribution, re-schedules the whole problem with the injected scheduler
 * (resource limits and arrivals included, so which path is critical can change per sample), and
 * records the makespan and the activities on the schedule's critical chain.
 *
 * Sample s draws from its own stream, seeded by (seed, s): the same seed gives the same
 * durations in every run, and two problems with the same activities (team sizes, scenarios) see
 * the same draws (common random numbers), so their difference is the decision, not the noise.
 */

/** Schedules one sampled problem (a single fast pass is enough). */
export type SampleScheduler = (problem: Problem) => Schedule;

/** The activity indices on a schedule's critical chain. */
export type ChainFinder = (problem: Problem, schedule: Schedule) => Iterable<number>;

export interface MonteCarloOptions {
  readonly samples: number;
  readonly seed: number;
  readonly schedule: SampleScheduler;
  readonly chain: ChainFinder;
  /** Axis hours by which the project must finish, for the probability of meeting it. */
  readonly deadline?: number;
  /** How many drivers to list (by rank correlation with the finish). @default 5 */
  readonly drivers?: number;
  /**
   * A group per activity (its task id): criticality and drivers are also reported per group,
   * with the group's duration the sum of its activities'.
   */
  readonly groups?: readonly string[];
  /** Told the samples done so far, every PROGRESS_EVERY samples and after the last. */
  readonly onProgress?: (done: number) => void;
}

/** How often (in samples) monteCarlo tells onProgress. */
export const PROGRESS_EVERY = 1024;

/** Percentiles of the finish, on the axis. */
export interface Percentiles {
  readonly p50: number;
  readonly p80: number;
  readonly p95: number;
}

/** Risk figures of one activity, or of one group of activities. */
export interface RiskEntry {
  readonly id: string;
  /** Share of samples in which it is on the critical chain, 0..1. */
  readonly criticality: number;
  /** Spearman rank correlation of its sampled duration with the finish (0 when fixed). */
  readonly spearman: number;
  /** Pearson correlation of its sampled duration with the finish (0 when fixed). */
  readonly pearson: number;
  readonly meanDuration: number;
}

export interface MonteCarloResult {
  readonly samples: number;
  readonly seed: number;
  /** Makespan of each sample, in sample order. */
  readonly makespans: Float64Array;
  /** The same, ascending. */
  readonly sorted: Float64Array;
  readonly mean: number;
  readonly stdDev: number;
  readonly min: number;
  readonly max: number;
  readonly percentiles: Percentiles;
  /** When a deadline was given: it, and the share of samples finishing by it. */
  readonly deadline: { readonly at: number; readonly probability: number } | undefined;
  readonly activities: readonly RiskEntry[];
  /** Per group (task), when groups were given; else the same as activities. */
  readonly groups: readonly RiskEntry[];
  /** Groups (tasks) whose duration drives the finish most: highest Spearman first. */
  readonly drivers: readonly RiskEntry[];
}

/** Slack under this counts as meeting the deadline (rounding noise). */
const EPS = 1e-9;

/** The per-sample seed: sample s of seed k. */
export function sampleSeed(seed: number, s: number): number {
  const base = Math.imul((seed ^ 0x5bd1e995) >>> 0, 0x27d4eb2d) >>> 0;
  return (base + Math.imul(s, 0x9e3779b1)) >>> 0;
}

/** Draws sample s's durations into `out`. */
export function drawDurations(
  dists: readonly Distribution[],
  seed: number,
  s: number,
  out: Float64Array,
): void {
  const rng = new Rng(sampleSeed(seed, s));
  for (let i = 0; i < dists.length; i++) out[i] = sample(dists[i]!, rng);
}

export function monteCarlo(
  problem: Problem,
  dists: readonly Distribution[],
  opts: MonteCarloOptions,
): MonteCarloResult {
  const n = problem.n;
  const N = Math.floor(opts.samples);
  if (!(N >= 1)) throw new RangeError(`Monte Carlo needs at least one sample, got ${opts.samples}`);
  if (dists.length !== n) throw new Error(`${dists.length} distributions for ${n} activities`);
  const durs = new Float64Array(n * N); // column-major: durs[i * N + s]
  const makespans = new Float64Array(N);
  const critCount = new Float64Array(n);
  const groupIds = opts.groups ?? problem.ids;
  const groupNames = [...new Set(groupIds)];
  const groupIndex = new Map(groupNames.map((g, k) => [g, k]));
  const groupOf = Int32Array.from(groupIds, (g) => groupIndex.get(g)!);
  const G = groupNames.length;
  const groupCrit = new Float64Array(G);
  const groupSeen = new Int32Array(G).fill(-1);

  const d = new Float64Array(n);
  for (let s = 0; s < N; s++) {
    drawDurations(dists, opts.seed, s, d);
    const sampled: Problem = { ...problem, duration: d };
    const schedule = opts.schedule(sampled);
    let makespan = 0;
    for (let i = 0; i < n; i++) {
      const f = schedule.start[i]! + d[i]!;
      if (f > makespan) makespan = f;
      durs[i * N + s] = d[i]!;
    }
    makespans[s] = makespan;
    for (const i of opts.chain(sampled, schedule)) {
      critCount[i]! += 1;
      const g = groupOf[i]!;
      if (groupSeen[g] !== s) {
        groupSeen[g] = s;
        groupCrit[g]! += 1;
      }
    }
    if ((s + 1) % PROGRESS_EVERY === 0 || s + 1 === N) opts.onProgress?.(s + 1);
  }

  const sorted = Float64Array.from(makespans).sort();
  let sum = 0;
  for (const m of makespans) sum += m;
  const mean = sum / N;
  let sq = 0;
  for (const m of makespans) sq += (m - mean) * (m - mean);
  const stdDev = N > 1 ? Math.sqrt(sq / (N - 1)) : 0;
  const finishRanks = ranks(makespans);

  const entry = (id: string, col: Float64Array, crit: number): RiskEntry => {
    let total = 0;
    let varies = false;
    const first = col[0]!;
    for (let s = 0; s < N; s++) {
      const x = col[s]!;
      total += x;
      if (x !== first) varies = true;
    }
    return {
      id,
      criticality: crit / N,
      spearman: varies ? correlation(ranks(col), finishRanks) : 0,
      pearson: varies ? correlation(col, makespans) : 0,
      meanDuration: total / N,
    };
  };
  const activities = problem.ids.map((id, i) =>
    entry(id, durs.subarray(i * N, (i + 1) * N), critCount[i]!),
  );
  let groups: RiskEntry[];
  if (opts.groups === undefined) groups = activities;
  else {
    const members: number[][] = groupNames.map(() => []);
    for (let i = 0; i < n; i++) members[groupOf[i]!]!.push(i);
    groups = groupNames.map((g, k) => {
      const m = members[k]!;
      // A group of one activity has that activity's figures.
      if (m.length === 1) return { ...activities[m[0]!]!, id: g };
      const col = new Float64Array(N);
      for (const i of m) for (let s = 0; s < N; s++) col[s]! += durs[i * N + s]!;
      return entry(g, col, groupCrit[k]!);
    });
  }
  const drivers = groups
    .filter((g) => g.spearman > 0)
    .sort((a, b) => b.spearman - a.spearman || b.criticality - a.criticality)
    .slice(0, opts.drivers ?? 5);

  return {
    samples: N,
    seed: opts.seed,
    makespans,
    sorted,
    mean,
    stdDev,
    min: sorted[0]!,
    max: sorted[N - 1]!,
    percentiles: {
      p50: percentile(sorted, 0.5),
      p80: percentile(sorted, 0.8),
      p95: percentile(sorted, 0.95),
    },
    deadline:
      opts.deadline === undefined
        ? undefined
        : { at: opts.deadline, probability: shareAtMost(sorted, opts.deadline + EPS) },
    activities,
    groups,
    drivers,
  };
}

/** Nearest-rank percentile of ascending values: the smallest value with at least q of them at or below it. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const k = Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  return sorted[k]!;
}

/** Share of ascending values that are ≤ x. */
export function shareAtMost(sorted: ArrayLike<number>, x: number): number {
  return sorted.length === 0 ? 0 : upperBound(sorted, x) / sorted.length;
}

/** Ranks from 1, ties sharing their average rank. */
export function ranks(xs: ArrayLike<number>): Float64Array {
  const n = xs.length;
  // A native numeric sort of the values, then each value's rank by binary search: much faster
  // than sorting indices with a comparator.
  const sorted = Float64Array.from(xs).sort();
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const lo = lowerBound(sorted, x);
    const hi = lo + 1 < n && sorted[lo + 1] === x ? upperBound(sorted, x) : lo + 1;
    r[i] = (lo + hi - 1) / 2 + 1;
  }
  return r;
}

/** First index whose value is ≥ x, in ascending values. */
function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x, in ascending values. */
function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Pearson correlation; 0 when either side does not vary. */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // Tiny variances are rounding noise of a constant column.
  if (sxx <= 1e-12 * n * (1 + mx * mx) || syy <= 1e-12 * n * (1 + my * my)) return 0;
  return sxy / Math.sqrt(sxx * syy);
}
