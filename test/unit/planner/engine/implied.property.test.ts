import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parallelSgs } from '../../../../src/planner/engine/building-blocks.js';
import { compile } from '../../../../src/planner/engine/compile.js';
import { Sgs } from '../../../../src/planner/engine/sgs.js';
import { solve } from '../../../../src/planner/engine/solve.js';
import { makeProblem, scaled, specArb, verify, withWorkers } from '../helpers.js';
import type { Spec } from '../helpers.js';

/**
 * A resource the workers imply (constant capacity ≥ workers × largest demand, as a team's
 * engineer resource is) is left out of the passes' room checks. Against an oracle: the same
 * resource with one more capacity step far past any schedule, which no pass may leave out.
 */

/** `spec` with one more resource of constant capacity `cap` (or a far step up), demands 0–`most`. */
function withTeamResource(spec: Spec, cap: number, most: number, far: boolean): Spec {
  const steps: [number, number][] = far
    ? [
        [0, cap],
        [1e6, cap + 1],
      ]
    : [[0, cap]];
  return {
    ...spec,
    resources: [...spec.resources, steps],
    demand: spec.dur.map((_, i) => [
      ...spec.resources.map((_, r) => spec.demand[i]?.[r] ?? 0),
      i % 3 === 2 ? 0 : 1 + (i % most),
    ]),
  };
}

describe('resources the workers imply', () => {
  it('are marked only where the capacity covers every worker at the largest demand', () => {
    const spec = withWorkers({ dur: [2, 3], preds: [[], []], resources: [], demand: [[], []] }, 2);
    const implied = (cap: number, most: number, far = false): number =>
      compile(makeProblem(withTeamResource(spec, cap, most, far))).implied[0]!;
    expect(implied(2, 1)).toBe(1);
    expect(implied(4, 2)).toBe(1);
    expect(implied(3, 2)).toBe(0);
    expect(implied(1, 1)).toBe(0);
    expect(implied(2, 1, true)).toBe(0);
    const none = compile(
      makeProblem({ ...withTeamResource(spec, 2, 1, false), workers: undefined }),
    );
    expect(none.implied[0]).toBe(0);
  });

  it('give the schedules, makespans and holdings of the checked resource, and are never over capacity', () => {
    fc.assert(
      fc.property(
        specArb({ maxN: 12, maxWorkers: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        // Off the exact grid (0.1, 1/3 h) the resource is checked: sums of times round there.
        fc.constantFrom(1, 0.5, 0.1, 1 / 3),
        (raw, W, most, spare, f) => {
          const cap = W * most + spare;
          const spec = withTeamResource(withWorkers(raw, W), cap, most, false);
          const oracle = withTeamResource(withWorkers(raw, W), cap, most, true);
          const opts = { seed: 3, timeLimitMs: Infinity, maxSchedules: 60, now: () => 0 };
          let a;
          try {
            a = solve(scaled(makeProblem(spec), f), opts);
          } catch {
            expect(() => solve(scaled(makeProblem(oracle), f), opts)).toThrow();
            return;
          }
          const b = solve(scaled(makeProblem(oracle), f), opts);
          expect(Array.from(a.schedule.start)).toEqual(Array.from(b.schedule.start));
          expect(Array.from(a.schedule.worker)).toEqual(Array.from(b.schedule.worker));
          expect(Array.from(a.schedule.held)).toEqual(Array.from(b.schedule.held));
          expect(a.schedule.makespan).toBe(b.schedule.makespan);
          if (f === 1) expect(verify(spec, a.schedule)).toBeNull();
        },
      ),
      { numRuns: 400, seed: 17 },
    );
  });

  it('are checked off the exact time grid, where the profile snaps ends to within 1e-10 h', () => {
    // Q ends 1e-10 h after P: the resource's booking of X snaps to Q's end, so X waits for it
    // and Y takes engineer 0 first. Left out, X would start at 1 and the plan end at 31.
    const plan = (far: boolean): { start: number[]; makespan: number } => {
      const p = makeProblem({
        dur: [1 + 1e-10, 1, 10, 5, 20],
        preds: [[], [], [1], [0], [2]],
        resources: [
          far
            ? [
                [0, 2],
                [1e6, 3],
              ]
            : [[0, 2]],
        ],
        demand: [[1], [1], [1], [1], [1]],
        workers: { count: 2, eligible: [[1], [0], [0], [0], [1]] },
      });
      const s = parallelSgs(p, Float64Array.of(0, 1, 3, 2, 4));
      return { start: Array.from(s.start), makespan: s.makespan };
    };
    expect(plan(false)).toEqual(plan(true));
    expect(plan(false).makespan).toBeGreaterThan(36);
  });

  it('still end a backward pass at its horizon', () => {
    // One worker, two 5 h activities: 10 h of work cannot fit a mirrored horizon of 8 h.
    const spec = withTeamResource(
      withWorkers({ dur: [5, 5], preds: [[], []], resources: [], demand: [[], []] }, 1),
      1,
      1,
      false,
    );
    const c = compile(makeProblem(spec));
    expect(c.implied[0]).toBe(1);
    const sgs = new Sgs(c);
    const held = new Float64Array(2);
    const run = (h: number): number =>
      sgs.serial([0, 1], new Float64Array(2), new Int32Array(2), held, true, h);
    expect(run(8)).toBe(Infinity);
    expect(run(10)).toBe(10);
  });
});
