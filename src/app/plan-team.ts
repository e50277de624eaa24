import type { EstimateMode, Project } from '../model/project.js';
import type { Result } from '../result.js';
import { err, ok } from '../result.js';
import type { Problem } from '../planner/engine/index.js';
import type { SolveOptions, SolveResult } from '../planner/engine/index.js';
import {
  InfeasibleError,
  compile,
  computeBounds,
  solve as engineSolve,
} from '../planner/engine/index.js';
import type { ProjectProblem, SearchInfo, TeamSpec } from '../planner/project/project-problem.js';
import {
  GPU,
  fallbackSchedule,
  capacityAt,
  parseTeamSpec,
  projectProblem,
  selectTeam,
  teamLabel,
  toTeamPlan,
} from '../planner/project/project-problem.js';
import type { PlannedActivity, TeamPlan } from '../planner/project/team-plan.js';
import { roundHours } from '../planner/project/team-plan.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import {
  calendarDaysTo,
  gpuProfile,
  projectCalendar,
  pointAt,
  weekOf,
  weekdayName,
  workingDate,
} from '../calendar/calendar.js';

/**
 * The dated team plan: selects the team, turns the project into a scheduling problem, solves it
 * (with the engine), and maps the schedule onto the calendar. This is the entry point for every
 * command that needs a team schedule (`plan --team`, scenarios, Monte Carlo, re-planning).
 */

/** The engine, injectable for tests. */
export type SolveFn = (problem: Problem, opts: SolveOptions) => SolveResult;

export interface TeamPlanOptions {
  /** `2`, `infra+ml`, or a parsed spec. */
  readonly team: TeamSpec | number | string;
  /** @default 'expected' */
  readonly estimate?: EstimateMode;
  /** @default 1 */
  readonly seed?: number;
  /** Search time for the whole plan (every solve it makes), in ms. @default 500 */
  readonly timeLimitMs?: number;
  /** Caps the schedules each solve evaluates, for results that do not depend on machine speed. */
  readonly maxSchedules?: number;
  /** Overrides the project's `hoursPerDay`. */
  readonly hoursPerDay?: number;
  /** Also plan the low and high estimates for the confidence range. @default true */
  readonly range?: boolean;
  /** The clock the time limit is measured on. @default performance.now */
  readonly now?: () => number;
  /** The engine. @default solve from src/planner/solve.ts */
  readonly solve?: SolveFn;
}

/** A planned activity with its calendar dates (`YYYY-MM-DDTHH:MM`). */
export interface DatedActivity extends PlannedActivity {
  readonly startDate: string;
  readonly endDate: string;
}

/** What one engineer does on one working day. */
export interface DayWork {
  /** Working-day index from 0. */
  readonly day: number;
  readonly date: string;
  /** `Mon`…`Fri`. */
  readonly weekday: string;
  /** Project week from 1. */
  readonly week: number;
  /** Engineer id, or null for a day on which nobody works. */
  readonly engineer: string | null;
  readonly items: readonly DayItem[];
  readonly hours: number;
  /** What the day is mostly about (the title of the task with the most hours), or why it is idle. */
  readonly focus: string;
}

export interface DayItem {
  readonly id: string;
  readonly hours: number;
  /** Within the day (`whole`), begun (`start`), carried on (`cont`) or ended (`finish`) that day. */
  readonly part: 'whole' | 'start' | 'cont' | 'finish';
}

/** Headline numbers of a plan. */
export interface PlanSummary {
  /** Sum of all durations (hours). */
  readonly effort: number;
  /** Working days from the first to the last day with work. */
  readonly workingDays: number;
  /** Calendar days from the start to the end date, both counted. */
  readonly calendarDays: number;
  /** Effort over team × makespan. */
  readonly utilisation: number;
  /** The one-engineer makespan, when one engineer can do all the work. */
  readonly soloMakespan: number | undefined;
  /** soloMakespan / makespan. */
  readonly speedup: number | undefined;
  /** (makespan − lowerBound) / lowerBound; 0 when optimal. */
  readonly gap: number;
  /** Makespans under the low and high estimates (same team), when computed. */
  readonly range: { readonly low: number; readonly high: number } | undefined;
  /** True/false against the project's deadline; undefined without one. */
  readonly meetsDeadline: boolean | undefined;
}

