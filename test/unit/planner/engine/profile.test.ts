import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeSteps } from '../../../../src/planner/engine/compile.js';
import type { ProfileLike } from '../../../../src/planner/engine/profile.js';
import { GridProfile, Profile } from '../../../../src/planner/engine/profile.js';

/** Naive model: free capacity per unit slot up to H, the last capacity after. */
class Naive {
  readonly f: number[];
  readonly H: number;
  readonly steps: readonly { from: number; capacity: number }[];
  constructor(H: number, steps: readonly { from: number; capacity: number }[]) {
    this.H = H;
    this.steps = steps;
    this.f = Array.from({ length: H }, (_, t) => this.cap(t));
  }
  cap(t: number): number {
    let c = 0;
    for (const s of this.steps) if (s.from <= t) c = s.capacity;
    return c;
  }
  earliest(t: number, p: number, d: number): number {
    for (let s = t; s < this.H - p; s++) {
      let ok = true;
      for (let x = s; x < s + p && ok; x++) ok = this.f[x]! >= d;
      if (ok) return s;
    }
    return Infinity;
  }
  earliestAll(t: number, p: number): number {
    for (let s = t; s < this.H - p; s++) {
      const c = this.cap(s);
      let ok = c > 0;
      for (let x = s; x < s + p && ok; x++) ok = this.cap(x) === c && this.f[x] === c;
      if (ok) return s;
    }
    return Infinity;
  }
}

const stepsArb = fc
  .array(
    fc.record({ from: fc.integer({ min: 0, max: 30 }), capacity: fc.integer({ min: 0, max: 4 }) }),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((s) => [...s.sort((a, b) => a.from - b.from), { from: 31, capacity: 4 }]);

const opsArb = fc.array(
  fc.record({
    t: fc.integer({ min: 0, max: 40 }),
    p: fc.integer({ min: 1, max: 6 }),
    d: fc.integer({ min: 1, max: 4 }),
    all: fc.boolean(),
  }),
  { maxLength: 60 },
);

describe.each([
  ['skyline (chunks of 8)', (): ProfileLike => new Profile(undefined, undefined, 8)],
  ['skyline (default chunks)', (): ProfileLike => new Profile()],
  ['time-indexed grid', (): ProfileLike => new GridProfile(400)],
])('%s profile', (_name, make) => {
  it('answers earliest / earliestAll like a naive slot model while activities are placed', () => {
    fc.assert(
      fc.property(stepsArb, opsArb, (steps, ops) => {
        const { t, v } = normalizeSteps(steps);
        const prof = make();
        prof.reset(t, v, t.length);
        const naive = new Naive(400, steps);
        for (const op of ops) {
          const s = op.all ? prof.earliestAll(op.t, op.p) : prof.earliest(op.t, op.p, op.d);
          const want = op.all ? naive.earliestAll(op.t, op.p) : naive.earliest(op.t, op.p, op.d);
          expect(s).toBe(want);
          if (s === Infinity) continue;
          const h = op.all ? prof.capAt(s) : op.d;
          expect(h).toBe(op.all ? naive.cap(s) : op.d);
          prof.add(s, s + op.p, -h);
          for (let x = s; x < s + op.p; x++) naive.f[x]! -= h;
          const since = prof.freeSince(s + op.p, 0.5);
          let want2 = s + op.p;
          while (want2 > 0 && naive.f[want2 - 1]! >= 0.5) want2--;
          if (naive.f[s + op.p]! >= 0.5) expect(since).toBe(want2);
        }
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('normalizeSteps', () => {
  it('starts at 0 with 0 before the first step, merges repeats and same-time steps', () => {
    const s = normalizeSteps([
      { from: 5, capacity: 2 },
      { from: 8, capacity: 2 },
      { from: 10, capacity: 1 },
      { from: 10, capacity: 3 },
    ]);
    expect(Array.from(s.t)).toEqual([0, 5, 10]);
    expect(Array.from(s.v)).toEqual([0, 2, 3]);
  });
  it('a step before 0 sets the capacity at 0', () => {
    const s = normalizeSteps([{ from: -3, capacity: 4 }]);
    expect(Array.from(s.t)).toEqual([0]);
    expect(Array.from(s.v)).toEqual([4]);
  });
});
