import { describe, expect, it } from 'vitest';
import {
  forwardBackward,
  parallelSgs,
  serialSgs,
} from '../../../../src/planner/engine/building-blocks.js';
import { arrivalRelease, computeBounds } from '../../../../src/planner/engine/bounds.js';
import { checkSchedule } from '../../../../src/planner/engine/check-schedule.js';
import { compile } from '../../../../src/planner/engine/compile.js';
import { cpm } from '../../../../src/planner/engine/cpm.js';
import {
  priorityList,
  priorityValues,
  totalSuccessors,
} from '../../../../src/planner/engine/priority.js';
import { ALL } from '../../../../src/planner/engine/problem.js';
import { Resolver } from '../../../../src/planner/engine/resolve.js';
import { InfeasibleError } from '../../../../src/planner/engine/sgs.js';
import { solve } from '../../../../src/planner/engine/solve.js';
import { makeProblem, verify } from '../helpers.js';
import type { Spec } from '../helpers.js';

/** One resource with one unit from hour 0 until hour `t`, and none after, for good. */
function unitUntil(t: number): Spec['resources'] {
  return [
    [
      [0, 1],
      [t, 0],
    ],
  ];
}

const three: Spec = {
  dur: [2, 3, 2],
  preds: [[], [], []],
  resources: [[[0, 2]]],
  demand: [[1], [2], [1]],
};

