import type { BoundsResult } from '../engine/bounds.js';
import { checkSchedule } from '../engine/check-schedule.js';
import type { Compiled } from '../engine/compile.js';
import { EPS } from '../engine/cpm.js';
import type { Schedule } from '../engine/problem.js';
import { ALL } from '../engine/problem.js';
import type { MipSolver } from './mip.js';
import type { TimeIndexed } from './time-indexed.js';
import { timeIndexedModel } from './time-indexed.js';

/**
 * The exact method: after the heuristic, the time-indexed model (see time-indexed.ts) with the
 * heuristic's makespan as horizon and its schedule as the starting solution goes to a MIP
 * solver. The solver proves the incumbent optimal, finds a shorter schedule, or stops at its
 * budget with a lower bound that may be better than the heuristic's.
 */

export interface ExactOptions {
  readonly solver: MipSolver;
  /** Branch-and-bound nodes at most (the deterministic budget). */
  readonly maxNodes: number;
  /** Wall-clock guard in milliseconds. */
  readonly maxMs: number;
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
  opts: ExactOptions,
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

/**
 * The solver's columns as a Schedule: starts (the first step set), the workers of each crew given by interval
 * partitioning (in start order, the lowest-numbered free worker), and the units held. Throws
 * when the result is not feasible (a bug in the model, not a user error).
 */
function scheduleOf(c: Compiled, ti: TimeIndexed, x: Float64Array): Schedule {
  const n = c.n;
  const start = new Float64Array(n);
  const crew = new Int32Array(n).fill(-1);
  const first = new Float64Array(n).fill(Infinity);
  for (let col = 0; col < ti.cMax; col++) {
    if (!(x[col]! > 0.5)) continue;
    const j = ti.colAct[col]!;
    if (ti.colStart[col]! < first[j]!) {
      first[j] = ti.colStart[col]!;
      start[j] = ti.colStart[col]! * ti.unit;
      crew[j] = ti.colCrew[col]!;
    }
  }
  const worker = new Int32Array(n).fill(-1);
  if (c.W > 0) assignWorkers(c, ti, start, crew, worker);
  const held = new Float64Array(n * c.R);
  let makespan = 0;
  for (let j = 0; j < n; j++) {
    const p = c.dur[j]!;
    makespan = Math.max(makespan, start[j]! + p);
    if (!(p > 0)) continue;
    for (let k = c.useStart[j]!; k < c.useStart[j + 1]!; k++) {
      const r = c.useRes[k]!;
      const d = c.dem[j * c.R + r]!;
      held[j * c.R + r] = d === ALL ? capacityAt(c, r, start[j]!) : d;
    }
  }
  const schedule: Schedule = { start, worker, held, makespan };
  const bad = checkSchedule(c.problem, schedule, 3);
  if (bad.length > 0) throw new Error(`exact method built an infeasible schedule: ${bad[0]}`);
  return schedule;
}

function capacityAt(c: Compiled, r: number, t: number): number {
  const T = c.capT[r]!;
  let k = 0;
  while (k + 1 < T.length && T[k + 1]! <= t + EPS) k++;
  return c.capV[r]![k]!;
}

/**
 * Workers per crew: activities in start order (ties by id rank) take the lowest-numbered
 * worker of their crew that is free; a zero-length activity takes its first eligible worker.
 */
function assignWorkers(
  c: Compiled,
  ti: TimeIndexed,
  start: Float64Array,
  crew: Int32Array,
  worker: Int32Array,
): void {
  const order = Array.from({ length: c.n }, (_, j) => j).sort(
    (a, b) => start[a]! - start[b]! || c.rank[a]! - c.rank[b]!,
  );
  const freeAt = new Float64Array(c.W);
  for (const j of order) {
    if (!(c.dur[j]! > 0)) {
      worker[j] = c.elig[c.eligStart[j]!]!;
      continue;
    }
    for (const w of ti.crews[crew[j]!]!) {
      if (freeAt[w]! <= start[j]! + EPS) {
        worker[j] = w;
        freeAt[w] = start[j]! + c.dur[j]!;
        break;
      }
    }
  }
}
