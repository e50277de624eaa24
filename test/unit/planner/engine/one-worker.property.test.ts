import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serialSgs } from '../../../../src/planner/engine/building-blocks.js';
import { makeProblem, scaled, specArb, verify, withWorkers } from '../helpers.js';
import type { Spec } from '../helpers.js';

/**
 * The serial pass of a one-worker problem (which runs on the worker's free stretches and the
 * bare capacities when the times are on an exact grid) against the general pass on the same
 * problem with the worker written as one more resource of capacity 1 that every activity holds.
 */
function asResource(spec: Spec): Spec {
  return {
    dur: spec.dur,
    preds: spec.preds,
    resources: [...spec.resources, [[0, 1]]],
    demand: spec.demand.map((d) => [...d, 1]),
  };
}

/** A precedence-feasible list: activities by random key, each after its predecessors. */
function randomList(spec: Spec, keys: readonly number[]): number[] {
  const n = spec.dur.length;
  const done = new Array<boolean>(n).fill(false);
  const list: number[] = [];
  while (list.length < n) {
    let pick = -1;
    for (let i = 0; i < n; i++) {
      if (done[i] || !spec.preds[i]!.every((p) => done[p])) continue;
      if (pick < 0 || keys[i % keys.length]! < keys[pick % keys.length]!) pick = i;
    }
    done[pick] = true;
    list.push(pick);
  }
  return list;
}

describe('serial SGS with one worker', () => {
  it('gives the schedule of the general pass (worker as a capacity-1 resource)', () => {
    fc.assert(
      fc.property(
        specArb({ maxN: 14, maxWorkers: 1 }),
        fc.array(fc.nat(1000), { minLength: 14, maxLength: 14 }),
        fc.constantFrom(1, 0.5, 1 / 3),
        (raw, keys, f) => {
          const spec = withWorkers(raw, 1);
          const list = randomList(spec, keys);
          const one = scaled(makeProblem(spec), f);
          const general = scaled(makeProblem(asResource(spec)), f);
          let a;
          try {
            a = serialSgs(one, list);
          } catch {
            expect(() => serialSgs(general, list)).toThrow();
            return;
          }
          const b = serialSgs(general, list);
          expect(Array.from(a.start)).toEqual(Array.from(b.start));
          expect(a.makespan).toBe(b.makespan);
          const R = spec.resources.length;
          for (let i = 0; i < spec.dur.length; i++) {
            expect(a.worker[i]).toBe(0);
            for (let r = 0; r < R; r++) expect(a.held[i * R + r]).toBe(b.held[i * (R + 1) + r]);
          }
          if (f === 1) expect(verify(spec, a)).toBeNull();
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });

  it('fills the holes a late capacity leaves, as the general pass does', () => {
    const spec: Spec = {
      dur: [2, 3, 1, 4],
      preds: [[], [], [], [2]],
      resources: [[[5, 1]]],
      demand: [[0], [1], [0], [0]],
      workers: { count: 1, eligible: [null, null, null, null] },
    };
    const s = serialSgs(makeProblem(spec), [1, 0, 2, 3]);
    expect(Array.from(s.start)).toEqual([0, 5, 2, 8]);
    expect(s.makespan).toBe(12);
    expect(verify(spec, s)).toBeNull();
  });
});