describe('serial SGS', () => {
  it('starts each activity at its earliest feasible time, in list order', () => {
    const s = serialSgs(makeProblem(three), [0, 1, 2]);
    expect(Array.from(s.start)).toEqual([0, 2, 0]);
    expect(s.makespan).toBe(5);
    expect(verify(three, s)).toBeNull();
  });

  it('fills a gap left earlier in the schedule (backward gap filling)', () => {
    const s = serialSgs(makeProblem(three), [1, 0, 2]);
    expect(Array.from(s.start)).toEqual([3, 0, 3]);
    expect(s.makespan).toBe(5);
  });

  it('waits for capacity that arrives later; ALL holds what is there', () => {
    const spec: Spec = {
      dur: [2, 2],
      preds: [[], [0]],
      resources: [[[3, 2]]],
      demand: [[1], [ALL]],
    };
    const s = serialSgs(makeProblem(spec), [0, 1]);
    expect(Array.from(s.start)).toEqual([3, 5]);
    expect(Array.from(s.held)).toEqual([1, 2]);
    expect(verify(spec, s)).toBeNull();
  });

  it('does not run across a capacity drop below its demand', () => {
    const spec: Spec = {
      dur: [3, 5],
      preds: [[], []],
      resources: [
        [
          [0, 2],
          [4, 1],
          [6, 2],
        ],
      ],
      demand: [[2], [2]],
    };
    const s = serialSgs(makeProblem(spec), [0, 1]);
    // a1 fits [0,3) before the drop at 4; a2 needs 2 for 5 units: only from 6 on.
    expect(Array.from(s.start)).toEqual([0, 6]);
  });

  it('an ALL activity never spans a capacity change', () => {
    const spec: Spec = {
      dur: [3, 2],
      preds: [[], []],
      resources: [
        [
          [0, 1],
          [2, 3],
        ],
      ],
      demand: [[ALL], [ALL]],
    };
    const s = serialSgs(makeProblem(spec), [0, 1]);
    // a1 cannot take [0,3) (the capacity changes at 2): it waits for 2 and holds 3. a2 then
    // fits [0,2) holding the 1 unit there.
    expect(Array.from(s.start)).toEqual([2, 0]);
    expect(Array.from(s.held)).toEqual([3, 1]);
    expect(verify(spec, s)).toBeNull();
  });

  it('assigns eligible workers and never double-books them', () => {
    const spec: Spec = {
      dur: [2, 2, 2],
      preds: [[], [], []],
      resources: [],
      demand: [[], [], []],
      workers: { count: 2, eligible: [[0], [0], null] },
    };
    const s = serialSgs(makeProblem(spec), [0, 1, 2]);
    expect(Array.from(s.start)).toEqual([0, 2, 0]);
    expect(Array.from(s.worker)).toEqual([0, 0, 1]);
    expect(s.makespan).toBe(4);
  });

  it('picks the worker who became free latest (best fit), ties to the lowest index', () => {
    const spec: Spec = {
      dur: [1, 3, 2],
      preds: [[], [], [0]],
      resources: [],
      demand: [[], [], []],
      workers: { count: 3, eligible: [[1], [0], null] },
    };
    // a1 on w1 [0,1), a2 on w0 [0,3); a3 at 1: w1 free since 1, w2 since 0 → w1.
    const s = serialSgs(makeProblem(spec), [0, 1, 2]);
    expect(Array.from(s.worker)).toEqual([1, 0, 1]);
  });

  it('throws when a demand never fits', () => {
    const spec: Spec = {
      dur: [5],
      preds: [[]],
      resources: [
        [
          [0, 2],
          [4, 1],
        ],
      ],
      demand: [[2]],
    };
    expect(() => serialSgs(makeProblem(spec), [0])).toThrow(InfeasibleError);
  });

  it('proves no schedule exists where the work needs more than the capacity ever offers', () => {
    // One unit for hours 0–8, then none for good: two 8-hour activities holding it cannot both
    // run. The energy bound was Infinity, and a plan died dating an Infinity-hour end.
    const spec: Spec = {
      dur: [8, 8],
      preds: [[], []],
      resources: unitUntil(8),
      demand: [[1], [1]],
    };
    // Work that fills it exactly, its hours summing to 8.000000000000002, still fits.
    const exact: Spec = {
      ...spec,
      dur: [2.2, 2.1, 2.5, 0.4, 0.8],
      preds: [[], [], [], [], []],
      demand: [[1], [1], [1], [1], [1]],
    };
    expect(2.2 + 2.1 + 2.5 + 0.4 + 0.8).toBeGreaterThan(8);
    expect(computeBounds(compile(makeProblem(exact))).lowerBound).toBeCloseTo(8, 9);
    const words = /needs at least 16 \S+-hours of it, but from hour 0 on \S+ offers only 8 in all/;
    expect(() => computeBounds(compile(makeProblem(spec)))).toThrow(words);
    expect(() => solve(makeProblem(spec), { seed: 1, timeLimitMs: 50, now: () => 0 })).toThrow(
      InfeasibleError,
    );
  });

  it('where capacity drops for good, the search finds the order that fits, or says none did', () => {
    // One engineer; a GPU for hours 0–8 only. a1 (no GPU) comes first by id: in that order a2
    // finds no place, so the plan said "a2 can never be scheduled", though a2 then a1 fits.
    const spec: Spec = {
      dur: [8, 8],
      preds: [[], []],
      resources: unitUntil(8),
      demand: [[0], [1]],
      workers: { count: 1, eligible: [null, null] },
    };
    const r = solve(makeProblem(spec), { seed: 1, timeLimitMs: 1000, now: () => 0 });
    expect(Array.from(r.schedule.start)).toEqual([8, 0]);
    expect(r.schedule.makespan).toBe(16);
    expect(r.optimal).toBe(true);
    expect(verify(spec, r.schedule)).toBeNull();
    // One engineer, 11 hours of work, all of it due by hour 10 (a3 needs a1 first): no order
    // fits, and the words say so, not "never".
    const tight: Spec = {
      dur: [1, 5, 5],
      preds: [[], [], [0]],
      resources: unitUntil(10),
      demand: [[0], [1], [1]],
      workers: { count: 1, eligible: [null, null, null] },
    };
    const budget = { seed: 1, timeLimitMs: 200, maxSchedules: 2000, now: () => 0 };
    expect(() => solve(makeProblem(tight), budget)).toThrow(
      /^no order of the work the search tried fits it all: a\d found no place before hour 10, when the \S+ it needs drops for good$/,
    );
  });

  it('says when a demand fits, but never for as long as the activity takes', () => {
    // 2 units for hours 0–4 only: a 5-hour activity holding 2 has no place, though 2 ≤ 2.
    const spec: Spec = {
      dur: [5],
      preds: [[]],
      resources: [
        [
          [0, 2],
          [4, 1],
        ],
      ],
      demand: [[2]],
    };
    const words =
      'Activity a1 can never be scheduled: it holds 2 of r0 for 5 h, but 2 of r0 lasts at most 4 h at a stretch (from 0 to 4)';
    expect(() => serialSgs(makeProblem(spec), [0])).toThrow(words);
    expect(() => arrivalRelease(compile(makeProblem(spec)))).toThrow(words);
    // More than the capacity ever is: said so.
    const over: Spec = { ...spec, demand: [[3]] };
    expect(() => arrivalRelease(compile(makeProblem(over)))).toThrow(
      'Activity a1 can never be scheduled: it needs 3 of r0, more than the capacity ever is',
    );
  });
});

