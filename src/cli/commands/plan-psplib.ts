import { readFile } from 'node:fs/promises';
import { exactOptions } from '../../app/highs-solver.js';
import { withExact } from '../../planner/exact/index.js';
import { parsePsplib, psplibToProblem } from '../../config/psplib.js';
import { problemPlan } from '../../planner/project/psplib-plan.js';
import { solve } from '../../planner/engine/solve.js';
import { renderProblemPlanTable } from '../../reporters/problem-plan.js';
import type { CliContext } from '../context.js';
import { reportDiagnostics } from '../context.js';

/** A task file is read as a PSPLIB instance when its name ends in `.sm`. */
export function isPsplibFile(file: string): boolean {
  return file.toLowerCase().endsWith('.sm');
}

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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    reportDiagnostics(ctx, [
      {
        reason: 'io',
        message: `cannot read PSPLIB file: ${code === 'ENOENT' ? 'no such file' : code}`,
        position: { file, line: 1, col: 1 },
      },
    ]);
    return;
  }
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
  const result = exact === undefined ? found : withExact(problem, found, exact);
  const plan = problemPlan(problem, result);
  ctx.out.out(
    opts.json ? JSON.stringify(plan, null, 2) : renderProblemPlanTable(plan, file, ctx.out),
  );
}
