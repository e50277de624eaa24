import { arrivalRelease } from './bounds.js';
import type { Compiled } from './compile.js';
import { compile } from './compile.js';
import { Fbi, sortByKey } from './fbi.js';
import { idRanks } from './compile.js';
import type { ChainFinder, SampleScheduler } from './monte-carlo.js';
import { ENGINEER } from './project-problem.js';
import { priorityList } from './priority.js';
import type { Problem, Schedule } from './problem.js';
import { Sgs } from './sgs.js';

/** A baseline plan to follow: its schedule's order and engineer assignments. */
export interface PlanPolicy {
  readonly schedule: Schedule;
}

export interface FastSchedulerOptions {
  /**
   * Also schedule each sample by following this plan (same order by start, same engineers,
   * durations as sampled) and keep the better of the two. With fixed estimates this reproduces
   * the plan exactly, so Monte Carlo never reports worse than the deterministic plan.
   */
  readonly plan?: PlanPolicy;
  /** Improve the LFT pass by one forward-backward round. @default false */
  readonly fbi?: boolean;
}

/**
 * A per-sample scheduler: a serial SGS pass in LFT order (latest finish times of the sampled
 * durations; the engine's fast mode, optionally with its forward-backward round), and, when a
 * plan is given, a serial pass that follows the plan; the shorter wins. Monte Carlo hands it the
 * same problem shape with one duration buffer rewritten per sample, so the problem is compiled
 * once against that buffer and the SGS profiles are reused.
 *
 * The returned schedule's arrays are reused by the next call: read them before calling again.
 */
export function reusableFastScheduler(opts: FastSchedulerOptions = {}): SampleScheduler {
  let c: Compiled | null = null;
  let key: Problem | null = null;
  let sgs: Sgs;
  let fbi: Fbi;
  let start: Float64Array;
  let worker: Int32Array;
  let held: Float64Array;
  let pStart: Float64Array;
  let pWorker: Int32Array;
  let pHeld: Float64Array;
  let ef: Float64Array;
  let lf: Float64Array;
  let release: Float64Array;
  let planList: Int32Array | null = null;
  let planWorker: Int32Array | null = null;
  return (problem: Problem): Schedule => {
    if (c === null || key === null || !sameShape(key, problem)) {
      // Compiled against positive, non-integral durations, so every activity's resource use is
      // listed even when a sample draws 0 for it, and the engine keeps general (not
      // time-indexed) profiles, as sampled durations are fractional; then pointed at the live
      // buffer.
      const probe = compile({ ...problem, duration: new Float64Array(problem.n).fill(0.5) });
      c = { ...probe, problem, dur: problem.duration, grid: 0 };
      key = problem;
      sgs = new Sgs(c);
      fbi = new Fbi(c, sgs);
      start = new Float64Array(c.n);
      worker = new Int32Array(c.n);
      held = new Float64Array(c.n * c.R);
      pStart = new Float64Array(c.n);
      pWorker = new Int32Array(c.n);
      pHeld = new Float64Array(c.n * c.R);
      ef = new Float64Array(c.n);
      lf = new Float64Array(c.n);
      // Release times only order the LFT priorities (the SGS enforces arrivals itself), so the
      // first sample's serve for all.
      release = arrivalRelease(c);
      const plan = opts.plan?.schedule;
      if (plan !== undefined && plan.start.length === c.n) {
        planList = Int32Array.from(c.topo);
        sortByKey(planList, plan.start, c.topoPos);
        planWorker = c.W > 0 && plan.worker.every((w) => w >= 0 && w < c!.W) ? plan.worker : null;
      }
    }
    latestFinish(c, release, ef, lf);
    const list = priorityList(c, lf);
    let makespan = sgs.serial(list, start, worker, held);
    if (opts.fbi === true) makespan = fbi.improve(list, start, worker, held, makespan, 1);
    if (planList !== null) {
      let m = Infinity;
      try {
        m = sgs.serial(planList, pStart, pWorker, pHeld, false, 0, planWorker);
      } catch {
        // A fixed engineer may be unable to take an activity (never, for a plan of this problem).
      }
      if (m < makespan) return { start: pStart, worker: pWorker, held: pHeld, makespan: m };
    }
    return { start, worker, held, makespan };
  };
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
}

/**
 * The team plan's critical chain (`criticalChain` in project-problem.ts: same walk, same
 * tie-breaks) as activity indices, without allocating per call: from the last-finishing activity
 * back through a predecessor ending at its start, else its engineer's previous activity ending
 * then, else an activity releasing a resource it needs then; it stops at time 0, an arrival or
 * slack. Returns the chain end to start; valid until the next call.
 */
export function reusableChainFinder(): ChainFinder {
  let ids: readonly string[] | null = null;
  let rank: Int32Array = new Int32Array(0);
  let seen = new Int32Array(0);
  let out: Int32Array = new Int32Array(0);
  let engineer = -1;
  let stamp = 0;
  return (problem: Problem, schedule: Schedule): Int32Array => {
    const n = problem.n;
    const R = problem.resources.length;
    if (ids !== problem.ids) {
      ids = problem.ids;
      rank = idRanks(problem.ids);
      seen = new Int32Array(n);
      out = new Int32Array(n);
      stamp = 0;
      engineer = problem.resources.findIndex((r) => r.id === ENGINEER);
    }
    if (n === 0) return out.subarray(0, 0);
    stamp++;
    const start = schedule.start;
    const dur = problem.duration;
    const near = (x: number, y: number): boolean => Math.abs(x - y) < 1e-6;
    let cur = 0;
    for (let i = 1; i < n; i++) {
      const ei = start[i]! + dur[i]!;
      const ec = start[cur]! + dur[cur]!;
      if (ei - ec > 1e-6 || (near(ei, ec) && rank[i]! < rank[cur]!)) cur = i;
    }
    let len = 0;
    for (;;) {
      seen[cur] = stamp;
      out[len++] = cur;
      const s = start[cur]!;
      if (s < 1e-6) break;
      let next = -1;
      const better = (i: number): void => {
        if (
          seen[i] !== stamp &&
          near(start[i]! + dur[i]!, s) &&
          (next < 0 || rank[i]! < rank[next]!)
        )
          next = i;
      };
      for (let e = problem.predStart[cur]!; e < problem.predStart[cur + 1]!; e++)
        better(problem.pred[e]!);
      const w = schedule.worker[cur]!;
      if (next < 0 && w >= 0)
        for (let i = 0; i < n; i++) if (i !== cur && schedule.worker[i] === w) better(i);
      for (let r = 0; r < R && next < 0; r++) {
        if (r === engineer && w >= 0) continue;
        if (problem.demand[cur * R + r] === 0) continue;
        for (let i = 0; i < n; i++) if (i !== cur && schedule.held[i * R + r]! > 0) better(i);
      }
      if (next < 0) break;
      cur = next;
    }
    return out.subarray(0, len);
  };
}

/** Same arrays (structure, demands, resources, workers and the duration buffer itself). */
function sameShape(a: Problem, b: Problem): boolean {
  return (
    a.duration === b.duration &&
    a.succ === b.succ &&
    a.pred === b.pred &&
    a.demand === b.demand &&
    a.resources === b.resources &&
    a.workers === b.workers
  );
}