describe('zero-length activities', () => {
  // a1: a 0-hour GPU check, a2 (1 h, no GPU) waits for it; a3: 0 hours on ALL GPUs.
  const spec: Spec = {
    dur: [0, 1, 0],
    preds: [[], [0], []],
    resources: [
      [
        [0, 0],
        [5, 2],
      ],
    ],
    demand: [[1], [0], [ALL]],
  };

  it('wait for the hardware they need (arrival release), in every pass', () => {
    const p = makeProblem(spec);
    for (const s of [serialSgs(p, [0, 1, 2]), parallelSgs(p, new Float64Array(3))]) {
      expect(Array.from(s.start)).toEqual([5, 5, 5]);
      expect(verify(spec, s)).toBeNull();
      expect(checkSchedule(p, s)).toEqual([]);
    }
    expect(Array.from(arrivalRelease(compile(p)))).toEqual([5, 0, 5]);
    const r = solve(p, { seed: 1, timeLimitMs: 0, now: () => 0 });
    expect(r.schedule.makespan).toBe(6);
    expect(r.bounds.arrival).toBe(6);
    expect(new Resolver(p).solve([0, 1, 0]).start[0]).toBe(5);
  });

  it('the checker flags one that starts before its demands fit', () => {
    const p = makeProblem(spec);
    const bad = { ...serialSgs(p, [0, 1, 2]), start: Float64Array.of(0, 5, 5) };
    expect(checkSchedule(p, bad).join()).toMatch(/a1 starts at 0 but its demands fit only from 5/);
  });
});

describe('parallel SGS', () => {
  it('starts at each decision time every ready activity that fits, in priority order', () => {
    const s = parallelSgs(makeProblem(three), Float64Array.of(0, 1, 2));
    expect(Array.from(s.start)).toEqual([0, 2, 0]);
    expect(s.makespan).toBe(5);
  });

  it('never leaves a gap a later activity could have used (non-delay)', () => {
    const s = parallelSgs(makeProblem(three), Float64Array.of(1, 0, 2));
    expect(Array.from(s.start)).toEqual([3, 0, 3]);
  });
});

describe('forward-backward improvement', () => {
  const spec: Spec = {
    dur: [1, 1, 3],
    preds: [[], [], [0]],
    resources: [[[0, 1]]],
    demand: [[1], [1], [0]],
  };
  it('shortens a schedule by right- then left-justifying it', () => {
    const p = makeProblem(spec);
    const s = serialSgs(p, [1, 0, 2]);
    expect(s.makespan).toBe(5);
    const { schedule, list } = forwardBackward(p, s);
    expect(schedule.makespan).toBe(4);
    expect(Array.from(schedule.start)).toEqual([0, 1, 1]);
    expect(Array.from(list)).toEqual([0, 2, 1]);
    expect(verify(spec, schedule)).toBeNull();
  });
});

