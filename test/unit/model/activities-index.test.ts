import { describe, expect, it } from 'vitest';
import { generateProject, toJson, toYaml } from '../../../bench/project-generator.js';
import { loadProjectText } from '../../../src/config/load.js';
import { buildActivityGraph } from '../../../src/model/activities.js';
import type { ActivityGraph } from '../../../src/model/activities.js';
import type { Project } from '../../../src/model/project.js';

function load(text: string, file: string): Project {
  const r = loadProjectText(text, file);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** The graph as plain data: what every consumer reads of it. */
const shape = (g: ActivityGraph): unknown => ({
  activities: g.activities.map((a) => [a.index, a.id, a.task.id, a.phase.name, a.predecessors]),
  byId: [...g.byId.keys()],
  succStart: [...g.succStart],
  succ: [...g.succ],
  predStart: [...g.predStart],
  pred: [...g.pred],
});

const PHASED = `project: phased
start: 2026-01-05
tasks:
  - { id: a, hours: 1 }
  - { id: b, hours: 2, deps: [a, a] }
  - id: c
    deps: [b, a, b]
    phases:
      - { name: prep, hours: 1, deps: [a] }
      - { name: run, hours: 2, deps: [b, b] }
  - { id: d, hours: 1, deps: [c, b, a] }
`;

describe('the activity graph of a loaded project', () => {
  it('is the graph of the same tasks without the checks’ index', () => {
    for (const [text, file] of [
      [PHASED, 'p.yaml'],
      [toYaml(generateProject(3000)), 'g.yaml'],
      [toJson(generateProject(3000, 2)), 'g.json'],
    ] as const) {
      const project = load(text, file);
      // A copy of the list: the graph cache and the index are keyed by the list itself.
      const fromIndex = buildActivityGraph(project);
      const plain = buildActivityGraph({ tasks: [...project.tasks] });
      expect(fromIndex).not.toBe(plain);
      expect(shape(fromIndex)).toEqual(shape(plain));
    }
  });

  it('dedupes and sorts predecessors written twice', () => {
    const g = buildActivityGraph(load(PHASED, 'p.yaml'));
    const preds = Object.fromEntries(g.activities.map((a) => [a.id, a.predecessors]));
    expect(preds).toEqual({
      a: [],
      b: ['a'],
      'c/prep': ['a', 'b'],
      'c/run': ['b', 'c/prep'],
      d: ['a', 'b', 'c/run'],
    });
  });
});
