import { checkSchedule } from '../engine/check-schedule.js';
import type { Compiled } from '../engine/compile.js';
import { EPS } from '../engine/cpm.js';
import type { Schedule } from '../engine/problem.js';
import { ALL } from '../engine/problem.js';

/**
 * An exact method's answer as a Schedule: the starts, the workers of each crew given by
 * interval partitioning (in start order, the lowest-numbered free worker), and the units held.
 * `crew[j]` indexes `crews` (−1: none). Throws when the result is not feasible (a bug in the
 * method, not a user error).
 */
export function scheduleFrom(
  c: Compiled,
  crews: readonly (readonly number[])[],
  start: Float64Array,
  crew: Int32Array,
): Schedule {
  const n = c.n;
  const worker = new Int32Array(n).fill(-1);
  if (c.W > 0) assignWorkers(c, crews, start, crew, worker);
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
  crews: readonly (readonly number[])[],
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
    for (const w of crews[crew[j]!]!) {
      if (freeAt[w]! <= start[j]! + EPS) {
        worker[j] = w;
        freeAt[w] = start[j]! + c.dur[j]!;
        break;
      }
    }
  }
}
