import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GpuAllocator } from '../../../src/gpu/allocator.js';
import { MAX_GPUS } from '../../../src/gpu/inventory.js';
import { ALIGNED_PAIRS, parseTopology } from '../../../src/gpu/topology.js';
import type { Topology } from '../../../src/gpu/topology.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const topoText = readFileSync(
  resolve(import.meta.dirname, '../../fixtures/exec/topo-nvlink-02-13.txt'),
  'utf8',
);

type Op =
  { kind: 'acquire'; holder: number; demand: number | 'all' } | { kind: 'release'; holder: number };

const opArb = (n: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('acquire' as const),
      holder: fc.integer({ min: 0, max: 11 }),
      demand: fc.oneof(fc.integer({ min: 0, max: n + 1 }), fc.constant('all' as const)),
    }),
    fc.record({ kind: fc.constant('release' as const), holder: fc.integer({ min: 0, max: 11 }) }),
  );

describe('GpuAllocator', () => {
  it('never double-allocates, grants exact sizes and honours drains (10k operations)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(opArb(8), { minLength: 10_000, maxLength: 10_000 }),
        (n, ops) => {
          const alloc = new GpuAllocator([...Array(n).keys()], ALIGNED_PAIRS);
          const held = new Map<number, readonly number[]>();
          for (const op of ops) {
            if (op.kind === 'release') {
              alloc.release(`h${op.holder}`);
              held.delete(op.holder);
              continue;
            }
            if (held.has(op.holder)) continue;
            const drainer = alloc.drainer;
            const g = alloc.acquire(`h${op.holder}`, op.demand);
            const need = op.demand === 'all' ? n : op.demand;
            if (g.ok) {
              expect(g.gpus).toHaveLength(need);
              if (need > 0) {
                expect(drainer === undefined || drainer === `h${op.holder}`).toBe(true);
                held.set(op.holder, g.gpus);
              }
            } else if (need > n) expect(g.refusal.reason).toBe('over-capacity');
            const seen = new Set<number>();
            for (const gs of held.values())
              for (const x of gs) {
                expect(seen.has(x)).toBe(false);
                expect(x >= 0 && x < n).toBe(true);
                seen.add(x);
              }
          }
        },
      ),
      { numRuns: 3 },
    );
  });

  it('prefers NVLink pairs from the topology, and keeps pairs whole for single GPUs', () => {
    const topo = parseTopology(topoText) as Topology;
    expect(topo.score(0, 2)).toBeGreaterThan(100);
    expect(topo.score(0, 1)).toBe(0);
    fc.assert(
      fc.property(fc.subarray([0, 1, 2, 3]), (busy) => {
        const alloc = new GpuAllocator([0, 1, 2, 3], topo);
        alloc.setForeign(busy);
        const free = [0, 1, 2, 3].filter((g) => !busy.includes(g));
        const g = alloc.acquire('x', 2);
        const nvFree = [
          [0, 2],
          [1, 3],
        ].filter((p) => p.every((x) => free.includes(x)));
        if (g.ok && nvFree.length > 0)
          expect(nvFree.map((p) => p.join(','))).toContain(g.gpus.join(','));
      }),
    );
    const a = new GpuAllocator([0, 1, 2, 3], ALIGNED_PAIRS);
    expect(a.acquire('p', 2)).toEqual({ ok: true, gpus: [0, 1] });
    expect(a.acquire('q', 2)).toEqual({ ok: true, gpus: [2, 3] });
    const b = new GpuAllocator([0, 1, 2, 3], ALIGNED_PAIRS);
    expect(b.acquire('one', 1)).toEqual({ ok: true, gpus: [0] });
    expect(b.acquire('two', 1)).toEqual({ ok: true, gpus: [1] }); // completes the 0,1 pair, keeps 2,3 whole
    expect(b.acquire('pair', 2)).toEqual({ ok: true, gpus: [2, 3] });
  });

  it('drains for `all`: no new GPU work until every GPU is free', () => {
    const a = new GpuAllocator([0, 1, 2, 3], ALIGNED_PAIRS);
    expect(a.acquire('k', 1).ok).toBe(true);
    expect(a.acquire('all', 'all')).toMatchObject({ ok: false, refusal: { reason: 'busy' } });
    expect(a.acquire('late', 1)).toMatchObject({
      ok: false,
      refusal: { reason: 'draining', drainer: 'all' },
    });
    a.release('k');
    expect(a.acquire('all', 'all')).toEqual({ ok: true, gpus: [0, 1, 2, 3] });
  });

  it('chooses from the largest pool --gpus allows in well under a second, whatever k', () => {
    // Enumerating 1024 sets of 1023 cost 10¹² lookups, and the greedy pick spread the pool as
    // arguments (a stack overflow at a million slots).
    const pool = [...Array(MAX_GPUS).keys()];
    for (const k of [1, 2, 512, MAX_GPUS - 1]) {
      const t = performance.now();
      const g = new GpuAllocator(pool, ALIGNED_PAIRS).acquire('x', k);
      expect(g.ok && g.gpus.length, `k ${k}`).toBe(k);
      expect(performance.now() - t, `k ${k}`).toBeLessThan(1000);
    }
    // Aligned pairs stay whole: two GPUs are a pair.
    expect(new GpuAllocator(pool, ALIGNED_PAIRS).acquire('p', 2)).toEqual({
      ok: true,
      gpus: [0, 1],
    });
  });
});
