import { describe, expect, it } from 'vitest';
import { buildTeamPlan, buildTeamPlans } from '../../../../src/app/plan-team.js';
import { loadProjectFile, loadProjectText } from '../../../../src/config/load.js';
import type { Project } from '../../../../src/model/project.js';
import { ALL } from '../../../../src/planner/engine/problem.js';
import { projectProblem, selectTeam } from '../../../../src/planner/project/project-problem.js';
import { checkPlan } from '../../../../src/planner/project/check-plan.js';
import { teamPlanJson } from '../../../../src/reporters/team-json.js';
import { parseTeamSpec, teamSize, unknownMemberMessage } from '../../../../src/model/team-spec.js';

function project(yaml: string): Project {
  const r = loadProjectText(yaml, 'test.yaml');
  if (!r.ok) throw new Error(r.error.map((d) => d.message).join('\n'));
  return r.value;
}

const fixed = { now: () => 0, timeLimitMs: 1000, maxSchedules: 300 } as const;

const TEAM = `
project: T
start: 2026-11-30
hoursPerDay: 8
hardware: { gpu: [{ count: 2, from: 2026-12-02 }] }
team:
  - { id: infra, skills: [packer] }
  - { id: ml, skills: [ml] }
`;

describe('team selection', () => {
  const p = project(`${TEAM}tasks: [{ id: a, hours: 1 }]`);

  it('takes the first N declared people, then generic engineers', () => {
    const t = selectTeam(p, { kind: 'count', count: 3 });
    expect(t.ok && t.value.map((m) => [m.id, m.declared])).toEqual([
      ['infra', true],
      ['ml', true],
      ['E3', false],
    ]);
  });

  it('takes named people, with a hint for a typo', () => {
    const t = selectTeam(p, { kind: 'names', ids: ['ml'] });
    expect(t.ok && t.value.map((m) => m.id)).toEqual(['ml']);
    const bad = selectTeam(p, { kind: 'names', ids: ['infar'] });
    expect(bad).toEqual({
      ok: false,
      error: { id: 'infar', known: ['infra', 'ml'], hint: 'infra' },
    });
  });

  it('parses --team values', () => {
    expect(parseTeamSpec('2')).toEqual({ ok: true, value: { kind: 'count', count: 2 } });
    expect(parseTeamSpec('infra+ml')).toEqual({
      ok: true,
      value: { kind: 'names', ids: ['infra', 'ml'] },
    });
    expect(parseTeamSpec('0').ok).toBe(false);
    expect(parseTeamSpec('-1')).toEqual({ ok: false, error: { kind: 'size', text: '-1' } });
    expect(parseTeamSpec('a b').ok).toBe(false);
    expect(parseTeamSpec('ml+ml').ok).toBe(false);
  });
});

describe('Project → Problem', () => {
  const p = project(`${TEAM}
tasks:
  - { id: a, hours: 2, hardware: macbook }
  - { id: b, hours: 3, hardware: gpu, gpus: 1, deps: [a] }
  - { id: c, hours: 1, hardware: gpu, gpus: all, deps: [a], skill: ml }
  - { id: d, hours: 1, hardware: gpu, gpus: 0, deps: [a] }
`);
  const team = selectTeam(p, { kind: 'count', count: 2 });
  if (!team.ok) throw new Error(unknownMemberMessage(team.error));
  const gpuProfile = [
    { from: 0, capacity: 0 },
    { from: 16, capacity: 2 },
  ];

  it('holds one engineer everywhere, GPUs on GPU work, the host for gpus 0/all', () => {
    const pp = projectProblem(p, { team: team.value, estimate: 'expected', gpuProfile });
    if (!pp.ok) throw new Error(pp.error);
    const { problem } = pp.value;
    expect(problem.resources.map((r) => r.id)).toEqual(['engineer', 'gpu', 'host']);
    const R = 3;
    const row = (i: number) => [...problem.demand.slice(i * R, i * R + R)];
    expect(row(0)).toEqual([1, 0, 0]);
    expect(row(1)).toEqual([1, 1, 1]);
    expect(row(2)).toEqual([1, ALL, 1]);
    expect(row(3)).toEqual([1, 0, 1]);
    expect(problem.resources[2]!.profile).toEqual([
      { from: 0, capacity: 0 },
      { from: 16, capacity: 4 },
    ]);
    expect(problem.workers?.eligible).toEqual([null, null, [1], null]);
  });

  it('refuses a skill no one in the team has, and GPU work without GPUs', () => {
    const solo = selectTeam(p, { kind: 'names', ids: ['infra'] });
    if (!solo.ok) throw new Error(unknownMemberMessage(solo.error));
    expect(projectProblem(p, { team: solo.value, estimate: 'expected', gpuProfile })).toEqual({
      ok: false,
      error: 'c needs skill "ml", but no one in the team (infra) has it',
    });
    expect(
      projectProblem(p, {
        team: team.value,
        estimate: 'expected',
        gpuProfile: [{ from: 0, capacity: 0 }],
      }).ok,
    ).toBe(false);
  });
});

