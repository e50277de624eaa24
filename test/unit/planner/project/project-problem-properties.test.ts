import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTeamPlan, buildTeamPlans } from '../../../../src/app/plan-team.js';
import type {
  GpuDemand,
  Hardware,
  Person,
  Phase,
  Project,
  Task,
} from '../../../../src/model/project.js';
import { gpuProfile, makeCalendar } from '../../../../src/calendar/calendar.js';
import {
  fallbackSchedule,
  projectProblem,
  selectTeam,
  toTeamPlan,
} from '../../../../src/planner/project/project-problem.js';
import { checkPlan } from '../../../../src/planner/project/check-plan.js';
import { renderTeamJson, teamPlanJson } from '../../../../src/reporters/team-json.js';
import { renderTeamMarkdown } from '../../../../src/reporters/team-markdown.js';
import { teamSize, unknownMemberMessage } from '../../../../src/model/team-spec.js';

/**
 * Project-level properties of team planning, through the Project → Problem conversion and the
 * JSON plan contract: feasible (checked by checkPlan), never below the lower bound, never
 * slower with one more engineer, byte-identical for the same seed.
 */

const DAYS = [
  '2026-11-30',
  '2026-12-01',
  '2026-12-02',
  '2026-12-03',
  '2026-12-04',
  '2026-12-07',
  '2026-12-08',
];

const arbTask = fc.record({
  hours: fc.integer({ min: 0, max: 12 }),
  prepHours: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  gpu: fc.boolean(),
  gpus: fc.oneof(fc.constant<'all'>('all'), fc.integer({ min: 0, max: 4 })),
  deps: fc.array(fc.nat(), { maxLength: 3 }),
  skill: fc.option(fc.constantFrom('linux', 'ml'), { nil: undefined }),
});

const arbProject = fc
  .record({
    tasks: fc.array(arbTask, { minLength: 1, maxLength: 9 }),
    arrivals: fc.array(
      fc.record({ count: fc.integer({ min: 1, max: 4 }), day: fc.integer({ min: 0, max: 6 }) }),
      {
        maxLength: 2,
      },
    ),
    holidays: fc.subarray(DAYS.slice(1)),
    hoursPerDay: fc.constantFrom(6, 7, 8),
    declared: fc.boolean(),
    skills: fc.array(fc.subarray(['linux', 'ml']), { minLength: 3, maxLength: 3 }),
  })
  .map(({ tasks, arrivals, holidays, hoursPerDay, declared, skills }): Project => {
    const gpu = [...new Map(arrivals.map((a) => [DAYS[a.day]!, a.count]))]
      .map(([from, count]) => ({ from, count }))
      .sort((a, b) => (a.from < b.from ? -1 : 1))
      // GPUs only ever arrive (counts never drop), as on a real bring-up.
      .map((a, k, all) => ({ ...a, count: Math.max(...all.slice(0, k + 1).map((x) => x.count)) }));
    const maxGpu = gpu.reduce((m, a) => Math.max(m, a.count), 0);
    const team: Person[] = declared
      ? skills.map((s, k) => ({ id: `p${k + 1}`, name: `P${k + 1}`, role: undefined, skills: s }))
      : [];
    const anySkill = new Set(team.flatMap((p) => p.skills));
    const phase = (
      id: string,
      name: string | null,
      hours: number,
      hardware: Hardware,
      gpus: GpuDemand,
      deps: string[],
    ): Phase => ({
      name,
      activityId: name === null ? id : `${id}/${name}`,
      title: name ?? id,
      deps,
      estimate: { low: hours, likely: hours, high: hours + 1, likelyGiven: false },
      hardware,
      gpus,
      skill: undefined,
      run: undefined,
      timeoutSeconds: undefined,
      retries: 0,
      env: {},
    });
    const out: Task[] = tasks.map((t, k) => {
      const id = `t${k + 1}`;
      const deps = k === 0 ? [] : [...new Set(t.deps.map((d) => `t${(d % k) + 1}`))];
      const onGpu = t.gpu && maxGpu > 0;
      const gpus: GpuDemand = !onGpu ? 0 : t.gpus === 'all' ? 'all' : Math.min(t.gpus, maxGpu);
      const main = phase(
        id,
        t.prepHours === undefined ? null : 'test',
        t.hours,
        onGpu ? 'gpu' : 'macbook',
        gpus,
        [],
      );
      const phases =
        t.prepHours === undefined
          ? [{ ...main, deps }]
          : [phase(id, 'prep', t.prepHours, 'macbook', 0, deps), main];
      return {
        id,
        title: `Task ${k + 1}`,
        deps,
        phases,
        risk: 'medium',
        skill: t.skill !== undefined && anySkill.has(t.skill) ? t.skill : undefined,
        tags: [],
      };
    });
    return {
      name: 'random',
      description: undefined,
      start: '2026-11-30',
      hoursPerDay,
      lineups: [],
      holidays,
      deadline: undefined,
      gpu,
      gpuModel: undefined,
      team,
      scenarios: [],
      tasks: out,
    };
  });

