import { computeBounds } from '../engine/bounds.js';
import { compile } from '../engine/compile.js';
import { EPS } from '../engine/cpm.js';
import type { Problem } from '../engine/problem.js';
import type { SolveResult } from '../engine/solve.js';
import type { ExactOptions, ExactResult } from './exact.js';
import { exactSearch } from './exact.js';

export type { ExactOptions, ExactResult } from './exact.js';
export { exactSearch } from './exact.js';
export type { MipAnswer, MipLimits, MipModel, MipSolver } from './mip.js';
export { timeIndexedModel } from './time-indexed.js';

/** Branch-and-bound nodes the exact method explores at most by default (the work budget). */
export const DEFAULT_EXACT_NODES = 20_000;

/** Larger problems skip the exact method (a time-indexed model of them would not fit). */
export const EXACT_MAX_N = 200;

/**
 * The heuristic's result after the exact method: a shorter schedule when it found one, the
 * raised lower bound in `bounds.exact` (only when it is above the heuristic's), and `optimal`
 * when the bound meets the makespan. Unchanged when the method was skipped or failed.
 */
export function withExact(problem: Problem, res: SolveResult, opts: ExactOptions): SolveResult {
  if (res.optimal || problem.n === 0 || problem.n > EXACT_MAX_N) return res;
  const c = compile(problem);
  const br = computeBounds(c);
  const e: ExactResult = exactSearch(c, br, res.schedule, res.lowerBound, opts);
  if (e.status === 'skipped' || e.status === 'error') return res;
  const schedule = e.improved ?? res.schedule;
  const raised = e.lowerBound > res.lowerBound + EPS;
  return {
    ...res,
    schedule,
    lowerBound: Math.max(res.lowerBound, e.lowerBound),
    bounds: raised ? { ...res.bounds, exact: e.lowerBound } : res.bounds,
    optimal: schedule.makespan <= Math.max(res.lowerBound, e.lowerBound) + EPS,
    method: e.improved !== undefined ? `${res.method}, then ${opts.solver.name} MIP` : res.method,
  };
}
