import { describe, expect, it } from 'vitest';
import { buildTeamPlans } from '../../../src/app/plan-team.js';
import { loadProjectText } from '../../../src/config/load.js';
import { teamSize } from '../../../src/model/team-spec.js';
import { SEARCH_MAX_N } from '../../../src/planner/engine/index.js';
import { generateProject, toJson } from '../../../bench/project-generator.js';

describe('team plans past the search size', () => {
  it('a team of 3 uses all three engineers and beats the team of 2', () => {
    const loaded = loadProjectText(toJson(generateProject(SEARCH_MAX_N + 500, 3)), 'big.json');
    if (!loaded.ok) throw new Error(loaded.error[0]?.message);
    const opts = { timeLimitMs: 1, range: false, days: false };
    const r2 = buildTeamPlans(loaded.value, [teamSize(2)], opts);
    const r3 = buildTeamPlans(loaded.value, [teamSize(3)], opts);
    if (!r2.ok || !r3.ok) throw new Error('no plan');
    const three = r3.value[0]!;
    for (const m of three.engineers)
      expect(three.hoursByEngineer[m.id] ?? 0, m.id).toBeGreaterThan(0);
    expect(three.makespan).toBeLessThan(r2.value[0]!.makespan);
  });
});
