import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTeamPlans } from '../../../src/app/plan-team.js';
import { loadProjectText } from '../../../src/config/load.js';
import { teamSize } from '../../../src/model/team-spec.js';

const epic = loadProjectText(readFileSync('tasks/epic-1a.yaml', 'utf8'), 'tasks/epic-1a.yaml');

describe('the confidence range of a plan made with low or high hours', () => {
  it('has that plan at its end: the high plan is not longer than the range’s high end says', () => {
    if (!epic.ok) throw new Error(epic.error[0]?.message);
    for (const team of [1, 2, 3]) {
      for (const estimate of ['low', 'high'] as const) {
        const r = buildTeamPlans(epic.value, [teamSize(team)], { estimate, now: () => 0 });
        if (!r.ok) throw new Error(r.error);
        const plan = r.value[0]!;
        const range = plan.summary.range!;
        const end = estimate === 'low' ? range.low : range.high;
        expect(end, `team ${team}, ${estimate}`).toBe(plan.makespan);
        expect(range.low).toBeLessThanOrEqual(range.high);
      }
    }
  });

  it('is, for Epic 1A, the low and the high plans themselves, whichever estimate the plan uses', () => {
    if (!epic.ok) throw new Error(epic.error[0]?.message);
    for (const team of [1, 2, 3]) {
      const plan = (estimate: 'low' | 'expected' | 'high') => {
        const r = buildTeamPlans(epic.value, [teamSize(team)], { estimate, now: () => 0 });
        if (!r.ok) throw new Error(r.error);
        return r.value[0]!;
      };
      const ends = { low: plan('low').makespan, high: plan('high').makespan };
      for (const estimate of ['low', 'expected', 'high'] as const)
        expect(plan(estimate).summary.range, `team ${team}, ${estimate}`).toEqual(ends);
    }
  });
});
