import { exactOptions } from '../../app/highs-solver.js';
import type { ExactOptions } from '../../planner/exact/index.js';
import { exactStages } from '../../planner/exact/index.js';
import type { Problem } from '../../planner/engine/problem.js';
import type { SolveResult } from '../../planner/engine/solve.js';
import { parsePsplib, psplibToProblem } from '../../config/psplib.js';
import { readTaskFile } from '../../config/task-file-read.js';
import { problemPlan } from '../../planner/project/psplib-plan.js';
import { solve } from '../../planner/engine/solve.js';
import { renderProblemPlanTable } from '../../reporters/problem-plan.js';
import type { CliContext } from '../context.js';
import { reportDiagnostics } from '../context.js';

export interface PsplibPlanOptions {
  readonly json: boolean;
  readonly seed: number;
  readonly timeLimitMs: number;
  readonly maxSchedules: number;
}

/** `critpath plan FILE.sm`: solves a PSPLIB single-mode instance with the same engine. */
export async function planPsplib(
  ctx: CliContext,
  file: string,
  opts: PsplibPlanOptions,
): Promise<void> {
  const bytes = await readTaskFile(file, 'PSPLIB file');
  if (!Buffer.isBuffer(bytes)) {
    reportDiagnostics(ctx, [bytes]);
    return;
  }
  const text = bytes.toString('utf8');
  const parsed = parsePsplib(text, file);
  if (!parsed.ok) {
    reportDiagnostics(ctx, parsed.error);
    return;
  }
  const problem = psplibToProblem(parsed.value);
  const found = solve(problem, {
    seed: opts.seed,
    timeLimitMs: opts.timeLimitMs,
    maxSchedules: opts.maxSchedules,
    now: () => performance.now(),
  });
  const exact = await exactOptions(opts.timeLimitMs, problem.n);
  const result = exact === undefined ? found : withinTimeLimit(problem, found, exact, opts);
  const plan = problemPlan(problem, result);
  ctx.out.out(
    opts.json ? JSON.stringify(plan, null, 2) : renderProblemPlanTable(plan, file, ctx.out),
  );
}

/**
 * The exact stages after the search, within `--time-limit` again (as `bench:psplib` runs them):
 * the branch and bound stops at the deadline, and the MIP gets what it leaves, as its guard,
 * only when some is left. A 120-activity instance would otherwise spend seconds on them.
 */
function withinTimeLimit(
  problem: Problem,
  found: SolveResult,
  exact: ExactOptions,
  opts: PsplibPlanOptions,
): SolveResult {
  const deadline = performance.now() + opts.timeLimitMs;
  const left = (): number => deadline - performance.now();
  const { solver: _solver, ...bbOnly } = exact;
  const bb = exactStages(problem, found, { ...bbOnly, stop: () => left() <= 0 });
  if (bb.provedBy !== undefined || exact.solver === undefined || left() <= 0) return bb.result;
  return exactStages(problem, bb.result, { ...exact, bbNodes: 0, maxMs: Math.max(1, left()) })
    .result;
}
