import { describe, expect, it } from 'vitest';
import {
  J120_LIKE,
  J60_LIKE,
  RESOURCES,
  parameterGrid,
  progenInstance,
  progenSet,
  toSm,
} from '../../../bench/gen/psplib-like.js';
import { parsePsplib } from '../../../src/config/psplib.js';

/** Whether b is reachable from a through at least one arc. */
function reaches(succ: readonly (readonly number[])[], a: number, b: number): boolean {
  const seen = new Set<number>();
  const stack = [...succ[a]!];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x === b) return true;
    if (seen.has(x)) continue;
    seen.add(x);
    stack.push(...succ[x]!);
  }
  return false;
}

describe('ProGen-like generator', () => {
  it('is deterministic: the same seed gives the same instance, another seed another one', () => {
    const p = parameterGrid(J120_LIKE)[17]!;
    expect(progenInstance(5, p)).toEqual(progenInstance(5, p));
    expect(progenInstance(6, p)).not.toEqual(progenInstance(5, p));
    const a = progenSet(J60_LIKE, 6, 3).map((g) => toSm(g.instance, g.seed));
    const b = progenSet(J60_LIKE, 6, 3).map((g) => toSm(g.instance, g.seed));
    expect(a).toEqual(b);
  });

  it('has the grids of J60 (48 combinations) and J120 (60)', () => {
    expect(parameterGrid(J60_LIKE)).toHaveLength(48);
    expect(parameterGrid(J120_LIKE)).toHaveLength(60);
    expect(new Set(parameterGrid(J120_LIKE).map((p) => p.rs))).toEqual(
      new Set([0.1, 0.2, 0.3, 0.4, 0.5]),
    );
  });

  it("keeps ProGen's rules: dummies, 3 start and 3 end activities, degrees ≤ 3, topological numbering, no redundant arc", () => {
    for (const g of progenSet(J120_LIKE, 12, 11)) {
      const { jobs, successors: succ, durations, requests } = g.instance;
      const n = jobs - 2;
      expect(n).toBe(120);
      expect(succ[0]).toEqual([1, 2, 3]);
      expect(durations[0]).toBe(0);
      expect(durations[n + 1]).toBe(0);
      expect(succ[n + 1]).toEqual([]);
      const preds = Array.from({ length: jobs }, () => 0);
      for (const [i, ss] of succ.entries()) {
        for (const j of ss) {
          expect(j).toBeGreaterThan(i);
          preds[j]!++;
        }
      }
      for (let j = 1; j <= n; j++) {
        const real = succ[j]!.filter((s) => s !== n + 1);
        expect(real.length).toBeLessThanOrEqual(3);
        expect(preds[j]).toBeGreaterThanOrEqual(1);
        if (j > 3) expect(preds[j]).toBeLessThanOrEqual(3);
        expect(succ[j]!.length).toBeGreaterThanOrEqual(1);
        expect(durations[j]).toBeGreaterThanOrEqual(1);
        expect(durations[j]).toBeLessThanOrEqual(10);
        // Exactly round(RF · 4) resources, each demand in 1..10.
        const used = requests[j]!.filter((q) => q > 0);
        expect(used).toHaveLength(Math.round(g.params.rf * RESOURCES));
        for (const q of used) expect(q).toBeLessThanOrEqual(10);
      }
      // The end activities are the sink's predecessors; no arc is implied by a longer path.
      for (let j = n - 2; j <= n; j++) expect(succ[j]).toEqual([n + 1]);
      for (let i = 1; i <= n; i++) {
        for (const j of succ[i]!) {
          if (j === n + 1) continue;
          const others = succ[i]!.filter((x) => x !== j);
          expect(others.some((x) => x === j || reaches(succ, x, j))).toBe(false);
        }
      }
    }
  });

  it('reaches the network complexity and the resource strength it is asked for', () => {
    for (const g of progenSet(J60_LIKE, 48, 2)) {
      const { jobs, successors, requests, capacities } = g.instance;
      const arcs = successors.reduce((k, ss) => k + ss.length, 0);
      expect(Math.abs(arcs / jobs - g.params.nc)).toBeLessThan(0.15);
      for (let r = 0; r < RESOURCES; r++) {
        const kmin = Math.max(...requests.map((q) => q[r]!));
        expect(capacities[r]).toBeGreaterThanOrEqual(kmin);
        if (g.params.rs === 1 || kmin === 0) continue;
        // RS < 1: below the earliest-start peak, which RS = 1 would give.
        const full = progenInstance(g.seed, { ...g.params, rs: 1 }).capacities[r]!;
        expect(capacities[r]).toBeLessThanOrEqual(full);
      }
    }
  });

  it('writes .sm files that the PSPLIB parser reads back to the same instance', () => {
    for (const g of progenSet(J120_LIKE, 3, 4)) {
      const parsed = parsePsplib(toSm(g.instance, g.seed), g.name);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(parsed.value).toEqual(g.instance);
    }
  });
});
