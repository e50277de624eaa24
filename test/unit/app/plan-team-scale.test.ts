import { describe, expect, it } from 'vitest';
import { solvePasses, buildTeamPlans } from '../../../src/app/plan-team.js';
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

  it('past the search size the plan does not depend on the clock: same seed, same plan', () => {
    const loaded = loadProjectText(toJson(generateProject(SEARCH_MAX_N + 500, 5)), 'big.json');
    if (!loaded.ok) throw new Error(loaded.error[0]?.message);
    const frozen = (): number => 0;
    let t = 0;
    // Every reading of this clock is a second later: a wall-clock budget would be spent at once.
    const racing = (): number => (t += 1000);
    const plan = (now: () => number): string => {
      const r = buildTeamPlans(loaded.value, [teamSize(3)], { now, days: false });
      if (!r.ok) throw new Error(r.error);
      return JSON.stringify(r.value);
    };
    expect(plan(racing)).toBe(plan(frozen));
  });

  it('below the search size too, the plan does not depend on the clock', () => {
    // 800 activities: the GA, whose budget the time limit used to end on a busy machine.
    const loaded = loadProjectText(toJson(generateProject(800, 9)), 'mid.json');
    if (!loaded.ok) throw new Error(loaded.error[0]?.message);
    let t = 0;
    const racing = (): number => (t += 1000);
    const plan = (now: () => number): string => {
      const r = buildTeamPlans(loaded.value, [teamSize(2)], { now, timeLimitMs: 100, days: false });
      if (!r.ok) throw new Error(r.error);
      return JSON.stringify(r.value);
    };
    expect(plan(racing)).toBe(plan(() => 0));
  });

  it('the pass budget is the time limit read as passes, at least three', () => {
    expect(solvePasses(100_000, 500)).toBe(3);
    expect(solvePasses(10_000, 500)).toBe(37);
    expect(solvePasses(1_000_000, 500)).toBe(3);
    expect(solvePasses(10_000, 5000)).toBeGreaterThan(solvePasses(10_000, 500));
  });

  it('past the search size the range retimes the plan under the low and high estimates', () => {
    const loaded = loadProjectText(toJson(generateProject(SEARCH_MAX_N + 500, 7)), 'big.json');
    if (!loaded.ok) throw new Error(loaded.error[0]?.message);
    const r = buildTeamPlans(loaded.value, [teamSize(3)], { days: false });
    if (!r.ok) throw new Error(r.error);
    const plan = r.value[0]!;
    const range = plan.summary.range!;
    // Generated hours are ranges with low < high, so the estimates move the finish both ways.
    expect(range.low).toBeLessThan(plan.makespan);
    expect(range.high).toBeGreaterThan(plan.makespan);
    // Low hours are at least an hour shorter each: the retimed plan is much shorter, not a copy.
    expect(range.low).toBeLessThan(plan.makespan * 0.9);
  });
});
