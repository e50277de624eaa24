import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHighsSolver } from '../../../../src/app/highs-solver.js';
import { checkSchedule } from '../../../../src/planner/engine/check-schedule.js';
import type { Problem } from '../../../../src/planner/engine/problem.js';
import { solve } from '../../../../src/planner/engine/solve.js';
import type { SolveResult } from '../../../../src/planner/engine/solve.js';
import type { ExactOptions, MipSolver } from '../../../../src/planner/exact/index.js';
import { withExact } from '../../../../src/planner/exact/index.js';
import { planQuality } from '../../../../src/reporters/format.js';
import { bruteForce, makeProblem, specArb } from '../helpers.js';

let solver: MipSolver;
beforeAll(async () => {
  const s = await loadHighsSolver();
  if (s === undefined) throw new Error('HiGHS (the npm package highs) does not load');
  solver = s;
});

/** A weak heuristic start (few schedules), so that the exact stage has work to do. */
function heuristic(p: Problem, schedules = 3): SolveResult {
  return solve(p, { seed: 1, timeLimitMs: 10_000, maxSchedules: schedules, now: () => 0 });
}

function exact(maxNodes = 100_000): ExactOptions {
  return { solver, maxNodes, maxMs: 60_000 };
}

/** Durations and capacity-change times halved: the same project on a half-hour unit. */
function halved(p: Problem): Problem {
  return {
    ...p,
    duration: p.duration.map((d) => d / 2),
    resources: p.resources.map((r) => ({
      ...r,
      profile: r.profile.map((x) => ({ ...x, from: x.from / 2 })),
    })),
  };
}

describe('exact method (time-indexed MIP on HiGHS)', () => {
  it('proves the brute-force optimum on small random projects (workers, steps, drops, ALL)', () => {
    const cases = [
      ...fc.sample(specArb({ maxN: 9, maxWorkers: 3 }), { numRuns: 50, seed: 31 }),
      ...fc.sample(specArb({ minN: 8, maxN: 10, maxWorkers: 2 }), { numRuns: 30, seed: 32 }),
    ];
    let improved = 0;
    for (const spec of cases) {
      const opt = bruteForce(spec);
      const p = makeProblem(spec);
      const h = heuristic(p);
      const r = withExact(p, h, exact());
      expect(checkSchedule(p, r.schedule)).toEqual([]);
      expect(r.optimal).toBe(true);
      expect(r.schedule.makespan).toBe(opt);
      expect(r.lowerBound).toBe(opt);
      if (h.schedule.makespan > opt) improved++;
    }
    // The weak start leaves something to improve in some cases: the MIP's schedules are used.
    expect(improved).toBeGreaterThan(0);
  });

  it('proves the optimum on a half-hour time unit too', () => {
    const cases = fc.sample(specArb({ minN: 6, maxN: 9, maxWorkers: 2 }), {
      numRuns: 30,
      seed: 33,
    });
    for (const spec of cases) {
      const opt = bruteForce(spec);
      const p = halved(makeProblem(spec));
      const r = withExact(p, heuristic(p), exact());
      expect(checkSchedule(p, r.schedule)).toEqual([]);
      expect(r.optimal).toBe(true);
      expect(r.schedule.makespan).toBe(opt / 2);
    }
  });

  it('never gives a bound above a feasible schedule, even stopped after one node', () => {
    const cases = fc.sample(specArb({ minN: 8, maxN: 10, maxWorkers: 3 }), {
      numRuns: 30,
      seed: 34,
    });
    for (const spec of cases) {
      const opt = bruteForce(spec);
      const p = makeProblem(spec);
      const h = heuristic(p);
      const r = withExact(p, h, exact(1));
      expect(r.lowerBound).toBeLessThanOrEqual(opt);
      expect(r.lowerBound).toBeGreaterThanOrEqual(h.lowerBound);
      expect(r.schedule.makespan).toBeLessThanOrEqual(h.schedule.makespan);
      expect(checkSchedule(p, r.schedule)).toEqual([]);
      if (r.bounds.exact !== undefined) expect(r.bounds.exact).toBeGreaterThan(h.lowerBound);
      expect(r.optimal).toBe(r.schedule.makespan <= r.lowerBound);
    }
  });

  it('is deterministic: the same problem gives the same schedule and bounds', () => {
    const cases = fc.sample(specArb({ minN: 9, maxN: 10, maxWorkers: 3 }), {
      numRuns: 10,
      seed: 35,
    });
    for (const spec of cases) {
      const p = makeProblem(spec);
      const once = (): string => {
        const r = withExact(p, heuristic(p), exact(50));
        return JSON.stringify({
          start: [...r.schedule.start],
          worker: [...r.schedule.worker],
          lb: r.lowerBound,
          bounds: r.bounds,
          optimal: r.optimal,
        });
      };
      expect(once()).toBe(once());
    }
  });
});

describe('planQuality', () => {
  it('says which case the plan is, and never a 0.0 % gap', () => {
    expect(planQuality(true, 65, 0, ' h')).toBe('optimal (proven)');
    expect(planQuality(false, 65, 0.0385, ' h')).toBe('best found; lower bound 65 h (gap 3.9 %)');
    expect(planQuality(false, 1000, 0.0001, '')).toBe('best found; lower bound 1000 (gap 0.1 %)');
  });
});
