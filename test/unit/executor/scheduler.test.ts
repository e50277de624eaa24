import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { buildActivityGraph } from '../../../src/model/activities.js';
import type { BlockReason } from '../../../src/executor/scheduler.js';
import {
  dispatchOrder,
  dispatchRanks,
  formatBlockReason,
  Scheduler,
} from '../../../src/executor/scheduler.js';

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

describe('Scheduler', () => {
  it('blocks work a person has (held) and what waits on it, with their reasons', () => {
    // t0 → t1 → t2, and t3 alone.
    const g = graphOf(
      [1, 1, 1, 1],
      [
        [0, 1],
        [1, 2],
      ],
    );
    const held = new Map<number, BlockReason>([[0, { kind: 'in-progress', by: 'ann' }]]);
    const s = new Scheduler({
      graph: g,
      done: () => false,
      selected: () => true,
      held: (i) => held.get(i),
      hostGpus: 0,
      gpuArrives: undefined,
    });
    expect([0, 1, 2, 3].map((i) => s.status(i))).toEqual([
      'blocked',
      'blocked',
      'blocked',
      'ready',
    ]);
    expect(formatBlockReason(s.blockReason(0)!)).toBe('in progress by ann (by hand)');
    expect(formatBlockReason(s.blockReason(2)!)).toBe('waits for t0 (in progress by ann, by hand)');
    expect(s.counts()).toMatchObject({ ready: 1, blocked: 3, waiting: 0 });
  });
});
