import { computeBounds } from '../engine/bounds.js';
import { compile } from '../engine/compile.js';
import { EPS } from '../engine/cpm.js';
import type { Problem } from '../engine/problem.js';
import type { SolveResult } from '../engine/solve.js';
import { branchAndBoundStage } from './bb-stage.js';
import type { ExactOptions, ExactResult } from './exact.js';
import { exactSearch } from './exact.js';

export type { ExactOptions, ExactResult } from './exact.js';
export { exactSearch } from './exact.js';
export { branchAndBoundStage } from './bb-stage.js';
export type { MipAnswer, MipLimits, MipModel, MipSolver } from './mip.js';
export { timeIndexedModel } from './time-indexed.js';

/** Branch-and-bound nodes the exact method's MIP explores at most by default (the work budget). */
export const DEFAULT_EXACT_NODES = 20_000;

/** Nodes of the exact method's own branch and bound by default (the work budget). */
export const DEFAULT_BB_NODES = 1_000_000;

/** Larger problems skip the exact method (a time-indexed model of them would not fit). */
export const EXACT_MAX_N = 200;

/** Which stage proved the plan optimal: the heuristic's bounds, the branch and bound, the MIP. */
export type ProvedBy = 'bounds' | 'branch and bound' | 'MIP' | undefined;

/**
 * The heuristic's result after the exact method: a shorter schedule when it found one, the
 * raised lower bound in `bounds.exact` (only when it is above the heuristic's), and `optimal`
 * when the bound meets the makespan. Unchanged when the method was skipped or failed.
 */
export function withExact(problem: Problem, res: SolveResult, opts: ExactOptions): SolveResult {
  return exactStages(problem, res, opts).result;
}

/**
 * The exact stages in turn: the branch and bound (pure, deterministic on its node budget), then,
 * when it leaves a gap or does not take the problem, the MIP (when a solver is given) from the
 * branch and bound's incumbent and bound. Also says which stage proved the plan, if any.
 */
export function exactStages(
  problem: Problem,
  res: SolveResult,
  opts: ExactOptions,
): { result: SolveResult; provedBy: ProvedBy } {
  if (res.optimal) return { result: res, provedBy: 'bounds' };
  if (problem.n === 0 || problem.n > EXACT_MAX_N) return { result: res, provedBy: undefined };
  const c = compile(problem);
  const br = computeBounds(c);
  let cur = res;
  const bbNodes = opts.bbNodes ?? DEFAULT_BB_NODES;
  if (bbNodes > 0) {
    const bbOpts =
      opts.stop === undefined ? { maxNodes: bbNodes } : { maxNodes: bbNodes, stop: opts.stop };
    const e = branchAndBoundStage(c, br, cur.schedule, cur.lowerBound, bbOpts);
    cur = applied(res, cur, e, 'branch and bound');
    if (cur.optimal) return { result: cur, provedBy: 'branch and bound' };
  }
  if (opts.solver === undefined) return { result: cur, provedBy: undefined };
  const e = exactSearch(c, br, cur.schedule, cur.lowerBound, { ...opts, solver: opts.solver });
  cur = applied(res, cur, e, `${opts.solver.name} MIP`);
  return { result: cur, provedBy: cur.optimal ? 'MIP' : undefined };
}

/** `cur` after a stage's result `e` (`heuristic`: the search's result, whose bounds are the base). */
function applied(
  heuristic: SolveResult,
  cur: SolveResult,
  e: ExactResult,
  stage: string,
): SolveResult {
  if (e.status === 'skipped' || e.status === 'error') return cur;
  const schedule = e.improved ?? cur.schedule;
  const bound = Math.max(cur.lowerBound, e.lowerBound);
  const raised = bound > heuristic.lowerBound + EPS;
  return {
    ...cur,
    schedule,
    lowerBound: bound,
    bounds: raised ? { ...heuristic.bounds, exact: bound } : heuristic.bounds,
    optimal: schedule.makespan <= bound + EPS,
    method: e.improved !== undefined ? `${cur.method}, then ${stage}` : cur.method,
  };
}
