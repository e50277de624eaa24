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
  it('Epic 1A declares baseline, early-gpu, team-2 and team-3', () => {
    expect(scenariosOf(epic).map((s) => s.name)).toEqual([
      'baseline',
      'early-gpu',
      'team-2',
      'team-3',
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
