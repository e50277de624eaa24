/** What the PSPLIB-style benchmarks share: option parsing, a CPU clock, a checked solve. */
import { checkSchedule } from '../src/planner/engine/check-schedule.js';
import type { Problem } from '../src/planner/engine/problem.js';
import type { SolveResult } from '../src/planner/engine/solve.js';
import { solve } from '../src/planner/engine/solve.js';

/** The number after `name` on the command line, or `fallback` when it is absent. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v)) throw new Error(`${name} needs a number`);
  return v;
}

/** This process's CPU time in ms (user + system): the machine may be shared. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Throws when the schedule breaks a precedence or a capacity. */
export function assertFeasible(problem: Problem, res: SolveResult, file: string): void {
  const bad = checkSchedule(problem, res.schedule);
  if (bad.length > 0) throw new Error(`${file}: infeasible schedule: ${bad.join('; ')}`);
}

export interface CheckedSolve {
  readonly result: SolveResult;
  readonly makespan: number;
  readonly criticalPath: number;
  readonly lowerBound: number;
  readonly optimal: boolean;
  readonly schedules: number;
  readonly cpuMs: number;
}

/** The heuristic search with the CPU clock as its `now`, its schedule checked. */
export function solveChecked(
  problem: Problem,
  file: string,
  opts: { seed: number; timeLimitMs: number; maxSchedules: number },
): CheckedSolve {
  const c0 = cpuMs();
  const result = solve(problem, { ...opts, now: cpuMs });
  const spent = cpuMs() - c0;
  assertFeasible(problem, result, file);
  return {
    result,
    makespan: result.schedule.makespan,
    criticalPath: result.bounds.criticalPath,
    lowerBound: result.lowerBound,
    optimal: result.optimal,
    schedules: result.schedulesEvaluated,
    cpuMs: spent,
  };
}
