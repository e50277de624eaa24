import { describe, expect, it } from 'vitest';
import type { Compiled } from '../../../../src/planner/engine/compile.js';
import { compile } from '../../../../src/planner/engine/compile.js';
import type { Problem } from '../../../../src/planner/engine/problem.js';
import { makeProblem } from '../helpers.js';
import type { Spec } from '../helpers.js';

const spec: Spec = {
  dur: [2, 3, 4, 1, 0],
  preds: [[], [0], [0], [1, 2], [3]],
  resources: [[[0, 1]], [[3, 2]]],
  demand: [
    [1, 0],
    [1, 1],
    [1, 0],
    [1, -1],
    [0, 1],
  ],
  workers: { count: 2, eligible: [null, [1], null, null, [0]] },
};

/** Everything compile made, typed arrays as plain arrays, for toEqual. */
function plain(c: Compiled): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (k === 'problem') continue;
    if (ArrayBuffer.isView(v)) out[k] = Array.from(v as Float64Array);
    else if (Array.isArray(v))
      out[k] = v.map((x: unknown) => (ArrayBuffer.isView(x) ? Array.from(x as Float64Array) : x));
    else out[k] = v;
  }
  return out;
}

/** The same problem copied: no array shared with `p`. */
const fresh = (p: Problem): Problem => ({
  ...p,
  succStart: Int32Array.from(p.succStart),
  succ: Int32Array.from(p.succ),
  predStart: Int32Array.from(p.predStart),
  pred: Int32Array.from(p.pred),
  ids: [...p.ids],
  duration: Float64Array.from(p.duration),
  demand: Float64Array.from(p.demand),
  resources: p.resources.map((r) => ({ id: r.id, profile: r.profile.map((s) => ({ ...s })) })),
  ...(p.workers === undefined
    ? {}
    : { workers: { names: [...p.workers.names], eligible: [...p.workers.eligible] } }),
});

describe('compile of problems that share all but their durations', () => {
  it('is what compiling them afresh gives, with their own durations and grid', () => {
    const a = makeProblem(spec);
    const other = Float64Array.of(2.5, 3, 4, 1, 0);
    const b = { ...a, duration: other };
    const long = { ...a, duration: Float64Array.of(2, 3, 40_000, 1, 0) };
    for (const p of [a, b, long, a, b]) {
      const c = compile(p);
      expect(c.problem).toBe(p);
      expect(c.dur).toBe(p.duration);
      expect(plain(c)).toEqual(plain(compile(fresh(p))));
    }
    // Integral durations get the grid; fractional or too long ones do not.
    expect(compile(a).grid).toBeGreaterThan(0);
    expect(compile(b).grid).toBe(0);
    expect(compile(long).grid).toBe(0);
    expect(compile(a, { grid: false }).grid).toBe(0);
  });

  it('compiles a problem with other demands, resources or workers on its own', () => {
    const a = makeProblem(spec);
    compile(a);
    const demand = Float64Array.from(a.demand);
    demand[2 * 2 + 1] = 2;
    const variants: Problem[] = [
      { ...a, demand },
      { ...a, resources: [a.resources[0]!, { id: 'r1', profile: [{ from: 5, capacity: 2 }] }] },
      { ...a, workers: { names: ['w0', 'w1'], eligible: [null, null, [0], null, null] } },
    ];
    for (const p of variants) {
      expect(plain(compile(p))).toEqual(plain(compile(fresh(p))));
      expect(plain(compile(p))).not.toEqual(plain(compile(a)));
    }
  });
});
