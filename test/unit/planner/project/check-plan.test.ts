import { describe, expect, it } from 'vitest';
import { buildTeamPlan } from '../../../../src/app/plan-team.js';
import { loadProjectText } from '../../../../src/config/load.js';
import { checkPlan } from '../../../../src/planner/project/check-plan.js';
import { teamPlanJson } from '../../../../src/reporters/team-json.js';
import { teamSize } from '../../../../src/model/team-spec.js';

//  a ──► b ──► d(gpu 2)
//  └───► c(gpu 2)
const YAML = `
project: C
start: 2026-11-30
hardware: { gpu: [{ count: 2, from: 2026-11-30 }] }
tasks:
  - { id: a, hours: 2 }
  - { id: b, hours: 3, deps: [a] }
  - { id: c, hours: 2, hardware: gpu, gpus: 2, deps: [a] }
  - { id: d, hours: 1, hardware: gpu, gpus: 2, deps: [b] }
`;

interface Act {
  id: string;
  start: number;
  end: number;
  duration: number;
  assignee: string;
  predecessors: string[];
  demand: Record<string, number>;
}
type Plan = Record<string, unknown> & { activities: Act[]; makespan: number };

function validPlan(): Plan {
  const p = loadProjectText(YAML, 'c.yaml');
  if (!p.ok) throw new Error('fixture does not load');
  const r = buildTeamPlan(p.value, { team: teamSize(2), now: () => 0, maxSchedules: 100 });
  if (!r.ok) throw new Error(r.error);
  return JSON.parse(JSON.stringify(teamPlanJson(r.value))) as Plan;
}
const act = (p: Plan, id: string): Act => p.activities.find((a) => a.id === id)!;

describe('checkPlan', () => {
  it('accepts the plans critpath makes', () => {
    expect(checkPlan(validPlan())).toEqual([]);
  });

  it('rejects what is not a plan', () => {
    expect(checkPlan(null)).toEqual(['plan: expected a JSON object']);
    expect(checkPlan({})).toEqual(
      expect.arrayContaining([
        'makespan: expected a number',
        'unit: expected "hour"',
        'activities: expected a list',
      ]),
    );
  });

  it('rejects an activity that starts before its predecessor ends', () => {
    const p = validPlan();
    const b = act(p, 'b');
    b.start -= 1;
    b.end -= 1;
    expect(checkPlan(p)).toContainEqual(
      expect.stringMatching(/^b: starts at .* before its predecessor a ends/),
    );
  });

  it('rejects an engineer doing two activities at once', () => {
    const p = validPlan();
    const [b, c] = [act(p, 'b'), act(p, 'c')];
    c.assignee = b.assignee;
    expect(checkPlan(p)).toContainEqual(expect.stringMatching(/does (b and c|c and b) at once/));
  });

  it('rejects more GPUs in use than the host has', () => {
    const p = validPlan();
    const c = act(p, 'c');
    c.demand = { ...c.demand, gpu: 3 };
    expect(checkPlan(p)).toContainEqual(
      expect.stringMatching(/^gpu: 3 in use at .* capacity is 2/),
    );
  });

  it('rejects GPU work before the GPUs arrive', () => {
    const p = validPlan();
    (p['resources'] as { id: string; profile: unknown[] }[])[1]!.profile = [
      { from: 0, capacity: 0 },
      { from: 100, capacity: 2 },
    ];
    expect(checkPlan(p)).toContainEqual(
      expect.stringMatching(/^gpu: 2 in use at .* capacity is 0/),
    );
  });

  it('rejects inconsistent times, makespan and bound', () => {
    const p = validPlan();
    act(p, 'a').end += 0.5;
    p.makespan += 1;
    p['lowerBound'] = 1000;
    const problems = checkPlan(p);
    expect(problems).toContainEqual(expect.stringMatching(/^a: end .* is not start/));
    expect(problems).toContainEqual(expect.stringMatching(/^makespan .* is not the largest end/));
    expect(problems).toContainEqual(expect.stringMatching(/^lowerBound 1000 is above makespan/));
  });

  it('rejects unknown predecessors, resources and engineers, and a missing engineer', () => {
    const p = validPlan();
    act(p, 'b').predecessors = ['zz'];
    act(p, 'c').demand = { engineer: 1, gpu: 2, disk: 1 };
    act(p, 'd').assignee = 'E9';
    act(p, 'a').demand = {};
    const problems = checkPlan(p);
    expect(problems).toContain('b: unknown predecessor zz');
    expect(problems).toContain('c: demand names unknown resource "disk"');
    expect(problems).toContain('d: assignee E9 is not in engineers');
    expect(problems).toContain('a: must hold exactly one engineer');
  });
});
