/**
 * The README's Epic 1A figures, checked against their sources: the team plans (as `plan --team N`
 * makes them) and the committed decision matrix.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTeamPlan } from '../../src/app/plan-team.js';
import type { DatedTeamPlan } from '../../src/app/plan-team.js';
import { loadProjectFile } from '../../src/config/load.js';
import { teamSize } from '../../src/model/team-spec.js';
import { planExact } from '../../scripts/plan-files.js';
import { fmtHours } from '../../src/reporters/format.js';
import { dateTimeName } from '../../src/reporters/team-common.js';
import { criticalPathPlan } from '../../src/planner/project/critical-path-plan.js';

const README = readFileSync('README.md', 'utf8');
const MATRIX = readFileSync('plans/decision-matrix.md', 'utf8');
const plans = new Map<number, DatedTeamPlan>();

// Planned as plans/ is (scripts/plan-files.ts): the exact stage included, so "optimal" means proven.
beforeAll(async () => {
  const loaded = await loadProjectFile('tasks/epic-1a.yaml');
  if (!loaded.ok) throw new Error('cannot load tasks/epic-1a.yaml');
  const exact = await planExact();
  for (const team of [1, 2, 3]) {
    const r = buildTeamPlan(loaded.value, {
      team: teamSize(team),
      seed: 1,
      now: () => 0,
      ...(exact === undefined ? {} : { exact }),
    });
    if (!r.ok) throw new Error(r.error);
    plans.set(team, r.value);
  }
}, 120_000);

/** A row of the decision matrix: its cells, by scenario and team. */
function matrixRow(scenario: string, team: string): string[] {
  const line = MATRIX.split('\n').find((l) => l.startsWith(`| ${scenario} | ${team} |`));
  if (line === undefined) throw new Error(`no row ${scenario}/${team}`);
  return line.split('|').map((c) => c.trim());
}

describe('README, Epic 1A', () => {
  it('gives the critical path and its length as `plan` computes them', async () => {
    const loaded = await loadProjectFile('tasks/epic-1a.yaml');
    if (!loaded.ok) throw new Error('cannot load tasks/epic-1a.yaml');
    const cpm = criticalPathPlan(loaded.value);
    const said = /the critical path is ([\d.]+) working hours:\n`([^`]+)`/.exec(README);
    expect(said).not.toBeNull();
    expect(Number(said![1])).toBe(cpm.makespan);
    expect(said![2]!.split(/\s*→\s*/)).toEqual(cpm.criticalPath);
  });

  it('gives each team plan its people, end, working hours and bound', () => {
    for (const [team, plan] of plans) {
      const people = plan.engineers.map((m) => m.id).join(', ');
      const proof = plan.bounds.exact === undefined ? 'the bounds' : 'the MIP';
      const bound = `${fmtHours(plan.lowerBound)}${plan.optimal ? ` (optimal, proven by ${proof})` : ''}`;
      const end = plan.activities.reduce((m, a) => (a.endDate > m ? a.endDate : m), '');
      const row = `| ${team} | ${people} | ${dateTimeName(end)} | ${fmtHours(plan.makespan)} | ${bound} |`;
      expect(README).toContain(row);
    }
  });

  it('says on which day the solo plan finishes the MacBook tasks 1a.1-1a.7', () => {
    const solo = plans.get(1)!;
    const last = solo.activities
      .filter((a) => /^1a\.[1-7]$/.test(a.task))
      .reduce((m, a) => (a.endDate > m ? a.endDate : m), '');
    const day = dateTimeName(last).replace(/ \d\d:\d\d$/, '');
    expect(README).toContain(`solo, the MacBook tasks 1a.1–1a.7 end on ${day}`);
    expect(README).not.toContain('by Wednesday of week 1 even solo');
  });

  it('follows the line-ups of the design document for teams of 2 and 3', () => {
    expect(plans.get(2)!.engineers.map((m) => m.id)).toEqual(['infra', 'ml']);
    expect(plans.get(3)!.engineers.map((m) => m.id)).toEqual(['packer', 'nvidia', 'frameworks']);
    const who = (team: number, id: string): string =>
      plans.get(team)!.activities.find((a) => a.id === id)!.assignee;
    for (const id of ['1a.3', '1a.8/test', '1a.9/install', '1a.13/run', '1a.16/test'])
      expect(who(2, id)).toBe('infra');
    for (const id of ['1a.7', '1a.10/prep', '1a.11/smoke', '1a.13/prep', '1a.14', '1a.17/docs'])
      expect(who(2, id)).toBe('ml');
    expect(who(3, '1a.3')).toBe('packer');
    for (const id of ['1a.8/test', '1a.10/install', '1a.14']) expect(who(3, id)).toBe('nvidia');
    for (const id of ['1a.7', '1a.11/install', '1a.15', '1a.17/stress'])
      expect(who(3, id)).toBe('frameworks');
  });

  it('holds no GPU while installing 1a.9-1a.12, and one for each smoke test', () => {
    for (const a of plans.get(2)!.activities) {
      if (/^1a\.(9|10|11|12)\/install$/.test(a.id)) {
        expect(a.demand['gpu'] ?? 0).toBe(0);
        expect(a.demand['host']).toBe(1);
      }
      if (/^1a\.(9|10|11|12)\/smoke$/.test(a.id)) expect(a.demand['gpu']).toBe(1);
    }
  });

  it('quotes the matrix for the early GPU and the cost of roles', () => {
    const saved = (s: string, t: string): string => matrixRow(s, t)[8]!.replace(' d', '');
    expect(README).toContain(
      `the early GPU saves about ${saved('early-gpu', '1')} days for a solo`,
    );
    expect(README).toContain(`saves about ${saved('early-gpu', '2')} days with two`);
    const cost = saved('team-2-any', '2');
    expect(README).toContain(`team 2 with roles ends ${cost} days later than the`);
  });
});
