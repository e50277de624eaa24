import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCsr } from '../../../../src/model/activities.js';
import { cpm, criticalPaths } from '../../../../src/planner/engine/cpm.js';
import type { Dag } from '../../../../src/planner/engine/graph.js';

function dag(n: number, edges: [number, number][]): Dag {
  const s = toCsr(n, edges, 0);
  const p = toCsr(n, edges, 1);
  return { n, succStart: s.start, succ: s.list, predStart: p.start, pred: p.list };
}

describe('cpm on hand-computed examples', () => {
  //   0(3) ──▶ 1(2) ──▶ 3(4)
  //     └────▶ 2(5) ──┘
  // Longest path 0 → 2 → 3 = 12; activity 1 has 3 hours of slack.
  it('finds ES/EF/LS/LF, slack and the critical path of a diamond', () => {
    const g = dag(4, [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 3],
    ]);
    const r = cpm(g, Float64Array.from([3, 2, 5, 4]))!;
    expect(r.length).toBe(12);
    expect([...r.es]).toEqual([0, 3, 3, 8]);
    expect([...r.ef]).toEqual([3, 5, 8, 12]);
    expect([...r.ls]).toEqual([0, 6, 3, 8]);
    expect([...r.lf]).toEqual([3, 8, 8, 12]);
    expect([...r.totalSlack]).toEqual([0, 3, 0, 0]);
    expect([...r.freeSlack]).toEqual([0, 3, 0, 0]);
    expect([...r.critical]).toEqual([1, 0, 1, 1]);
    expect(criticalPaths(g, r, (a, b) => a - b)).toEqual([[0, 2, 3]]);
  });

  //   0(2) ──▶ 1(3)          free slack of 0 is 0 (1 starts right after), total slack 5
  //   2(10)                  the long isolated task sets the length
  it('separates free slack from total slack', () => {
    const g = dag(3, [[0, 1]]);
    const r = cpm(g, Float64Array.from([2, 3, 10]))!;
    expect(r.length).toBe(10);
    expect(r.totalSlack[0]).toBe(5);
    expect(r.freeSlack[0]).toBe(0);
    expect(r.freeSlack[1]).toBe(5);
    expect(criticalPaths(g, r, (a, b) => a - b)).toEqual([[2]]);
  });

  //   0(1) ──▶ 2(1)     two parallel critical chains of length 2
  //   1(1) ──▶ 3(1)
  it('lists every critical chain in rank order', () => {
    const g = dag(4, [
      [0, 2],
      [1, 3],
    ]);
    const r = cpm(g, Float64Array.from([1, 1, 1, 1]))!;
    expect(criticalPaths(g, r, (a, b) => b - a)).toEqual([
      [1, 3],
      [0, 2],
    ]);
  });

  it('honours release times (hardware arrival)', () => {
    const g = dag(2, [[0, 1]]);
    const r = cpm(g, Float64Array.from([2, 3]), Float64Array.from([0, 40]))!;
    expect(r.es[1]).toBe(40);
    expect(r.length).toBe(43);
    expect(r.totalSlack[0]).toBe(38);
    expect(criticalPaths(g, r, (a, b) => a - b)).toEqual([[1]]);
  });

  it('returns null on a cycle', () => {
    expect(
      cpm(
        dag(2, [
          [0, 1],
          [1, 0],
        ]),
        Float64Array.from([1, 1]),
      ),
    ).toBeNull();
  });
});

/** A random DAG: edges only go from lower to higher index, so it is acyclic by construction. */
const randomDag = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    // Any pair of distinct nodes, oriented low → high, without repeats.
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }).map((pairs) => {
      const seen = new Set<string>();
      const out: [number, number][] = [];
      for (const [x, y] of pairs) {
        if (x === y) continue;
        const e: [number, number] = x < y ? [x, y] : [y, x];
        if (!seen.has(`${e[0]}-${e[1]}`)) out.push(e);
        seen.add(`${e[0]}-${e[1]}`);
      }
      return out;
    }),
    durations: fc.array(
      fc.integer({ min: 0, max: 40 }).map((x) => x / 2),
      { minLength: n, maxLength: n },
    ),
  }),
);

/** The longest path by brute force over all paths (exponential; fine for small graphs). */
function longestPath(n: number, edges: [number, number][], d: number[]): number {
  const memo = new Map<number, number>();
  const from = (v: number): number => {
    const hit = memo.get(v);
    if (hit !== undefined) return hit;
    let best = 0;
    for (const [a, b] of edges) if (a === v) best = Math.max(best, from(b));
    const r = d[v]! + best;
    memo.set(v, r);
    return r;
  };
  let m = 0;
  for (let v = 0; v < n; v++) m = Math.max(m, from(v));
  return m;
}

describe('cpm properties on random DAGs', () => {
  it('ES ≤ LS, slack ≥ 0, critical ⇔ zero slack, length = longest path, chains are tight', () => {
    fc.assert(
      fc.property(randomDag, ({ n, edges, durations }) => {
        const g = dag(n, edges);
        const dur = Float64Array.from(durations);
        const r = cpm(g, dur)!;
        expect(r).not.toBeNull();
        for (let v = 0; v < n; v++) {
          expect(r.es[v]!).toBeLessThanOrEqual(r.ls[v]! + 1e-9);
          expect(r.totalSlack[v]!).toBeGreaterThanOrEqual(0);
          expect(r.freeSlack[v]!).toBeLessThanOrEqual(r.totalSlack[v]! + 1e-9);
          expect(r.critical[v] === 1).toBe(r.totalSlack[v] === 0);
        }
        for (const [a, b] of edges) expect(r.ef[a]!).toBeLessThanOrEqual(r.es[b]! + 1e-9);
        expect(r.length).toBeCloseTo(longestPath(n, edges, durations), 9);
        const paths = criticalPaths(g, r, (a, b) => a - b);
        expect(paths.length).toBeGreaterThan(0);
        for (const p of paths) {
          const total = p.reduce((s, v) => s + durations[v]!, 0);
          expect(total).toBeCloseTo(r.length, 9);
          for (const v of p) expect(r.critical[v]).toBe(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('criticalPaths on a deep chain', () => {
  it('walks a 100,000-activity chain without overflowing the stack', () => {
    const n = 100_000;
    const edges: [number, number][] = [];
    for (let i = 1; i < n; i++) edges.push([i - 1, i]);
    const g = dag(n, edges);
    const r = cpm(g, new Float64Array(n).fill(1))!;
    expect(r.length).toBe(n);
    const paths = criticalPaths(g, r, (a, b) => a - b);
    expect(paths).toHaveLength(1);
    expect(paths[0]).toHaveLength(n);
    expect(paths[0]![n - 1]).toBe(n - 1);
  });
});
