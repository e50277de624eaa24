import type { BoundsResult } from '../engine/bounds.js';
import type { Compiled } from '../engine/compile.js';
import { EPS } from '../engine/cpm.js';
import type { Schedule } from '../engine/problem.js';
import type { MipSolver } from './mip.js';
import { scheduleFrom } from './schedule-from.js';
import type { TimeIndexed } from './time-indexed.js';
import { timeIndexedModel } from './time-indexed.js';

/**
 * The exact method: after the heuristic, the time-indexed model (see time-indexed.ts) with the
 * heuristic's makespan as horizon and its schedule as the starting solution goes to a MIP
 * solver. The solver proves the incumbent optimal, finds a shorter schedule, or stops at its
 * budget with a lower bound that may be better than the heuristic's.
 */

export interface ExactOptions {
  /** The MIP solver (undefined: no MIP stage). */
  readonly solver?: MipSolver;
  /** MIP branch-and-bound nodes at most (the deterministic budget). */
  readonly maxNodes: number;
  /** The MIP's wall-clock guard in milliseconds. */
  readonly maxMs: number;
  /** Nodes of the branch and bound (see branch-and-bound.ts) at most; 0 skips it. */
  readonly bbNodes?: number;
  /** Asked during the branch and bound: true stops it (a deadline, injected by the app). */
  readonly stop?: () => boolean;
}

export interface ExactResult {
  /**
   * 'optimal': the best schedule (incumbent or `improved`) is proven optimal; 'limit': the
   * budget ran out first; 'skipped': no time unit, or the model was too large for the solver;
   * 'error': the solver failed (nothing is claimed).
   */
  readonly status: 'optimal' | 'limit' | 'skipped' | 'error';
  /** A schedule shorter than the incumbent, when the solver found one. */
  readonly improved: Schedule | undefined;
  /** No feasible schedule is shorter (never below the lower bound given). */
  readonly lowerBound: number;
  readonly nodes: number;
  /** True when the wall-clock guard stopped the search: the bound then depends on speed. */
  readonly timedOut: boolean;
}

/** Runs the exact method from `incumbent`, given the heuristic's bounds. */
export function exactSearch(
  c: Compiled,
  br: BoundsResult,
  incumbent: Schedule,
  lowerBound: number,
  opts: ExactOptions & { readonly solver: MipSolver },
): ExactResult {
  const skipped: ExactResult = {
    status: 'skipped',
    improved: undefined,
    lowerBound,
    nodes: 0,
    timedOut: false,
  };
  if (incumbent.makespan <= lowerBound + EPS) return { ...skipped, status: 'optimal' };
  const ti = timeIndexedModel(c, br, incumbent.makespan, lowerBound);
  if (ti === undefined) return skipped;
  const answer = opts.solver.solve(ti.model, {
    maxNodes: opts.maxNodes,
    maxSeconds: opts.maxMs / 1000,
    start: startVector(c, ti, incumbent),
  });
  const u = ti.unit;
  if (answer.status === 'error') return { ...skipped, status: 'error', nodes: answer.nodes };
  if (answer.status === 'infeasible') {
    throw new Error('exact method: the incumbent schedule does not fit its own model');
  }
  let improved: Schedule | undefined;
  if (answer.solution !== undefined) {
    const s = scheduleOf(c, ti, answer.solution);
    if (s.makespan < incumbent.makespan - EPS) improved = s;
  }
  const best = improved?.makespan ?? incumbent.makespan;
  let bound = lowerBound;
  if (answer.status === 'optimal') bound = best;
  else if (Number.isFinite(answer.dualBound)) {
    // The objective is an integer number of units.
    const units = Math.ceil(answer.dualBound - 1e-6);
    bound = Math.max(lowerBound, Math.min(best, units * u));
  }
  return {
    status: bound >= best - EPS ? 'optimal' : 'limit',
    improved,
    lowerBound: bound,
    nodes: answer.nodes,
    timedOut: answer.timedOut,
  };
}

/** The incumbent as a column vector of the model (steps from its starts, C its makespan). */
function startVector(c: Compiled, ti: TimeIndexed, s: Schedule): Float64Array {
  const x = new Float64Array(ti.model.numCols);
  const crewOf = new Int32Array(c.W);
  ti.crews.forEach((ws, k) => ws.forEach((w) => (crewOf[w] = k)));
  const want = new Int32Array(c.n);
  for (let j = 0; j < c.n; j++) want[j] = Math.round(s.start[j]! / ti.unit);
  for (let col = 0; col < ti.cMax; col++) {
    const j = ti.colAct[col]!;
    if (ti.colStart[col]! < want[j]!) continue;
    const crew = ti.colCrew[col]!;
    if (crew >= 0 && crewOf[s.worker[j]!] !== crew) continue;
    x[col] = 1;
  }
  x[ti.cMax] = Math.round(s.makespan / ti.unit);
  return x;
}

/** The solver's columns as a Schedule: each activity's first step set gives its start and crew. */
function scheduleOf(c: Compiled, ti: TimeIndexed, x: Float64Array): Schedule {
  const start = new Float64Array(c.n);
  const crew = new Int32Array(c.n).fill(-1);
  const first = new Float64Array(c.n).fill(Infinity);
  for (let col = 0; col < ti.cMax; col++) {
    if (!(x[col]! > 0.5)) continue;
    const j = ti.colAct[col]!;
    if (ti.colStart[col]! < first[j]!) {
      first[j] = ti.colStart[col]!;
      start[j] = ti.colStart[col]! * ti.unit;
      crew[j] = ti.colCrew[col]!;
    }
  }
  return scheduleFrom(c, ti.crews, start, crew);
}