describe('priority rules', () => {
  // a1 → a3, a2 → a3 → a4; a2 is long.
  const spec: Spec = {
    dur: [1, 4, 2, 1],
    preds: [[], [], [0, 1], [2]],
    resources: [],
    demand: [[], [], [], []],
  };
  const c = compile(makeProblem(spec));
  const cp = cpm(c.problem, c.dur)!;

  it('LFT and LST come from the CPM backward pass', () => {
    expect(Array.from(priorityValues(c, 'LFT', cp))).toEqual([4, 4, 6, 7]);
    expect(Array.from(priorityValues(c, 'LST', cp))).toEqual([3, 0, 4, 6]);
    expect(Array.from(priorityList(c, priorityValues(c, 'LST', cp)))).toEqual([1, 0, 2, 3]);
  });

  it('LFT ties break by id order', () => {
    expect(Array.from(priorityList(c, priorityValues(c, 'LFT', cp)))).toEqual([0, 1, 2, 3]);
  });

  it('MTS counts all successors, GRPW adds the immediate ones, CPL is the path to the end', () => {
    expect(Array.from(totalSuccessors(c))).toEqual([2, 2, 1, 0]);
    expect(Array.from(priorityValues(c, 'GRPW', cp))).toEqual([-3, -6, -3, -1]);
    expect(Array.from(priorityValues(c, 'CPL', cp))).toEqual([-4, -7, -3, -1]);
    expect(Array.from(priorityValues(c, 'LPT', cp))).toEqual([-1, -4, -2, -1]);
  });

  it('lists always respect precedence even when values do not', () => {
    const list = priorityList(c, Float64Array.of(9, 9, 0, 0));
    expect(Array.from(list)).toEqual([0, 1, 2, 3]);
  });
});

describe('lower bounds', () => {
  it('energy bound: total work over capacity', () => {
    const spec: Spec = {
      dur: [2, 2, 2, 2],
      preds: [[], [], [], []],
      resources: [[[0, 2]]],
      demand: [[2], [2], [2], [2]],
    };
    const b = computeBounds(compile(makeProblem(spec)));
    expect(b.bounds).toEqual({ criticalPath: 2, resource: 8, arrival: 2, energetic: 8 });
    expect(b.lowerBound).toBe(8);
  });

  it('arrival bound: nothing needing GPUs starts before they arrive', () => {
    const spec: Spec = {
      dur: [1, 3],
      preds: [[], [0]],
      resources: [[[5, 2]]],
      demand: [[0], [2]],
    };
    const b = computeBounds(compile(makeProblem(spec)));
    expect(b.bounds.criticalPath).toBe(4);
    expect(b.bounds.arrival).toBe(8);
    expect(b.lowerBound).toBe(8);
    expect(Array.from(b.release)).toEqual([0, 5]);
  });

  it('energy bound follows the capacity profile', () => {
    // 1 unit on [0, 4), 3 from 4: 10 units of work end at 4 + (10 − 4) / 3 = 6.
    const spec: Spec = {
      dur: [5, 5],
      preds: [[], []],
      resources: [
        [
          [0, 1],
          [4, 3],
        ],
      ],
      demand: [[1], [1]],
    };
    const b = computeBounds(compile(makeProblem(spec)));
    expect(b.bounds.resource).toBe(6);
  });

  it('worker bound: total work over the team', () => {
    const spec: Spec = {
      dur: [3, 3, 3],
      preds: [[], [], []],
      resources: [],
      demand: [[], [], []],
      workers: { count: 2, eligible: [null, null, null] },
    };
    expect(computeBounds(compile(makeProblem(spec))).bounds.resource).toBe(4.5);
  });
});
