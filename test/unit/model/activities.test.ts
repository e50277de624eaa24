import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../../src/config/load.js';
import type { ActivityGraph } from '../../../src/model/activities.js';
import {
  buildActivityGraph,
  compareIds,
  lastActivityId,
  toCsr,
} from '../../../src/model/activities.js';
import type { Phase, Project, Task } from '../../../src/model/project.js';

/** The graph as it was first built: edge tuples through toCsr. The fast build must match it. */
function reference(project: Pick<Project, 'tasks'>): ActivityGraph {
  const taskById = new Map(project.tasks.map((t) => [t.id, t]));
  const activities: ActivityGraph['activities'][number][] = [];
  for (const task of project.tasks) {
    task.phases.forEach((phase, k) => {
      const waitsFor = k === 0 ? [...task.deps, ...phase.deps] : phase.deps;
      const preds = waitsFor.map((d) => lastActivityId(taskById.get(d)!));
      if (k > 0) preds.push(task.phases[k - 1]?.activityId ?? '');
      activities.push({
        index: activities.length,
        id: phase.activityId,
        task,
        phase,
        predecessors: [...new Set(preds)].sort(compareIds),
      });
    });
  }
  const byId = new Map(activities.map((a) => [a.id, a]));
  const edges: [number, number][] = [];
  for (const a of activities)
    for (const p of a.predecessors) edges.push([byId.get(p)!.index, a.index]);
  const { start: succStart, list: succ } = toCsr(activities.length, edges, 0);
  const { start: predStart, list: pred } = toCsr(activities.length, edges, 1);
  return { activities, byId, succStart, succ, predStart, pred };
}

const phase = (activityId: string, name: string | null, deps: string[]): Phase => ({
  name,
  activityId,
  title: activityId,
  deps,
  estimate: { low: 1, likely: 1, high: 1, likelyGiven: false },
  hardware: 'macbook',
  gpus: 0,
  skill: undefined,
  run: undefined,
  timeoutSeconds: undefined,
  retries: 0,
  env: {},
});

/** Random DAG-shaped projects: tasks depend on earlier ones (repeats allowed), some phased. */
const projects = fc
  .array(
    fc.record({
      phases: fc.integer({ min: 0, max: 3 }),
      deps: fc.array(fc.nat(), { maxLength: 4 }),
      phaseDeps: fc.array(fc.nat(), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((specs): Pick<Project, 'tasks'> => {
    // Ids out of file order and with numbers, so compareIds' order matters.
    const ids = specs.map((_, i) => `t${(i * 7) % 11}.${i}`);
    const tasks: Task[] = specs.map((s, i) => {
      const earlier = (xs: number[]): string[] => (i === 0 ? [] : xs.map((x) => ids[x % i]!));
      const phases =
        s.phases === 0
          ? [phase(ids[i]!, null, earlier(s.deps))]
          : Array.from({ length: s.phases }, (_, k) =>
              phase(`${ids[i]}/p${k}`, `p${k}`, k === 0 ? earlier(s.deps) : earlier(s.phaseDeps)),
            );
      return {
        id: ids[i]!,
        title: ids[i]!,
        deps: earlier(s.deps),
        phases,
        risk: 'medium',
        skill: undefined,
        tags: [],
      };
    });
    return { tasks };
  });

/** compareIds as it was first written, with regular expressions. */
function compareIdsReference(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  const n = Math.min(ra.length, rb.length);
  for (let i = 0; i < n; i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const diff = Number(x) - Number(y);
      if (diff !== 0) return diff;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  if (ra.length !== rb.length) return ra.length - rb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

describe('compareIds', () => {
  const ids = fc.oneof(
    fc.string({
      unit: fc.constantFrom('0', '1', '9', '00', 'a', 'b', 'A', '.', '/', '-', 'é', '٣'),
    }),
    fc.string({ unit: 'binary' }),
    fc.string(),
    fc.bigInt({ min: 0n, max: 10n ** 20n }).map((n) => `t${n}`),
  );
  it('gives exactly what the regular-expression version gives', () => {
    fc.assert(
      fc.property(ids, ids, (a, b) => {
        expect(compareIds(a, b)).toBe(compareIdsReference(a, b));
        expect(compareIds(b, a)).toBe(compareIdsReference(b, a));
        expect(compareIds(a, a)).toBe(0);
      }),
      { numRuns: 20_000 },
    );
    const fixed = ['', '0', '00', '1', '01', 'a1', 'a01', 'a1b', 'a1.2', 'a1.10', '1a.10/prep'];
    fixed.push('9007199254740993', '9007199254740992', 't9007199254740993', 't9007199254740992');
    for (const a of fixed)
      for (const b of fixed) expect(compareIds(a, b)).toBe(compareIdsReference(a, b));
  });
});

describe('buildActivityGraph', () => {
  it('matches the edge-list build on random projects', () => {
    fc.assert(
      fc.property(projects, (p) => {
        expect(buildActivityGraph(p)).toEqual(reference(p));
      }),
      { numRuns: 300 },
    );
  });

  it('matches it on the shipped task files', async () => {
    for (const f of ['tasks/epic-1a.yaml', 'tasks/demo.yaml', 'tasks/validation.yaml']) {
      const r = await loadProjectFile(f);
      if (!r.ok) throw new Error(f);
      expect(buildActivityGraph(r.value)).toEqual(reference(r.value));
    }
  });
});
