import { sortByKey } from './fbi.js';
import type { SampleScheduler } from './monte-carlo.js';
import type { Problem, Schedule } from './problem.js';
import { Resolver } from './resolve.js';
import { InfeasibleError } from './sgs.js';

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
    let best: Schedule | null = null;
    let failure: unknown;
    try {
      best = rs.lft(rounds);
    } catch (e) {
      // Where capacity drops for good, the LFT order may leave work no place that the plan's
      // order finds one for.
      if (!(e instanceof InfeasibleError) || rs.c.close === null) throw e;
      failure = e;
    }
    if (planList !== null) {
      let followed: Schedule | null = null;
      try {
        followed = rs.follow(planList, planWorker);
      } catch {
        // A fixed engineer may be unable to take an activity (never, for a plan of this problem).
      }
      if (followed !== null && (best === null || followed.makespan < best.makespan))
        return followed;
    }
    if (best === null) throw failure;
    return best;
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
