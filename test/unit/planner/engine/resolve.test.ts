import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSchedule } from '../../../../src/planner/engine/check-schedule.js';
import { compile, gridFits } from '../../../../src/planner/engine/compile.js';
import type { Problem } from '../../../../src/planner/engine/problem.js';
import { Resolver } from '../../../../src/planner/engine/resolve.js';
import { makeProblem, specArb, verify } from '../helpers.js';
import type { Spec } from '../helpers.js';

describe('Resolver: compile once, re-solve with new durations', () => {
  it('fractional durations on a problem compiled with integral ones: the grid steps aside', () => {
    fc.assert(
      fc.property(
        specArb({ maxN: 12, maxWorkers: 3 }),
        fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (spec, factors) => {
          const p = makeProblem(spec);
          const rs = new Resolver(p);
          const sky = new Resolver(p, { profile: 'skyline' });
          // Integral durations: the grid pass and the skyline pass agree, and both are valid.
          const a = rs.solve(p.duration);
          const aStart = Array.from(a.start);
          expect(verify(spec, a)).toBeNull();
          expect(aStart).toEqual(Array.from(sky.solve(p.duration).start));
          // Fractional ones (and zeros): same agreement, valid for the sampled problem.
          const frac = Float64Array.from(p.duration, (d, i) => d * factors[i]!);
          const fp: Problem = { ...p, duration: frac };
          const b = rs.solve(frac);
          expect(checkSchedule(fp, b)).toEqual([]);
          const s = sky.solve(frac);
          expect(Array.from(b.start)).toEqual(Array.from(s.start));
          expect(b.makespan).toBe(s.makespan);
          // And back to the integral durations: the same schedule as the first time.
          expect(Array.from(rs.solve(p.duration).start)).toEqual(aStart);
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });

  it('gridFits follows the durations a pass sees', () => {
    const spec: Spec = { dur: [2, 3], preds: [[], [0]], resources: [[[0, 1]]], demand: [[1], [1]] };
    const c = compile(makeProblem(spec));
    expect(c.grid).toBeGreaterThan(0);
    expect(gridFits(c)).toBe(true);
    c.dur[0] = 2.5;
    expect(gridFits(c)).toBe(false);
    c.dur[0] = 1000; // integral, but past the cells allocated
    expect(gridFits(c)).toBe(false);
  });

  it('one FBI round never lengthens the LFT pass; follow() keeps a given order and workers', () => {
    const spec: Spec = {
      dur: [2, 3, 2, 1],
      preds: [[], [], [0], [1]],
      resources: [[[0, 2]]],
      demand: [[1], [2], [1], [1]],
      workers: { count: 2, eligible: [null, null, [1], null] },
    };
    const p = makeProblem(spec);
    const rs = new Resolver(p);
    const plain = rs.solve(p.duration, 0).makespan;
    const improved = rs.solve(p.duration, 1);
    expect(improved.makespan).toBeLessThanOrEqual(plain);
    const f = rs.follow(Int32Array.of(1, 0, 3, 2), Int32Array.of(0, 1, 1, 0));
    expect(Array.from(f.worker)).toEqual([0, 1, 1, 0]);
    expect(f.start[1]).toBe(0);
    expect(checkSchedule(p, f)).toEqual([]);
  });

  it('rejects invalid durations', () => {
    const p = makeProblem({ dur: [1, 2], preds: [[], []], resources: [], demand: [[], []] });
    const rs = new Resolver(p);
    expect(() => rs.solve([1, -1])).toThrow(/invalid duration/);
    expect(() => rs.solve([1, NaN])).toThrow(/invalid duration/);
    expect(() => rs.solve([1])).toThrow(/1 durations for 2/);
  });
});