/** The team plan with dates: the JSON plan contract and more. */
export interface DatedTeamPlan extends Omit<TeamPlan, 'activities'> {
  /** `2`, `infra+ml`. */
  readonly teamLabel: string;
  readonly activities: readonly DatedActivity[];
  /** First working day and the day the last activity ends, `YYYY-MM-DD` (contract). */
  readonly startDate: string;
  readonly endDate: string;
  readonly hoursPerDay: number;
  readonly holidays: readonly string[];
  readonly deadline: string | undefined;
  readonly gpuModel: string | undefined;
  readonly summary: PlanSummary;
  /** The day-by-day breakdown (not part of the JSON). */
  readonly days: readonly DayWork[];
}

/** Search time for a whole `plan` command. */
export const DEFAULT_TIME_LIMIT_MS = 500;
/**
 * Schedules each full solve evaluates at most. Reached long before the time limit on projects
 * the size of Epic 1A, which makes plans independent of machine speed (same seed, same bytes).
 */
export const DEFAULT_MAX_SCHEDULES = 1000;

/** Plans `project` for one team; errors are one-line messages (bad team, unmet skill, no hardware). */
export function buildTeamPlan(
  project: Project,
  opts: TeamPlanOptions,
): Result<DatedTeamPlan, string> {
  const r = buildTeamPlans(project, [opts.team], opts);
  if (!r.ok) return r;
  return ok(r.value[0]!);
}

/**
 * Plans `project` for several teams (`--team 1,2,3`), in the order given. Numeric teams share one
 * ladder of solves 1…max, where the plan for N engineers also considers the best (N−1)-engineer
 * schedule (feasible for N as it is): adding an engineer never makes the plan longer.
 */
export function buildTeamPlans(
  project: Project,
  teams: readonly (TeamSpec | number | string)[],
  opts: Omit<TeamPlanOptions, 'team'>,
): Result<DatedTeamPlan[], string> {
  try {
    return planTeams(project, teams, opts);
  } catch (e) {
    if (e instanceof InfeasibleError) return err(`cannot schedule: ${e.message}`);
    throw e;
  }
}

