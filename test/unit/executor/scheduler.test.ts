import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { buildActivityGraph } from '../../../src/model/activities.js';
import { dispatchOrder, dispatchRanks } from '../../../src/executor/scheduler.js';

/** A random DAG as a task file: task i may depend on any earlier task. */
function graphOf(hours: readonly number[], edges: readonly (readonly [number, number])[]) {
  const deps = hours.map(() => new Set<number>());
  for (const [a, b] of edges) if (a !== b) deps[Math.max(a, b)]!.add(Math.min(a, b));
  const tasks = hours.map(
    (h, i) =>
      `  - { id: t${i}, title: T, hours: ${h}, deps: [${[...deps[i]!].map((d) => `t${d}`).join(', ')}] }`,
  );
  const r = loadProjectText(
    `project: p\nstart: 2026-11-30\ntasks:\n${tasks.join('\n')}\n`,
    'p.yaml',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return buildActivityGraph(r.value);
}

describe('dispatchOrder', () => {
  it('is a topological order that takes the best-ranked ready activity first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.tuple(fc.nat(24), fc.nat(24)), { maxLength: 60 }),
        (hours, rawEdges) => {
          const n = hours.length;
          const g = graphOf(
            hours,
            rawEdges.map(([a, b]) => [a % n, b % n] as const),
          );
          const order = dispatchOrder(g);
          const rank = dispatchRanks(g);
          expect([...order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
          const pos = new Int32Array(n);
          order.forEach((v, k) => (pos[v] = k));
          const placed = new Set<number>();
          for (const v of order) {
            for (let e = g.predStart[v]!; e < g.predStart[v + 1]!; e++)
              expect(pos[g.pred[e]!]!).toBeLessThan(pos[v]!);
            // Nothing better-ranked was ready when v was taken.
            for (let w = 0; w < n; w++) {
              if (placed.has(w) || w === v || rank[w]! >= rank[v]!) continue;
              let ready = true;
              for (let e = g.predStart[w]!; e < g.predStart[w + 1]!; e++)
                if (!placed.has(g.pred[e]!)) ready = false;
              expect(ready).toBe(false);
            }
            placed.add(v);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
