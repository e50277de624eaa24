import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../../src/planner/engine/problem.js';
import { solve } from '../../../../src/planner/engine/solve.js';

/** `n` independent one-hour activities, each holding one of `workers` engineers. */
function independent(n: number, workers: number): Problem {
  return {
    n,
    succStart: new Int32Array(n + 1),
    succ: new Int32Array(0),
    predStart: new Int32Array(n + 1),
    pred: new Int32Array(0),
    ids: Array.from({ length: n }, (_, i) => `a${i}`),
    duration: new Float64Array(n).fill(1),
    resources: [{ id: 'engineer', profile: [{ from: 0, capacity: workers }] }],
    demand: new Float64Array(n).fill(1),
    workers: { names: Array.from({ length: workers }, (_, k) => `E${k + 1}`), eligible: [] },
  };
}

describe('solve from a warm start', () => {
  it('builds a schedule of its own as well, however little time is left', () => {
    // The warm start is a one-engineer schedule (as the ladder lifts a smaller team's plan).
    // Over 500 activities, the search reads the clock at every check.
    const n = 600;
    const warm = {
      start: Float64Array.from({ length: n }, (_, i) => i),
      worker: new Int32Array(n),
      held: new Float64Array(n).fill(1),
      makespan: n,
    };
    let t = 0;
    // Every reading of the clock is a second later: the time limit is spent at once.
    const r = solve(independent(n, 3), {
      seed: 1,
      timeLimitMs: 1,
      now: () => (t += 1000),
      warmStart: warm,
    });
    expect(r.schedule.makespan).toBe(n / 3);
    expect(r.schedulesEvaluated).toBeGreaterThanOrEqual(2);
  });
});
