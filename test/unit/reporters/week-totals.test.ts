import { describe, expect, it } from 'vitest';
import { buildTeamPlans } from '../../../src/app/plan-team.js';
import { loadProjectText } from '../../../src/config/load.js';
import { teamSize } from '../../../src/model/team-spec.js';

describe('weekTotals', () => {
  it('files work that ends past Friday midnight of a working day over 15 h under its own week', () => {
    // 20 h days from 09:00: a's 100 h end on Friday's working day, dated Saturday 05:00.
    const text = [
      'project: Long days',
      'start: 2026-11-30',
      'hoursPerDay: 20',
      'tasks:',
      '  - { id: a, hours: 100, hardware: macbook }',
      '  - { id: b, hours: 20, hardware: macbook, deps: [a] }',
      '',
    ].join('\n');
    const loaded = loadProjectText(text, 'long.yaml');
    if (!loaded.ok) throw new Error(loaded.error[0]?.message);
    const r = buildTeamPlans(loaded.value, [teamSize(1)], { now: () => 0, range: false });
    if (!r.ok) throw new Error(r.error);
    const plan = r.value[0]!;
    expect(plan.activities.find((x) => x.id === 'a')!.endDate).toBe('2026-12-05T05:00');
    const weeks = plan.weeks;
    expect(weeks.map((w) => [w.first, w.finished])).toEqual([
      ['2026-11-30', 1],
      ['2026-12-07', 1],
    ]);
  });
});