function planTeams(
  project: Project,
  teams: readonly (TeamSpec | number | string)[],
  opts: Omit<TeamPlanOptions, 'team'>,
): Result<DatedTeamPlan[], string> {
  const specs: TeamSpec[] = [];
  for (const t of teams) {
    const spec = typeof t === 'object' ? ok(t) : parseTeamSpec(String(t));
    if (!spec.ok) return spec;
    specs.push(spec.value);
  }
  const hoursPerDay = opts.hoursPerDay ?? project.hoursPerDay;
  const cal = projectCalendar(project, hoursPerDay);
  const estimate = opts.estimate ?? 'expected';
  const now = opts.now ?? (() => performance.now());
  const seed = opts.seed ?? 1;
  const withRange = opts.range ?? true;
  const budget = opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const maxSchedules = opts.maxSchedules ?? DEFAULT_MAX_SCHEDULES;
  const deadline = now() + budget;
  const gpu = gpuProfile(cal, project.gpu);
  const solve = opts.solve ?? engineSolve;

  const maxCount = specs.reduce((m, s) => (s.kind === 'count' ? Math.max(m, s.count) : m), 0);
  const named = specs.filter((s) => s.kind === 'names');
  // Full solves share what is left of the budget evenly; fast ones (the range) take no budget.
  let solvesLeft = maxCount + 2 * named.length;
  const solveOnce = (
    pp: ProjectProblem,
    mode: 'fast' | 'full',
    warm?: SolveResult,
  ): SolveResult => {
    const left = Math.max(1, deadline - now());
    const share = Math.max(1, Math.floor(left / Math.max(1, solvesLeft)));
    if (mode === 'full') solvesLeft = Math.max(1, solvesLeft - 1);
    const base = { seed, timeLimitMs: share, now, mode, maxSchedules };
    if (warm !== undefined) {
      try {
        return solve(pp.problem, { ...base, warmStart: warm.schedule });
      } catch (e) {
        // The warm start is only a hint (the lift below keeps the guarantee).
        if (!(e instanceof InfeasibleError)) throw e;
      }
    }
    try {
      return solve(pp.problem, base);
    } catch (e) {
      // The problem passed projectProblem's checks, so it has a schedule: take the plain one.
      if (!(e instanceof InfeasibleError)) throw e;
      const schedule = fallbackSchedule(pp.problem);
      if (schedule === undefined) throw e;
      const b = computeBounds(compile(pp.problem));
      return {
        schedule,
        lowerBound: b.lowerBound,
        bounds: b.bounds,
        optimal: schedule.makespan <= b.lowerBound + 1e-9,
        schedulesEvaluated: 1,
        method: 'serial SGS (fallback)',
      };
    }
  };
  const problemFor = (spec: TeamSpec, mode: EstimateMode): Result<ProjectProblem, string> => {
    const team = selectTeam(project, spec);
    if (!team.ok) return team;
    return projectProblem(project, { team: team.value, estimate: mode, gpuProfile: gpu });
  };

  // The ladder: best result for 1…maxCount engineers.
  const ladder: ({ pp: ProjectProblem; res: SolveResult } | undefined)[] = [];
  const ladderErrors: (string | undefined)[] = [];
  let prev: SolveResult | undefined;
  for (let k = 1; k <= maxCount; k++) {
    const pp = problemFor({ kind: 'count', count: k }, estimate);
    if (!pp.ok) {
      // A smaller team may lack a skill the full team has.
      ladder.push(undefined);
      ladderErrors.push(pp.error);
      solvesLeft--;
      continue;
    }
    const res = solveOnce(pp.value, 'full', prev);
    const lifted = prev === undefined ? undefined : liftResult(prev, pp.value);
    const pick =
      lifted !== undefined && lifted.schedule.makespan < res.schedule.makespan - 1e-9
        ? lifted
        : res;
    // The bounds belong to this team's problem, whichever schedule wins.
    const best = {
      ...pick,
      lowerBound: res.lowerBound,
      bounds: res.bounds,
      optimal: pick === res && res.optimal,
    };
    ladder.push({ pp: pp.value, res: best });
    ladderErrors.push(undefined);
    prev = best;
  }
  const solo = ladder[0]?.res.schedule.makespan;

  const plans: DatedTeamPlan[] = [];
  for (const spec of specs) {
    let found: { pp: ProjectProblem; res: SolveResult };
    let soloHere = solo;
    if (spec.kind === 'count') {
      const step = ladder[spec.count - 1];
      if (step === undefined) return err(ladderErrors[spec.count - 1] ?? 'internal: no plan');
      found = step;
    } else {
      const pp = problemFor(spec, estimate);
      if (!pp.ok) return pp;
      found = { pp: pp.value, res: solveOnce(pp.value, 'full') };
      soloHere = undefined;
      if (spec.ids.length === 1) soloHere = found.res.schedule.makespan;
      else {
        const one = problemFor({ kind: 'names', ids: [spec.ids[0]!] }, estimate);
        if (one.ok) soloHere = solveOnce(one.value, 'full').schedule.makespan;
      }
    }
    const info: SearchInfo = {
      lowerBound: found.res.lowerBound,
      bounds: found.res.bounds,
      optimal: found.res.optimal,
      method: found.res.method,
      seed,
    };
    const plan = toTeamPlan(found.pp, found.res.schedule, info);
    let range: PlanSummary['range'];
    if (withRange) {
      const lo = problemFor(spec, 'low');
      const hi = problemFor(spec, 'high');
      if (lo.ok && hi.ok) {
        range = {
          low: roundHours(Math.min(solveOnce(lo.value, 'fast').schedule.makespan, plan.makespan)),
          high: roundHours(Math.max(solveOnce(hi.value, 'fast').schedule.makespan, plan.makespan)),
        };
      }
    }
    plans.push(datePlan(project, plan, cal, teamLabel(spec), soloHere, range));
  }
  return ok(plans);
}

/** An (N−1)-engineer result read as an N-engineer one: same starts, same workers, same holdings. */
function liftResult(prev: SolveResult, pp: ProjectProblem): SolveResult | undefined {
  const s = prev.schedule;
  if (s.start.length !== pp.problem.n) return undefined;
  // Eligibility may differ when skills differ; keep the lift only where every worker stays eligible.
  const elig = pp.problem.workers?.eligible;
  for (let i = 0; i < pp.problem.n; i++) {
    const e = elig?.[i];
    if (e !== null && e !== undefined && !e.includes(s.worker[i]!)) return undefined;
  }
  return { ...prev, method: `${prev.method} (from the ${pp.team.length - 1}-engineer plan)` };
}