describe('GPU work longer than every stretch of its GPUs', () => {
  // 4 GPUs on Monday 7 Dec only (8 working hours); `b` takes 10 h at its high estimate.
  const yaml = (gpus: string) => `
project: X
start: 2026-12-07
hardware:
  gpu:
    - { count: 4, from: 2026-12-07 }
    - { count: 0, from: 2026-12-08 }
tasks:
  - { id: b, hours: 6-10, hardware: gpu, gpus: ${gpus} }
`;

  it('plans the expected hours, and says why the high ones never fit, with dates', () => {
    const p = project(yaml('all'));
    const plan = buildTeamPlan(p, { team: teamSize(1), ...fixed });
    expect(plan.ok).toBe(true);
    // The range's high end has no place: the plan keeps no range rather than failing.
    expect(plan.ok && plan.value.summary.range).toBeUndefined();
    expect(buildTeamPlan(p, { team: teamSize(1), estimate: 'high', ...fixed })).toEqual({
      ok: false,
      error:
        'b needs every GPU for 10 h, but the GPU count never stays the same for that long (work holding every GPU never runs across a change): the longest stretch is 8 working hours (4 GPUs, from 2026-12-07 09:00 to 2026-12-07 17:00)',
    });
    const two = buildTeamPlan(project(yaml('2')), {
      team: teamSize(1),
      estimate: 'high',
      ...fixed,
    });
    expect(two).toEqual({
      ok: false,
      error:
        'b needs 2 GPUs for 10 h, but the host never has 2 for that long: the longest stretch is 8 working hours (from 2026-12-07 09:00 to 2026-12-07 17:00)',
    });
  });
});

