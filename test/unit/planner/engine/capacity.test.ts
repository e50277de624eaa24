import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeProfile } from '../../../../src/planner/engine/capacity.js';
import type { CapacityStep } from '../../../../src/planner/engine/problem.js';

/** The capacity at t by the rule's words: the latest step ≤ t (of equal ones, the last given), else 0. */
function reference(steps: readonly CapacityStep[], t: number): number {
  let best: CapacityStep | undefined;
  for (const s of steps) if (s.from <= t && (best === undefined || s.from >= best.from)) best = s;
  return best?.capacity ?? 0;
}

function at(profile: readonly CapacityStep[], t: number): number {
  let c = 0;
  for (const s of profile) if (s.from <= t) c = s.capacity;
  return c;
}

describe('normalizeProfile', () => {
  it('keeps the capacity at every time, starts at 0, increases strictly, never repeats a value', () => {
    const step = fc.record({
      from: fc.integer({ min: -3, max: 20 }),
      capacity: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const p = normalizeProfile(steps);
        expect(p[0]?.from).toBe(0);
        for (let i = 1; i < p.length; i++) {
          expect(p[i]!.from).toBeGreaterThan(p[i - 1]!.from);
          expect(p[i]!.capacity).not.toBe(p[i - 1]!.capacity);
        }
        for (let t = 0; t <= 21; t++) expect(at(p, t)).toBe(reference(steps, t));
      }),
    );
  });

  it('is 0 until the first arrival', () => {
    expect(normalizeProfile([{ from: 8, capacity: 4 }])).toEqual([
      { from: 0, capacity: 0 },
      { from: 8, capacity: 4 },
    ]);
  });
});
