import type { Bounds } from './bounds.js';
import { computeBounds } from './bounds.js';
import { compile } from './compile.js';
import { EPS } from './cpm.js';
import { sortByKey } from './fbi.js';
import type { Individual } from './ga.js';
import { gaSettings, runGa } from './ga.js';
import type { PriorityRule } from './priority.js';
import { PRIORITY_RULES, priorityList, priorityValues, sampledList } from './priority.js';
import type { Problem, Schedule } from './problem.js';
import { Rng } from './rng.js';
import { Search } from './search.js';
import { InfeasibleError } from './sgs.js';

export interface SolveOptions {
  /** Seeds the search's PRNG: same seed, same budget in schedules ⇒ same schedule. */
  readonly seed: number;
  /** Wall-clock budget, measured with `now`. At least one schedule is always built. */
  readonly timeLimitMs: number;
  /** Budget in schedule-generation passes (each SGS pass counts, FBI passes included). */
  readonly maxSchedules?: number;
  /** Clock in milliseconds (injected: the planner has none). */
  readonly now: () => number;
  /**
   * 'fast': one LFT serial pass improved by FBI, no search (Monte Carlo samples).
   * 'full' (default): priority rules, parallel SGS, then the GA until the budget is spent.
   */
  readonly mode?: 'fast' | 'full';
  /**
   * A schedule (its workers are kept) or activity list to start from; the result is never
   * worse than it. Use the schedule for N workers when solving for N + 1 to make the
   * makespan monotone in the team size.
   */
  readonly warmStart?: Schedule | Int32Array;
  /**
   * Resource profile structure: 'auto' (default) uses time-indexed cells for short integral
   * problems and the skyline otherwise; 'skyline' forces the skyline (tests, benchmarks).
   */
  readonly profile?: 'auto' | 'skyline';
}

export interface SolveResult {
  readonly schedule: Schedule;
  /** max of the bounds: no feasible schedule is shorter. */
  readonly lowerBound: number;
  readonly bounds: Bounds;
  /** True when the makespan equals the lower bound (proven optimal). */
  readonly optimal: boolean;
  readonly schedulesEvaluated: number;
  /** What produced the returned schedule, e.g. 'LFT serial SGS+FBI' or 'GA+FBI'. */
  readonly method: string;
}

/** Up to this many activities the full mode runs the parallel SGS and the GA. */
export const SEARCH_MAX_N = 5000;

function isSchedule(w: Schedule | Int32Array): w is Schedule {
  return !(w instanceof Int32Array);
}

/**
 * Solves the resource-constrained scheduling problem heuristically (minimum makespan).
 * Throws on a malformed problem or when some activity can never be scheduled.
 */