describe('team plans', () => {
  it('assigns skilled work to the one who has the skill, and waits for GPU arrival', () => {
    const p = project(`${TEAM}
tasks:
  - { id: a, hours: 4, skill: packer }
  - { id: b, hours: 4, skill: ml }
  - { id: c, hours: 4, skill: ml }
  - { id: g, hours: 2, hardware: gpu, gpus: 0, deps: [a] }
`);
    const r = buildTeamPlan(p, { team: teamSize(2), ...fixed });
    if (!r.ok) throw new Error(r.error);
    const who = Object.fromEntries(r.value.activities.map((a) => [a.id, a.assignee]));
    expect(who).toMatchObject({ a: 'infra', b: 'ml', c: 'ml' });
    const g = r.value.activities.find((a) => a.id === 'g')!;
    expect(g.start).toBe(16); // GPUs (and so the host) arrive Wednesday: working day 2
    expect(g.startDate).toBe('2026-12-02T09:00');
    expect(r.value.makespan).toBe(18);
    expect(checkPlan(teamPlanJson(r.value))).toEqual([]);
  });

  it('reports a handoff where a dependency crosses engineers', () => {
    // a (infra only) → b (ml only): infra hands over to ml.
    const p = project(`${TEAM}
tasks:
  - { id: a, hours: 3, skill: packer }
  - { id: b, hours: 2, skill: ml, deps: [a] }
  - { id: c, hours: 1, skill: ml, deps: [b] }
`);
    const r = buildTeamPlan(p, { team: teamSize(2), ...fixed });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.handoffs).toEqual([
      { from: 'a', to: 'b', fromAssignee: 'infra', toAssignee: 'ml', at: 3 },
    ]);
    expect(r.value.criticalPath).toEqual(['a', 'b', 'c']);
    expect(r.value.criticalChain.map((l) => l.reason)).toEqual([
      'project-start',
      'precedence',
      'precedence',
    ]);
  });

  it('maps the schedule around holidays', () => {
    const p = project(`
project: H
start: 2026-11-30
hoursPerDay: 8
holidays: [2026-12-01]
tasks:
  - { id: a, hours: 8 }
  - { id: b, hours: 4, deps: [a] }
`);
    const r = buildTeamPlan(p, { team: teamSize(1), ...fixed });
    if (!r.ok) throw new Error(r.error);
    const b = r.value.activities.find((a) => a.id === 'b')!;
    expect(r.value.activities[0]!.endDate).toBe('2026-11-30T17:00');
    expect(b.startDate).toBe('2026-12-02T09:00'); // Tuesday is a holiday
    expect(r.value.endDate).toBe('2026-12-02T13:00');
    expect(r.value.days.map((d) => d.date)).toEqual(['2026-11-30', '2026-12-02']);
    const six = buildTeamPlan(p, { team: teamSize(1), ...fixed, hoursPerDay: 6 });
    expect(six.ok && six.value.activities.map((a) => a.endDate)).toEqual([
      '2026-12-02T11:00',
      '2026-12-02T15:00',
    ]);
  });

  it('explains the critical chain through engineers and GPU arrival', () => {
    const p = project(`${TEAM}
tasks:
  - { id: a, hours: 4 }
  - { id: b, hours: 4 }
  - { id: g, hours: 2, hardware: gpu, gpus: 2 }
`);
    const r = buildTeamPlan(p, { team: teamSize(1), ...fixed });
    if (!r.ok) throw new Error(r.error);
    // One engineer: a and b back to back (8 h), then g waits for the GPUs at 16.
    expect(r.value.makespan).toBe(18);
    expect(r.value.criticalChain).toEqual([{ id: 'g', reason: 'arrival', resource: 'gpu' }]);
    const two = buildTeamPlan(
      project(`${TEAM}
tasks:
  - { id: a, hours: 4, skill: ml }
  - { id: b, hours: 4, skill: ml }
`),
      { team: teamSize(2), ...fixed },
    );
    if (!two.ok) throw new Error(two.error);
    expect(two.value.criticalChain.map((l) => l.reason)).toEqual(['project-start', 'engineer']);
  });

  it('plans Epic 1A feasibly for 1, 2 and 3 engineers, never slower with more', async () => {
    const file = await loadProjectFile('tasks/epic-1a.yaml');
    if (!file.ok) throw new Error('epic-1a.yaml does not load');
    const r = buildTeamPlans(file.value, [1, 2, 3].map(teamSize), {
      seed: 1,
      ...fixed,
      maxSchedules: 2000,
    });
    if (!r.ok) throw new Error(r.error);
    const [one, two, three] = r.value;
    for (const p of r.value) {
      expect(checkPlan(JSON.parse(JSON.stringify(teamPlanJson(p))))).toEqual([]);
      expect(p.makespan).toBeGreaterThanOrEqual(p.lowerBound);
      // GPU work cannot start before the hardware arrives on Monday of week 2.
      for (const a of p.activities)
        if (a.hardware === 'gpu') expect(a.startDate >= '2026-12-07').toBe(true);
    }
    expect(two!.makespan).toBeLessThanOrEqual(one!.makespan);
    expect(three!.makespan).toBeLessThanOrEqual(two!.makespan);
    expect(two!.engineers.map((m) => m.id)).toEqual(['infra', 'ml']);
    expect(two!.summary.meetsDeadline).toBe(true);
  });
});
