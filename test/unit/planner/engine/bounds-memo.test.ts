import { describe, expect, it } from 'vitest';
import { computeBounds } from '../../../../src/planner/engine/bounds.js';
import { compile } from '../../../../src/planner/engine/compile.js';
import { cpm } from '../../../../src/planner/engine/cpm.js';
import { makeProblem } from '../helpers.js';
import type { Spec } from '../helpers.js';

const spec: Spec = {
  dur: [2, 3, 4, 1],
  preds: [[], [0], [0], [1, 2]],
  resources: [[[3, 2]]],
  demand: [[0], [1], [0], [1]],
  workers: { count: 2, eligible: [null, null, null, null] },
};

describe('computeBounds on problems that share a graph', () => {
  it('gives each problem the CPM of its own durations and releases', () => {
    const a = makeProblem(spec);
    // The same graph arrays, other durations: the memo must not answer for them.
    const b = { ...a, duration: Float64Array.of(2, 5, 4, 1) };
    const c = { ...a, resources: [{ id: 'r0', profile: [{ from: 0, capacity: 2 }] }] };
    for (const p of [a, b, a, c, b]) {
      const br = computeBounds(compile(p));
      const own = cpm(p, p.duration, br.release.some((x) => x > 0) ? br.release : undefined)!;
      expect(Array.from(br.cpm.es)).toEqual(Array.from(own.es));
      expect(Array.from(br.cpm.lf)).toEqual(Array.from(own.lf));
      expect(br.bounds.criticalPath).toBe(cpm(p, p.duration)!.length);
    }
    expect(computeBounds(compile(b)).bounds.criticalPath).toBe(2 + 5 + 1);
    expect(computeBounds(compile(a)).bounds.arrival).toBe(3 + 3 + 1);
  });

  it('follows durations rewritten in place between calls (as a Resolver does)', () => {
    const p = makeProblem(spec);
    const c = compile(p);
    const first = computeBounds(c).bounds.criticalPath;
    c.dur[2] = 9;
    expect(computeBounds(c).bounds.criticalPath).toBe(first + 5);
  });
});