// A clock that never moves: the schedule budget alone ends each search, so runs are reproducible.
const opts = { seed: 7, now: () => 0, timeLimitMs: 1000, maxSchedules: 120 } as const;

describe('team plans of random projects', () => {
  it('are feasible, never below the lower bound, and never slower with one more engineer', () => {
    fc.assert(
      fc.property(arbProject, (p) => {
        const r = buildTeamPlans(p, [1, 2, 3].map(teamSize), opts);
        const plans = r.ok
          ? r.value
          : // Only a missing skill may make a team infeasible; the largest team then decides.
            (() => {
              expect(r.error).toMatch(/needs skill/);
              return [];
            })();
        let prev = Infinity;
        for (const plan of plans) {
          const json: unknown = JSON.parse(JSON.stringify(teamPlanJson(plan)));
          expect(checkPlan(json)).toEqual([]);
          expect(plan.makespan).toBeGreaterThanOrEqual(plan.lowerBound - 1e-9);
          expect(plan.makespan).toBeLessThanOrEqual(prev + 1e-9);
          prev = plan.makespan;
        }
      }),
      { numRuns: 60, seed: 20261130 },
    );
  });

  it('never gets slower with one more engineer across separate runs', () => {
    fc.assert(
      fc.property(arbProject, fc.integer({ min: 1, max: 3 }), (p, n) => {
        const a = buildTeamPlan(p, { team: teamSize(n), ...opts, range: false });
        const b = buildTeamPlan(p, { team: teamSize(n + 1), ...opts, range: false });
        if (a.ok && b.ok) expect(b.value.makespan).toBeLessThanOrEqual(a.value.makespan + 1e-9);
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('are byte-identical for the same seed', () => {
    fc.assert(
      fc.property(arbProject, fc.integer({ min: 1, max: 3 }), (p, n) => {
        const a = buildTeamPlan(p, { team: teamSize(n), ...opts });
        const b = buildTeamPlan(p, { team: teamSize(n), ...opts });
        expect(a.ok).toBe(b.ok);
        if (a.ok && b.ok) {
          expect(renderTeamJson(b.value)).toBe(renderTeamJson(a.value));
          expect(renderTeamMarkdown(b.value)).toBe(renderTeamMarkdown(a.value));
        }
      }),
      { numRuns: 30, seed: 11 },
    );
  });

  it('have a feasible plain serial schedule too (the safety net under the engine)', () => {
    fc.assert(
      fc.property(arbProject, fc.integer({ min: 1, max: 3 }), (p, n) => {
        const team = selectTeam(p, { kind: 'count', count: n });
        if (!team.ok) throw new Error(unknownMemberMessage(team.error));
        const cal = makeCalendar({
          start: p.start,
          hoursPerDay: p.hoursPerDay,
          holidays: p.holidays,
        });
        const pp = projectProblem(p, {
          team: team.value,
          estimate: 'expected',
          gpuProfile: gpuProfile(cal, p.gpu),
        });
        if (!pp.ok) return; // a skill the first n people lack
        const s = fallbackSchedule(pp.value.problem);
        expect(s).toBeDefined();
        const bounds = { criticalPath: 0, resource: 0, arrival: 0, energetic: 0 };
        const plan = toTeamPlan(pp.value, s!, {
          lowerBound: 0,
          bounds,
          optimal: false,
          method: 'serial',
          seed: 0,
        });
        const json = { ...plan, startDate: '2026-11-30', endDate: '2026-12-31' };
        expect(checkPlan(JSON.parse(JSON.stringify(json)))).toEqual([]);
      }),
      { numRuns: 100, seed: 3 },
    );
  });
});
