import { idRanks } from './compile.js';
import { sortByKey } from './fbi.js';
import type { ChainFinder, SampleScheduler } from './monte-carlo.js';
import { ENGINEER } from './project-problem.js';
import type { Problem, Schedule } from './problem.js';
import { Resolver } from './resolve.js';

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
  /** Improve the LFT pass by one forward-backward round. @default true */
  readonly fbi?: boolean;
}

/**
 * A per-sample scheduler on the engine's Resolver: a serial SGS pass in LFT order (latest
 * finish times of the sampled durations) improved by one forward-backward round, and, when a
 * plan is given, a serial pass that follows the plan; the shorter wins. Monte Carlo hands it the
 * same problem shape with one duration buffer rewritten per sample, so the problem is compiled
 * once and each sample only swaps the durations in.
 *
 * The returned schedule's arrays are reused by the next call: read them before calling again.
 */
export function reusableFastScheduler(opts: FastSchedulerOptions = {}): SampleScheduler {
  let rs: Resolver | null = null;
  let key: Problem | null = null;
  let planList: Int32Array | null = null;
  let planWorker: Int32Array | null = null;
  const rounds = opts.fbi === false ? 0 : 1;
  return (problem: Problem): Schedule => {
    if (rs === null || key === null || !sameShape(key, problem)) {
      rs = new Resolver(problem);
      key = problem;
      const c = rs.c;
      planList = null;
      planWorker = null;
      const plan = opts.plan?.schedule;
      if (plan !== undefined && plan.start.length === c.n) {
        planList = Int32Array.from(c.topo);
        sortByKey(planList, plan.start, c.topoPos);
        planWorker = c.W > 0 && plan.worker.every((w) => w >= 0 && w < c.W) ? plan.worker : null;
      }
    }
    rs.setDurations(problem.duration);
    const best = rs.lft(rounds);
    if (planList !== null) {
      let followed: Schedule | null = null;
      try {
        followed = rs.follow(planList, planWorker);
      } catch {
        // A fixed engineer may be unable to take an activity (never, for a plan of this problem).
      }
      if (followed !== null && followed.makespan < best.makespan) return followed;
    }
    return best;
  };
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

/** Same arrays (structure, demands, resources, workers); the durations are copied per sample. */
function sameShape(a: Problem, b: Problem): boolean {
  return (
    a.n === b.n &&
    a.ids === b.ids &&
    a.succ === b.succ &&
    a.pred === b.pred &&
    a.demand === b.demand &&
    a.resources === b.resources &&
    a.workers === b.workers
  );
}
