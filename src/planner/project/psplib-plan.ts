import type { ChainLink, ContractActivity } from './team-plan.js';
import { criticalChain } from './project-problem.js';
import type { Problem, ResourceDef } from '../engine/problem.js';
import { heldBy } from '../engine/problem.js';
import type { SolveResult } from '../engine/solve.js';

/** One activity of a plan for a generic problem (PSPLIB): the plan contract without people. */
export type ProblemPlanActivity = ContractActivity;

/**
 * The plan contract for a problem that has no calendar or engineers, such as a PSPLIB instance:
 * times and durations are in the problem's own unit (`period`).
 */
export interface ProblemPlan {
  readonly makespan: number;
  readonly unit: 'period';
  readonly resources: readonly ResourceDef[];
  readonly activities: readonly ProblemPlanActivity[];
  readonly criticalPath: readonly string[];
  readonly criticalChain: readonly ChainLink[];
  readonly lowerBound: number;
  readonly bounds: SolveResult['bounds'];
  readonly optimal: boolean;
  readonly method: string;
  readonly schedulesEvaluated: number;
}

/** Turns a solved problem into the plan contract (activities in problem order). */
export function problemPlan(problem: Problem, result: SolveResult): ProblemPlan {
  const { schedule } = result;
  const activities: ProblemPlanActivity[] = [];
  for (let i = 0; i < problem.n; i++) {
    const demand = heldBy(problem, schedule, i);
    const predecessors: string[] = [];
    for (let e = problem.predStart[i]!; e < problem.predStart[i + 1]!; e++) {
      predecessors.push(problem.ids[problem.pred[e]!]!);
    }
    const start = schedule.start[i]!;
    activities.push({
      id: problem.ids[i]!,
      task: problem.ids[i]!,
      duration: problem.duration[i]!,
      predecessors,
      demand,
      start,
      end: start + problem.duration[i]!,
    });
  }
  const chain = criticalChain(problem, schedule);
  return {
    makespan: schedule.makespan,
    unit: 'period',
    resources: problem.resources,
    activities,
    criticalPath: chain.map((c) => c.id),
    criticalChain: chain,
    lowerBound: result.lowerBound,
    bounds: result.bounds,
    optimal: result.optimal,
    method: result.method,
    schedulesEvaluated: result.schedulesEvaluated,
  };
}
