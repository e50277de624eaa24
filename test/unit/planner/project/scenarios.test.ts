import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../../src/config/load.js';
import type { Project } from '../../../../src/model/project.js';
import { expectedHours } from '../../../../src/model/project.js';
import {
  applyScenario,
  findScenario,
  scenariosOf,
} from '../../../../src/planner/project/scenarios.js';

function load(text: string): Project {
  const r = loadProjectText(text, 'test.yaml');
  if (!r.ok) throw new Error(r.error.map((d) => d.message).join('\n'));
  return r.value;
}

const epic = load(readFileSync(new URL('../../../../tasks/epic-1a.yaml', import.meta.url), 'utf8'));

const small = load(`
project: small
start: 2026-01-05
hoursPerDay: 8
hardware:
  gpu: [{ count: 2, from: 2026-01-12 }]
scenarios:
  fast:
    cost: 100
    hoursPerDay: 6
    team: 2
    hardware:
      gpu: [{ count: 1, from: 2026-01-05 }, { count: 2, from: 2026-01-12 }]
    estimates:
      a: 3
      b: "4-8"
      c/test: { low: 1, likely: 2, high: 5 }
tasks:
  - { id: a, hours: 2-4 }
  - id: b
    deps: [a]
    phases:
      - { name: prep, hours: 1-3 }
      - { name: test, hours: 3, hardware: gpu }
  - id: c
    phases:
      - { name: prep, hours: 1 }
      - { name: test, hours: 2, hardware: gpu }
`);

describe('scenarios', () => {
  it('Epic 1A declares a scenario per optimisation of the document, and teams with and without roles', () => {
    expect(scenariosOf(epic).map((s) => s.name)).toEqual([
      'baseline',
      'early-gpu',
      'pre-download',
      'ansible-parallel',
      'incremental-docs',
      'late-prep',
      'team-2',
      'team-2-any',
      'team-3',
      'team-3-any',
    ]);
    const early = applyScenario(epic, findScenario(epic, 'early-gpu')!);
    expect(early.cost).toBe(3500);
    expect(early.project.gpu).toEqual([
      { count: 1, from: '2026-11-30' },
      { count: 4, from: '2026-12-07' },
    ]);
    expect(applyScenario(epic, findScenario(epic, 'baseline')!).project.gpu).toEqual([
      { count: 4, from: '2026-12-07' },
    ]);
    expect(applyScenario(epic, findScenario(epic, 'team-3')!).team).toEqual({
      kind: 'count',
      count: 3,
    });
  });

  it('adds an implicit baseline that changes nothing', () => {
    expect(scenariosOf(small).map((s) => s.name)).toEqual(['baseline', 'fast']);
    const b = applyScenario(small, findScenario(small, 'baseline')!);
    expect(b.project).toEqual(small);
    expect(b.cost).toBe(0);
    expect(b.team).toBeUndefined();
  });

  it('overrides hours per day, GPUs, team, cost and estimates without touching the input', () => {
    const before = JSON.stringify(small);
    const s = applyScenario(small, findScenario(small, 'fast')!);
    expect(JSON.stringify(small)).toBe(before);
    expect(s).toMatchObject({ name: 'fast', cost: 100, team: { kind: 'count', count: 2 } });
    expect(s.project.hoursPerDay).toBe(6);
    expect(s.project.gpu[0]).toEqual({ count: 1, from: '2026-01-05' });
    const phase = (id: string) =>
      s.project.tasks.flatMap((t) => t.phases).find((p) => p.activityId === id)!;
    expect(phase('a').estimate).toEqual({ low: 3, likely: 3, high: 3, likelyGiven: false });
    expect(phase('c/test').estimate).toEqual({ low: 1, likely: 2, high: 5, likelyGiven: true });
    expect(phase('c/prep').estimate.low).toBe(1);
  });

  it('splits a task-level override over its phases by expected hours', () => {
    const s = applyScenario(small, findScenario(small, 'fast')!);
    const b = s.project.tasks.find((t) => t.id === 'b')!;
    // prep expects 2 h, test 3 h: 40 % and 60 % of 4-8.
    expect(b.phases[0]!.estimate.low).toBeCloseTo(1.6, 12);
    expect(b.phases[1]!.estimate.high).toBeCloseTo(4.8, 12);
    const total = b.phases.reduce((sum, p) => sum + expectedHours(p.estimate), 0);
    expect(total).toBeCloseTo(6, 12);
    for (const p of b.phases) {
      expect(p.estimate.low).toBeLessThanOrEqual(p.estimate.likely);
      expect(p.estimate.likely).toBeLessThanOrEqual(p.estimate.high);
    }
  });
});

describe('scenarios that add tasks, dependencies, moves, or drop roles', () => {
  const text = `
project: reshape
start: 2026-01-05
hardware:
  gpu: [{ count: 1, from: 2026-01-12 }]
team:
  - { id: a, skills: [x] }
  - { id: b, skills: [y] }
teams: [[a, b]]
scenarios:
  more:
    tasks:
      - { id: extra, hours: 2, deps: [one] }
    deps:
      "two/test": [extra]
    moves:
      "two/prep": gpu
  free:
    roles: any
tasks:
  - { id: one, hours: 1, skill: x }
  - id: two
    skill: y
    phases:
      - { name: prep, hours: 1, hardware: macbook, skill: x }
      - { name: test, hours: 1, hardware: gpu, gpus: 1 }
`;
  const p = load(text);

  it('adds the tasks, the extra dependencies and moves the phase to the GPU host (no GPU)', () => {
    const applied = applyScenario(p, findScenario(p, 'more')!).project;
    expect(applied.tasks.map((t) => t.id)).toEqual(['one', 'two', 'extra']);
    const two = applied.tasks.find((t) => t.id === 'two')!;
    expect(two.phases[1]!.deps).toContain('extra');
    expect(two.phases[0]!.hardware).toBe('gpu');
    expect(two.phases[0]!.gpus).toBe(0);
    // The file's project is unchanged.
    expect(p.tasks.length).toBe(2);
    expect(p.tasks[1]!.phases[0]!.hardware).toBe('macbook');
  });

  it('keeps phase skills (a phase may name another role) and drops every skill with roles: any', () => {
    expect(p.tasks[1]!.phases.map((ph) => ph.skill)).toEqual(['x', 'y']);
    const free = applyScenario(p, findScenario(p, 'free')!);
    expect(free.roles).toBe('any');
    for (const t of free.project.tasks) {
      expect(t.skill).toBeUndefined();
      for (const ph of t.phases) expect(ph.skill).toBeUndefined();
    }
  });

  it('rejects unknown keys, unknown dependencies and cycles the scenario closes, with the path', () => {
    const bad = (s: string): string[] => {
      const r = loadProjectText(text.replace('  free:\n    roles: any\n', s), 'bad.yaml');
      return r.ok ? [] : r.error.map((d) => `${d.position.line}: ${d.message}`);
    };
    expect(bad('  z:\n    deps: { "two/tst": [one] }\n').join('\n')).toMatch(
      /task "two" has no phase "tst" \(did you mean "test"\?\)/,
    );
    expect(bad('  z:\n    deps: { two: [nope] }\n').join('\n')).toMatch(
      /unknown dependency "nope"/,
    );
    expect(bad('  z:\n    deps: { one: [two], "two/test": [one] }\n').join('\n')).toMatch(
      /dependency cycle/,
    );
    expect(bad('  z:\n    moves: { three: gpu }\n').join('\n')).toMatch(/unknown task "three"/);
  });
});
