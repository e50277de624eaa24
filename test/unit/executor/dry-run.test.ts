import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { simulate } from '../../../src/executor/dry-run.js';
import { Scheduler } from '../../../src/executor/scheduler.js';
import { GpuAllocator } from '../../../src/gpu/allocator.js';
import { ALIGNED_PAIRS } from '../../../src/gpu/topology.js';
import { buildActivityGraph } from '../../../src/model/activities.js';

function graphOf(yaml: string) {
  const r = loadProjectText(`project: p\nstart: 2026-11-30\n${yaml}`, 'p.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return buildActivityGraph(r.value);
}

describe('simulate (run --dry-run)', () => {
  it('starts a chain at the planned sums of its hours, without floating-point noise', () => {
    const g = graphOf(
      [
        'tasks:',
        '  - { id: a, title: A, hours: 0.1 }',
        '  - { id: b, title: B, hours: 0.2, deps: [a] }',
        '  - { id: c, title: C, hours: 0.1, deps: [b] }',
        '  - { id: d, title: D, hours: 1, deps: [c] }',
      ].join('\n'),
    );
    const sched = new Scheduler({
      graph: g,
      done: () => false,
      selected: () => true,
      hostGpus: 0,
      gpuArrives: undefined,
    });
    const starts = simulate(g, sched, new GpuAllocator([], ALIGNED_PAIRS), 2);
    // 0.1 + 0.2 is 0.30000000000000004 in binary floating point.
    expect(starts.map((s) => [s.id, s.atHours])).toEqual([
      ['a', 0],
      ['b', 0.1],
      ['c', 0.3],
      ['d', 0.4],
    ]);
  });
});
