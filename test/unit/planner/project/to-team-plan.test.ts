import { describe, expect, it } from 'vitest';
import { generateProject, toJson } from '../../../../bench/project-generator.js';
import { gpuProfile, makeCalendar, pointAt } from '../../../../src/calendar/calendar.js';
import { loadProjectText } from '../../../../src/config/load.js';
import { compareIds } from '../../../../src/model/activities.js';
import { solve } from '../../../../src/planner/engine/index.js';
import type { ProjectProblem } from '../../../../src/planner/project/project-problem.js';
import {
  projectProblem,
  selectTeam,
  toTeamPlan,
} from '../../../../src/planner/project/project-problem.js';
import type { Handoff, PlannedActivity } from '../../../../src/planner/project/team-plan.js';

/** A generated project's problem for three engineers, and a schedule of it. */
function planned(tasks: number, seed: number) {
  const loaded = loadProjectText(toJson(generateProject(tasks, seed)), 'gen.json');
  if (!loaded.ok) throw new Error(loaded.error[0]?.message);
  const p = loaded.value;
  const team = selectTeam(p, { kind: 'count', count: 3 });
  if (!team.ok) throw new Error('team');
  const cal = makeCalendar({ start: p.start, hoursPerDay: p.hoursPerDay, holidays: p.holidays });
  const pp = projectProblem(p, {
    team: team.value,
    estimate: 'expected',
    gpuProfile: gpuProfile(cal, p.gpu),
  });
  if (!pp.ok) throw new Error(pp.error);
  const res = solve(pp.value.problem, { seed, timeLimitMs: Infinity, now: () => 0, mode: 'fast' });
  const info = {
    lowerBound: res.lowerBound,
    bounds: res.bounds,
    optimal: false,
    method: 'm',
    seed,
  };
  return { pp: pp.value, schedule: res.schedule, info, cal };
}

/** The handoffs as first written: each activity's predecessors by id, sorted with compareIds. */
function referenceHandoffs(pp: ProjectProblem, activities: readonly PlannedActivity[]): Handoff[] {
  const out: Handoff[] = [];
  for (const a of activities) {
    for (const p of a.predecessors) {
      const from = activities[pp.graph.byId.get(p)!.index]!;
      if (from.assignee !== a.assignee)
        out.push({
          from: from.id,
          to: a.id,
          fromAssignee: from.assignee,
          toAssignee: a.assignee,
          at: from.end,
        });
    }
  }
  return out.sort((x, y) => x.at - y.at || compareIds(x.from, y.from) || compareIds(x.to, y.to));
}

describe('toTeamPlan', () => {
  it.each([
    [120, 1],
    [400, 2],
  ])('hands work off in time, then id order (%i tasks, seed %i)', (tasks, seed) => {
    const { pp, schedule, info } = planned(tasks, seed);
    const plan = toTeamPlan(pp, schedule, info);
    expect(plan.handoffs.length).toBeGreaterThan(0);
    expect(plan.handoffs).toEqual(referenceHandoffs(pp, plan.activities));
  });

  it('gives each activity its held units as demand (engineer 1, resource order) and marks the chain', () => {
    const { pp, schedule, info } = planned(300, 3);
    const plan = toTeamPlan(pp, schedule, info);
    const R = pp.problem.resources.length;
    const onChain = new Set(plan.criticalChain.map((c) => c.id));
    expect(onChain.size).toBeGreaterThan(0);
    const kinds = new Set<string>();
    plan.activities.forEach((a, i) => {
      const demand: Record<string, number> = {};
      for (let r = 0; r < R; r++) {
        const h = schedule.held[i * R + r]!;
        if (h > 0) demand[pp.problem.resources[r]!.id] = h;
      }
      demand['engineer'] = 1;
      // Same keys in the same order: the JSON is the same.
      expect(JSON.stringify(a.demand)).toBe(JSON.stringify(demand));
      kinds.add(JSON.stringify(demand));
      expect(a.critical).toBe(onChain.has(a.id));
    });
    expect(kinds.size).toBeGreaterThan(1);
  });

  it('with dateOf, each activity is the undated one with its two dates last', () => {
    const { pp, schedule, info, cal } = planned(200, 4);
    const plain = toTeamPlan(pp, schedule, info);
    const dated = toTeamPlan(pp, schedule, info, (h, kind) => pointAt(cal, h, kind).iso);
    expect(dated.activities).toHaveLength(plain.activities.length);
    dated.activities.forEach((a, i) => {
      const p = plain.activities[i]!;
      expect(Object.keys(a)).toEqual([...Object.keys(p), 'startDate', 'endDate']);
      expect(a).toEqual({
        ...p,
        startDate: pointAt(cal, p.start, 'start').iso,
        endDate: pointAt(cal, p.end, 'end').iso,
      });
    });
    const { activities: da, ...restDated } = dated;
    const { activities: pa, ...restPlain } = plain;
    expect(da.length).toBe(pa.length);
    expect(restDated).toEqual(restPlain);
  });
});
