import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { critpath, RECORD, readRecord, tempProject } from '../helpers/cli.js';
import type { RecordLine } from '../helpers/cli.js';

/**
 * Random DAGs with random GPU demands (0, 1, 2, 4 or all of 4 simulated GPUs), run for real with
 * instrumented commands that log start, end and CUDA_VISIBLE_DEVICES. Checks, from the records:
 *
 *   a ──► b ──► d        dependency order respected (each start after every predecessor's end)
 *   └───► c ──┘          at most --jobs running at any instant
 *                        no GPU held by two activities at once, each gets exactly k GPUs
 *                        an `all` task runs alone among GPU work
 */

interface Spec {
  readonly deps: number[][];
  readonly gpus: (number | 'all')[];
  readonly jobs: number;
}

const specArb = fc.integer({ min: 4, max: 9 }).chain((n) =>
  fc.record({
    deps: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.subarray([...Array(i).keys()], { maxLength: Math.min(3, i) }),
      ),
    ),
    gpus: fc.array(fc.constantFrom<number | 'all'>(0, 0, 1, 1, 2, 4, 'all'), {
      minLength: n,
      maxLength: n,
    }),
    jobs: fc.integer({ min: 1, max: 4 }),
  }),
);

function yamlFor(s: Spec): string {
  const tasks = s.deps.map((deps, i) => {
    const g = s.gpus[i]!;
    const gpu = g === 0 ? '' : `, hardware: gpu, gpus: ${g}`;
    return `  - { id: t${i}, hours: 1, deps: [${deps.map((d) => `t${d}`).join(', ')}]${gpu}, run: "${RECORD} 0.${1 + (i % 3)}" }`;
  });
  return `project: random\nstart: 2026-01-05\nhardware:\n  gpu: [{ count: 4, from: 2026-01-05 }]\ntasks:\n${tasks.join('\n')}\n`;
}

interface Interval {
  readonly id: string;
  readonly start: bigint;
  readonly end: bigint;
  readonly gpus: readonly number[] | 'none';
}

function intervals(lines: readonly RecordLine[]): Map<string, Interval> {
  const out = new Map<string, Interval>();
  for (const l of lines) {
    if (l.kind !== 'start') continue;
    const end = lines.find((e) => e.kind === 'end' && e.id === l.id && e.pid === l.pid);
    expect(end, `${l.id} has an end`).toBeDefined();
    expect(out.has(l.id), `${l.id} ran once`).toBe(false);
    out.set(l.id, { id: l.id, start: l.ns, end: end!.ns, gpus: l.gpus });
  }
  return out;
}

const overlap = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;

describe('run on random graphs', () => {
  it('respects dependencies, --jobs, GPU exclusivity and drains for `all`', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        const p = tempProject(yamlFor(spec));
        const r = await critpath(
          ['run', p.file, '--gpus', '4', '--jobs', String(spec.jobs), '--json'],
          { cwd: p.dir, env: p.env },
        );
        expect(r.exitCode, r.all).toBe(0);
        const iv = intervals(readRecord(p.record));
        expect(iv.size).toBe(spec.deps.length);
        const all = [...iv.values()];
        spec.deps.forEach((deps, i) => {
          const me = iv.get(`t${i}`)!;
          for (const d of deps)
            expect(iv.get(`t${d}`)!.end <= me.start, `t${d} ends before t${i}`).toBe(true);
          const g = spec.gpus[i]!;
          if (g === 0) expect(me.gpus).toBe('none');
          else expect((me.gpus as number[]).length).toBe(g === 'all' ? 4 : g);
        });
        for (const a of all) {
          // --jobs: count intervals alive at each start instant.
          const alive = all.filter((b) => b.start <= a.start && a.start < b.end).length;
          expect(alive).toBeLessThanOrEqual(spec.jobs);
          for (const b of all) {
            if (a === b || !overlap(a, b) || a.gpus === 'none' || b.gpus === 'none') continue;
            const shared = a.gpus.filter((x) => (b.gpus as number[]).includes(x));
            expect(shared, `${a.id} and ${b.id} share no GPU`).toEqual([]);
            const ai = Number(a.id.slice(1));
            const bi = Number(b.id.slice(1));
            expect(
              spec.gpus[ai] === 'all' || spec.gpus[bi] === 'all',
              `${a.id}/${b.id}: an all-GPU task runs alone`,
            ).toBe(false);
          }
        }
      }),
      { numRuns: 6 },
    );
  }, 240_000);
});