/** Adds dates, the day-by-day breakdown and the summary. */
export function datePlan(
  project: Pick<Project, 'holidays' | 'deadline' | 'gpuModel'>,
  plan: TeamPlan,
  cal: WorkCalendar,
  label: string,
  solo: number | undefined,
  range: PlanSummary['range'],
): DatedTeamPlan {
  const activities: DatedActivity[] = plan.activities.map((a) => ({
    ...a,
    startDate: pointAt(cal, a.start, 'start').iso,
    endDate: pointAt(cal, a.end, 'end').iso,
  }));
  const startDate = workingDate(cal, 0);
  const end = pointAt(cal, plan.makespan, 'end');
  const endDate = end.date;
  const H = cal.hoursPerDay;
  const effort = plan.effort;
  const gap =
    plan.lowerBound > 0 ? Math.max(0, (plan.makespan - plan.lowerBound) / plan.lowerBound) : 0;
  const summary: PlanSummary = {
    effort,
    workingDays: end.day + 1,
    calendarDays: calendarDaysTo(cal, endDate),
    utilisation: plan.makespan > 0 ? effort / (plan.team * plan.makespan) : 0,
    soloMakespan: solo === undefined ? undefined : roundHours(solo),
    speedup: solo === undefined || plan.makespan <= 0 ? undefined : solo / plan.makespan,
    gap: plan.optimal ? 0 : gap,
    range,
    meetsDeadline: project.deadline === undefined ? undefined : endDate <= project.deadline,
  };
  return {
    ...plan,
    teamLabel: label,
    activities,
    startDate,
    endDate,
    hoursPerDay: H,
    holidays: project.holidays,
    deadline: project.deadline,
    gpuModel: project.gpuModel,
    summary,
    days: dailyWork(plan, cal),
  };
}

/** The day-by-day breakdown: one row per working day per engineer with work, idle days marked. */
export function dailyWork(plan: TeamPlan, cal: WorkCalendar): DayWork[] {
  const H = cal.hoursPerDay;
  const lastDay = plan.makespan > 0 ? pointAt(cal, plan.makespan, 'end').day : 0;
  const gpu = plan.resources.find((r) => r.id === GPU)?.profile ?? [];
  const titleOf = new Map(plan.activities.map((a) => [a.id, a.taskTitle]));
  const rows: DayWork[] = [];
  const tol = 1e-6;
  for (let d = 0; d <= lastDay; d++) {
    const lo = d * H;
    const hi = (d + 1) * H;
    const date = workingDate(cal, d);
    const base = { day: d, date, weekday: weekdayName(date), week: weekOf(cal, date) };
    let any = false;
    for (const m of plan.engineers) {
      const items: DayItem[] = [];
      for (const a of plan.activities) {
        if (a.assignee !== m.id) continue;
        const overlap = Math.min(a.end, hi) - Math.max(a.start, lo);
        const zeroHere = a.duration === 0 && a.start >= lo - tol && a.start < hi - tol;
        if (overlap <= tol && !zeroHere) continue;
        const startsHere = a.start >= lo - tol;
        const endsHere = a.end <= hi + tol;
        const part = startsHere ? (endsHere ? 'whole' : 'start') : endsHere ? 'finish' : 'cont';
        items.push({ id: a.id, hours: roundHours(Math.max(0, overlap)), part });
      }
      if (items.length === 0) continue;
      any = true;
      items.sort((x, y) => {
        const ax = plan.activities.find((a) => a.id === x.id)!;
        const ay = plan.activities.find((a) => a.id === y.id)!;
        return ax.start - ay.start;
      });
      let top = items[0]!;
      for (const it of items) if (it.hours > top.hours + tol) top = it;
      rows.push({
        ...base,
        engineer: m.id,
        items,
        hours: roundHours(items.reduce((s, it) => s + it.hours, 0)),
        focus: titleOf.get(top.id) ?? top.id,
      });
    }
    if (!any) {
      const waiting = gpu.length > 0 && capacityAt(gpu, lo) === 0;
      rows.push({
        ...base,
        engineer: null,
        items: [],
        hours: 0,
        focus: waiting ? 'waiting for GPU hardware' : 'idle',
      });
    }
  }
  return rows;
}
