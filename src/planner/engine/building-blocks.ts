import { compile } from './compile.js';
import { Fbi } from './fbi.js';
import type { Problem, Schedule } from './problem.js';
import { Sgs } from './sgs.js';

/**
 * One-call versions of the engine's building blocks on a Problem (they compile it each time;
 * the search itself reuses a compiled problem and its buffers).
 */

function empty(problem: Problem): { start: Float64Array; worker: Int32Array; held: Float64Array } {
  return {
    start: new Float64Array(problem.n),
    worker: new Int32Array(problem.n).fill(-1),
    held: new Float64Array(problem.n * problem.resources.length),
  };
}

/** Serial SGS of a precedence-feasible activity list. */
export function serialSgs(problem: Problem, list: ArrayLike<number>): Schedule {
  const sgs = new Sgs(compile(problem));
  const o = empty(problem);
  const makespan = sgs.serial(list, o.start, o.worker, o.held);
  return { ...o, makespan };
}

/** Parallel SGS with priority values (smaller first, ties by id). */
export function parallelSgs(problem: Problem, priority: Float64Array): Schedule {
  const sgs = new Sgs(compile(problem));
  const o = empty(problem);
  const makespan = sgs.parallel(priority, o.start, o.worker, o.held);
  return { ...o, makespan };
}

/**
 * Forward-backward improvement of a schedule: never longer. Returns the improved schedule and
 * the activity list of its last forward pass.
 */
export function forwardBackward(
  problem: Problem,
  schedule: Schedule,
  rounds = 4,
): { schedule: Schedule; list: Int32Array } {
  const c = compile(problem);
  const sgs = new Sgs(c);
  const fbi = new Fbi(c, sgs);
  const start = Float64Array.from(schedule.start);
  const worker = Int32Array.from(schedule.worker);
  const held = Float64Array.from(schedule.held);
  const list = Int32Array.from(c.topo);
  Array.from(list)
    .sort((a, b) => start[a]! - start[b]! || c.topoPos[a]! - c.topoPos[b]!)
    .forEach((v, k) => (list[k] = v));
  const makespan = fbi.improve(list, start, worker, held, schedule.makespan, rounds);
  return { schedule: { start, worker, held, makespan }, list };
}
