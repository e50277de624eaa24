import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBounds } from '../../../../src/planner/engine/bounds.js';
import { checkSchedule } from '../../../../src/planner/engine/check-schedule.js';
import { compile } from '../../../../src/planner/engine/compile.js';
import { solve } from '../../../../src/planner/engine/solve.js';
import type { SolveOptions } from '../../../../src/planner/engine/solve.js';
import { bruteForce, makeProblem, specArb, verify, withWorkers } from '../helpers.js';

const opts = (seed: number, maxSchedules = 400): SolveOptions => ({
  seed,
  maxSchedules,
  timeLimitMs: 60_000,
  now: () => 0,
});

describe('solve on random projects', () => {
  it('every schedule is feasible and no shorter than the lower bound', () => {
    fc.assert(
      fc.property(specArb({ maxN: 12, maxWorkers: 4 }), fc.nat(1000), (spec, seed) => {
        const p = makeProblem(spec);
        for (const [mode, profile] of [
          ['fast', 'auto'],
          ['full', 'auto'],
          ['full', 'skyline'],
        ] as const) {
          const r = solve(p, { ...opts(seed), mode, profile });
          expect(verify(spec, r.schedule)).toBeNull();
          expect(checkSchedule(p, r.schedule)).toEqual([]);
          expect(r.schedule.makespan).toBeGreaterThanOrEqual(r.lowerBound - 1e-9);
          expect(r.lowerBound).toBe(
            Math.max(
              r.bounds.criticalPath,
              r.bounds.resource,
              r.bounds.arrival,
              r.bounds.energetic,
            ),
          );
          expect(r.optimal).toBe(r.schedule.makespan <= r.lowerBound + 1e-9);
        }
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it('the same seed gives the identical schedule', () => {
    fc.assert(
      fc.property(specArb({ maxN: 14, maxWorkers: 3 }), fc.nat(1000), (spec, seed) => {
        const p = makeProblem(spec);
        const a = solve(p, opts(seed, 600));
        const b = solve(p, opts(seed, 600));
        expect(Array.from(b.schedule.start)).toEqual(Array.from(a.schedule.start));
        expect(Array.from(b.schedule.worker)).toEqual(Array.from(a.schedule.worker));
        expect(b.schedulesEvaluated).toBe(a.schedulesEvaluated);
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('one more worker never lengthens the plan (warm start from the smaller team)', () => {
    let plainWorse = 0;
    fc.assert(
      fc.property(
        specArb({ maxN: 12, maxWorkers: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(1000),
        (spec, w, seed) => {
          const small = withWorkers(spec, w);
          const big = { ...small, workers: { count: w + 1, eligible: small.workers!.eligible } };
          const rs = solve(makeProblem(small), opts(seed));
          const pb = makeProblem(big);
          const warm = solve(pb, { ...opts(seed), warmStart: rs.schedule });
          expect(verify(big, warm.schedule)).toBeNull();
          expect(warm.schedule.makespan).toBeLessThanOrEqual(rs.schedule.makespan);
          const plain = solve(pb, opts(seed));
          if (plain.schedule.makespan > rs.schedule.makespan) plainWorse++;
        },
      ),
      { numRuns: 100, seed: 3 },
    );
    // Without the warm start the search alone is nearly always monotone too.
    expect(plainWorse).toBeLessThanOrEqual(3);
  });
});

describe('optimality on small cases', () => {
  it('finds the branch-and-bound optimum in at least 95 % of random cases with ≤ 10 activities', () => {
    const cases = [
      ...fc.sample(specArb({ maxN: 10, maxWorkers: 2 }), { numRuns: 150, seed: 11 }),
      ...fc.sample(specArb({ minN: 9, maxN: 10, maxWorkers: 3 }), { numRuns: 150, seed: 12 }),
    ];
    let hit = 0;
    const missed: string[] = [];
    for (const [k, spec] of cases.entries()) {
      const opt = bruteForce(spec);
      const r = solve(makeProblem(spec), { ...opts(1, 2000), profile: k % 2 ? 'skyline' : 'auto' });
      expect(r.schedule.makespan).toBeGreaterThanOrEqual(opt);
      expect(r.lowerBound).toBeLessThanOrEqual(opt + 1e-9);
      if (r.schedule.makespan === opt) hit++;
      else missed.push(`${r.schedule.makespan} vs ${opt}`);
    }
    expect(hit / cases.length, missed.join(', ')).toBeGreaterThanOrEqual(0.95);
  });

  it('the energetic bound never exceeds the optimum, in hours or in half-hours, and helps', () => {
    const cases = [
      ...fc.sample(specArb({ maxN: 10, maxWorkers: 2 }), { numRuns: 200, seed: 21 }),
      ...fc.sample(specArb({ minN: 8, maxN: 10, maxWorkers: 3 }), { numRuns: 200, seed: 22 }),
    ];
    let above = 0;
    for (const spec of cases) {
      const opt = bruteForce(spec);
      const p = makeProblem(spec);
      const br = computeBounds(compile(p));
      expect(br.bounds.energetic).toBeLessThanOrEqual(opt);
      expect(br.lowerBound).toBeLessThanOrEqual(opt);
      const basic = Math.max(br.bounds.criticalPath, br.bounds.resource, br.bounds.arrival);
      expect(br.bounds.energetic).toBeGreaterThanOrEqual(basic);
      if (br.bounds.energetic > basic) above++;
      // The same project in half-hours (time unit 0.5): the bound halves, still valid.
      const half = {
        ...p,
        duration: p.duration.map((d) => d / 2),
        resources: p.resources.map((r) => ({
          ...r,
          profile: r.profile.map((x) => ({ ...x, from: x.from / 2 })),
        })),
      };
      const hb = computeBounds(compile(half));
      expect(hb.lowerBound).toBeLessThanOrEqual(opt / 2);
      expect(hb.bounds.energetic).toBe(br.bounds.energetic / 2);
    }
    expect(above).toBeGreaterThan(cases.length / 10);
  });

  it('with fractional durations the energetic bound stays below every schedule found', () => {
    fc.assert(
      fc.property(
        specArb({ maxN: 12, maxWorkers: 3 }),
        fc.array(fc.double({ min: 0.05, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (spec, factors) => {
          const base = makeProblem(spec);
          const p = { ...base, duration: base.duration.map((d, i) => d * factors[i]!) };
          const r = solve(p, opts(1, 300));
          expect(r.bounds.energetic).toBeLessThanOrEqual(r.schedule.makespan + 1e-9);
          expect(checkSchedule(p, r.schedule)).toEqual([]);
        },
      ),
      { numRuns: 150, seed: 9 },
    );
  });
});
