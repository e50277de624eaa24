import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { J60_LIKE, parameterGrid, progenInstance } from '../../../../bench/gen/psplib-like.js';
import { psplibToProblem } from '../../../../src/config/psplib.js';
import { checkSchedule } from '../../../../src/planner/engine/check-schedule.js';
import type { Problem } from '../../../../src/planner/engine/problem.js';
import { ALL } from '../../../../src/planner/engine/problem.js';
import type { SolveOptions } from '../../../../src/planner/engine/solve.js';
import { solve } from '../../../../src/planner/engine/solve.js';

// Problems above 60 activities, where the GA runs with its large-problem settings: ProGen-like
// instances, plain or with engineers (skills), a capacity that arrives late and `gpus: all`.

const opts = (seed: number, maxSchedules: number): SolveOptions => ({
  seed,
  maxSchedules,
  timeLimitMs: 600_000,
  now: () => 0,
});

/** A ProGen-like instance of n activities; `mission` adds workers, a capacity step and ALL. */
function instance(seed: number, n: number, par: number, mission: boolean): Problem {
  const grid = parameterGrid(J60_LIKE);
  const p = psplibToProblem(progenInstance(seed, { ...grid[par % grid.length]!, n }));
  if (!mission) return p;
  const R = p.resources.length;
  const demand = Float64Array.from(p.demand);
  // Activity 5 holds every unit of R4 (as `gpus: all`), which arrive in two steps.
  for (let r = 0; r < R; r++) demand[5 * R + r] = r === 3 ? ALL : 0;
  const resources = p.resources.map((r, k) =>
    k === 3
      ? {
          id: r.id,
          profile: [
            { from: 0, capacity: 0 },
            { from: 12, capacity: r.profile[0]!.capacity },
          ],
        }
      : r,
  );
  // Three engineers; every third activity needs the first or the second.
  const eligible = Array.from({ length: p.n }, (_, i) =>
    p.duration[i]! > 0 && i % 3 === 0 ? [i % 2] : null,
  );
  return { ...p, demand, resources, workers: { names: ['a', 'b', 'c'], eligible } };
}

const arb = fc.record({
  seed: fc.nat(100_000),
  n: fc.integer({ min: 61, max: 90 }),
  par: fc.nat(47),
  mission: fc.boolean(),
  search: fc.nat(1000),
});

describe('the GA on problems over 60 activities', () => {
  it('returns a feasible schedule, never worse than its warm start', () => {
    fc.assert(
      fc.property(arb, ({ seed, n, par, mission, search }) => {
        const p = instance(seed, n, par, mission);
        const warm = solve(p, opts(search, 200));
        expect(checkSchedule(p, warm.schedule)).toEqual([]);
        const r = solve(p, { ...opts(search + 1, 1500), warmStart: warm.schedule });
        expect(checkSchedule(p, r.schedule)).toEqual([]);
        expect(r.schedule.makespan).toBeLessThanOrEqual(warm.schedule.makespan);
        expect(r.schedule.makespan).toBeGreaterThanOrEqual(r.lowerBound - 1e-9);
      }),
      { numRuns: 12, seed: 17 },
    );
  });

  it('gives the identical schedule for the same seed and schedule budget', () => {
    fc.assert(
      fc.property(arb, ({ seed, n, par, mission, search }) => {
        const p = instance(seed, n, par, mission);
        const a = solve(p, opts(search, 1200));
        const b = solve(p, opts(search, 1200));
        expect(Array.from(b.schedule.start)).toEqual(Array.from(a.schedule.start));
        expect(Array.from(b.schedule.worker)).toEqual(Array.from(a.schedule.worker));
        expect(b.schedulesEvaluated).toBe(a.schedulesEvaluated);
      }),
      { numRuns: 8, seed: 5 },
    );
  });
});