export function solve(problem: Problem, opts: SolveOptions): SolveResult {
  const t0 = opts.now();
  const c = compile(problem, { grid: opts.profile !== 'skyline' });
  const n = c.n;
  const fast = opts.mode === 'fast';
  // The energetic bound costs milliseconds: the full mode only.
  const br = computeBounds(c, { energetic: !fast });
  const lb = br.lowerBound;
  const maxSchedules = opts.maxSchedules ?? Infinity;
  const deadline = fast ? Infinity : t0 + Math.max(0, opts.timeLimitMs);
  const s = new Search(c, lb, maxSchedules, deadline, opts.now);
  const rng = new Rng(opts.seed);
  const pop: Individual[] = [];

  if (n > 0) {
    if (opts.warmStart !== undefined) {
      const w = opts.warmStart;
      // priorityList keeps the warm order where it respects precedence and repairs it where not.
      let list: Int32Array;
      let fixed: Int32Array | null = null;
      if (isSchedule(w) && w.start.length === n) {
        list = priorityList(c, w.start);
        if (c.W > 0 && workersFit(c.W, problem, w.worker)) fixed = w.worker;
      } else {
        const pos = new Float64Array(n).fill(n);
        if (!isSchedule(w)) w.forEach((a, k) => a >= 0 && a < n && (pos[a] = Math.min(pos[a]!, k)));
        list = priorityList(c, pos);
      }
      pop.push({ list, makespan: s.evaluate(list, 'warm start+FBI', 4, fixed) });
    }
    const rules: readonly PriorityRule[] = fast ? ['LFT'] : PRIORITY_RULES;
    let lftValues: Float64Array | null = null;
    // At least one rule's schedule besides a warm start that is not optimal, which may be a
    // smaller team's: with the time spent, a team of 3 would otherwise get the 2-engineer plan.
    const warmed = pop.length;
    for (const rule of rules) {
      if ((pop.length > warmed || s.best <= lb + EPS) && s.done()) break;
      const values = priorityValues(c, rule, br.cpm);
      if (rule === 'LFT') lftValues = values;
      const list = priorityList(c, values);
      const m = s.evaluate(list, `${rule} serial SGS+FBI`, fast ? 1 : 4);
      pop.push({ list, makespan: m });
    }
    if (!fast && n <= SEARCH_MAX_N && !s.done() && lftValues !== null) {
      // Parallel SGS with LFT, then FBI on its start order.
      const m = parallelPass(s, lftValues, lb);
      if (m !== undefined) pop.push(m);
      // GA: fill the population by regret-based biased sampling, then evolve.
      const ga = gaSettings(n);
      const popSize = ga.popSize;
      while (pop.length < popSize && !s.done()) {
        const l = sampledList(c, lftValues, rng);
        pop.push({ list: l, makespan: s.evaluate(l, 'sampling+FBI') });
      }
      if (!s.done()) runGa(s, pop, rng, ga);
    }
  }

  if (n > 0 && s.best === Infinity) throw noOrderFits(s.failure);
  const schedule: Schedule = {
    start: Float64Array.from(s.bestStart),
    worker: Int32Array.from(s.bestWorker),
    held: Float64Array.from(s.bestHeld),
    makespan: n === 0 ? 0 : s.best,
  };
  return {
    schedule,
    lowerBound: lb,
    bounds: br.bounds,
    optimal: schedule.makespan <= lb + EPS,
    schedulesEvaluated: s.schedules,
    method: n === 0 ? 'empty' : s.bestMethod,
  };
}

/**
 * The parallel SGS pass in LFT order, then FBI on its start order: its individual, or undefined
 * where capacity that drops for good left an activity no place in it (Compiled.close).
 */
function parallelPass(s: Search, lftValues: Float64Array, lb: number): Individual | undefined {
  const c = s.c;
  const n = c.n;
  const start = new Float64Array(n);
  const worker = new Int32Array(n);
  const held = new Float64Array(n * c.R);
  const list = new Int32Array(n);
  try {
    let m = s.sgs.parallel(lftValues, start, worker, held);
    list.set(c.topo);
    sortByKey(list, start, c.topoPos);
    // Offered before FBI too where FBI's own passes may fail (capacity that drops for good).
    if (c.close !== null) s.offer(list, start, worker, held, m, 'LFT parallel SGS');
    if (m > lb + EPS) m = s.fbi.improve(list, start, worker, held, m);
    s.offer(list, start, worker, held, m, 'LFT parallel SGS+FBI');
    return { list, makespan: m };
  } catch (e) {
    if (!(e instanceof InfeasibleError) || c.close === null) throw e;
    s.failure ??= e;
    return undefined;
  }
}

/**
 * Where capacity drops for good, no order the search tried gave every activity a place before
 * it does: said of the activity the first failed pass could not place.
 */
function noOrderFits(failure: InfeasibleError | undefined): InfeasibleError {
  return new InfeasibleError(
    `no order of the work the search tried fits it all${failure === undefined ? '' : `: ${failure.message}`}`,
  );
}

/** The warm start's workers exist in this problem and are eligible for their activities. */
function workersFit(W: number, problem: Problem, worker: Int32Array): boolean {
  if (worker.length !== problem.n || problem.workers === undefined) return false;
  for (let i = 0; i < problem.n; i++) {
    const w = worker[i]!;
    if (!(w >= 0 && w < W)) return false;
    const e = problem.workers.eligible[i] ?? null;
    if (e !== null && !e.includes(w)) return false;
  }
  return true;
}
