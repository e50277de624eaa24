import type { BoundsResult } from '../engine/bounds.js';
import type { Compiled } from '../engine/compile.js';
import { EPS } from '../engine/cpm.js';
import type { Schedule } from '../engine/problem.js';
import { bbModel } from './bb-model.js';
import type { BbOptions } from './branch-and-bound.js';
import { branchAndBound } from './branch-and-bound.js';
import type { ExactResult } from './exact.js';
import { scheduleFrom } from './schedule-from.js';

/**
 * The branch and bound as an exact stage: from the heuristic's incumbent (its makespan is the
 * horizon) and lower bound, it proves the incumbent optimal, finds a shorter schedule and
 * proves that one, or stops at its budget with the bound unchanged (a depth-first search
 * raises no bound before it ends). 'skipped' when the problem has no time unit or its grid is
 * too large.
 */
export function branchAndBoundStage(
  c: Compiled,
  br: BoundsResult,
  incumbent: Schedule,
  lowerBound: number,
  opts: BbOptions,
): ExactResult {
  const result = (status: ExactResult['status'], improved?: Schedule, nodes = 0): ExactResult => ({
    status,
    improved,
    lowerBound: status === 'optimal' ? (improved ?? incumbent).makespan : lowerBound,
    nodes,
    timedOut: false,
  });
  if (incumbent.makespan <= lowerBound + EPS) return result('optimal');
  const m = bbModel(c, br, incumbent.makespan);
  if (m === undefined) return result('skipped');
  const lb = Math.ceil(lowerBound / m.unit - 1e-9);
  const out = branchAndBound(m, c, lb, opts);
  let improved: Schedule | undefined;
  if (out.start !== undefined && out.crew !== undefined && out.best < m.H) {
    const start = Float64Array.from(out.start, (s) => s * m.unit);
    const crew = Int32Array.from(out.crew, (l) => (l < 0 ? -1 : l - m.R));
    improved = scheduleFrom(c, m.crews, start, crew);
  }
  return {
    ...result(out.complete ? 'optimal' : 'limit', improved, out.nodes),
    timedOut: out.stopped,
  };
}
