import type { EstimateMode, Project } from '../model/project.js';
import type { Result } from '../result.js';
import { InputLimitError, err, ok } from '../result.js';
import type { Problem } from '../planner/engine/index.js';
import type { SolveOptions, SolveResult } from '../planner/engine/index.js';
import {
  InfeasibleError,
  SEARCH_MAX_N,
  Sgs,
  compile,
  computeBounds,
  sortByKey,
  solve as engineSolve,
} from '../planner/engine/index.js';
import type { TeamSpec } from '../model/team-spec.js';
import { teamLabel, unknownMemberMessage } from '../model/team-spec.js';
import type { ProjectProblem, SearchInfo } from '../planner/project/project-problem.js';
import type { ExactOptions } from '../planner/exact/index.js';
import { withExact } from '../planner/exact/index.js';
import {
  fallbackSchedule,
  projectProblem,
  selectTeam,
  toTeamPlan,
} from '../planner/project/project-problem.js';
import type { ActivityDates, PlannedActivity, TeamPlan } from '../planner/project/team-plan.js';
import { roundHours } from '../planner/project/team-plan.js';
import { activityDurations } from '../model/activities.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import type { WeekTotal } from './plan-days.js';
import { dailyWork, weekTotals } from './plan-days.js';
import {
  calendarDaysTo,
  gpuProfile,
  projectCalendar,
  isoAt,
  pointAt,
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
  /** The team, as the CLI or the config parsed it. */
  readonly team: TeamSpec;
  /** @default 'expected' */
  readonly estimate?: EstimateMode;
  /** @default 1 */
  readonly seed?: number;
  /**
   * Search time for the whole plan (every solve it makes), in ms, read as a budget of passes
   * (solvePasses): no solve looks at the clock. @default 500
   */
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
  /**
   * The exact method (a MIP solver, loaded by the caller) run on each plan after the search:
   * it proves the plan optimal, shortens it, or raises the lower bound. None: no proof.
   */
  readonly exact?: ExactOptions;
  /**
   * Build the day-by-day breakdown (the JSON contract has none): always, never, or where `days`
   * says of the plan's weeks and activities (a view that summarises long plans by week lists
   * the days only of short ones). @default true
   */
  readonly days?: DayRows;
}

/** Whether a plan gets its day rows: always, never, or as its weeks and activity count decide. */
export type DayRows = boolean | ((weeks: readonly WeekTotal[], activities: number) => boolean);

/** A planned activity with its calendar dates (`YYYY-MM-DDTHH:MM`). */
export interface DatedActivity extends PlannedActivity, ActivityDates {}

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
  /**
   * When the plan starts (the first working day's first hour) and when its last activity ends,
   * `YYYY-MM-DDTHH:MM` as the activities' dates (contract).
   */
  readonly startDate: string;
  readonly endDate: string;
  readonly hoursPerDay: number;
  readonly holidays: readonly string[];
  readonly deadline: string | undefined;
  readonly gpuModel: string | undefined;
  readonly summary: PlanSummary;
  /** The day-by-day breakdown (not part of the JSON; empty when not asked for). */
  readonly days: readonly DayWork[];
  /** Week by week, first to last (not part of the JSON; empty when no days were asked for). */
  readonly weeks: readonly WeekTotal[];
}

/** Search time for a whole `plan` command (read as passes: see solvePasses). */
export const DEFAULT_TIME_LIMIT_MS = 500;
/** Schedules each full solve evaluates at most (what binds on projects the size of Epic 1A). */
export const DEFAULT_MAX_SCHEDULES = 1000;
/** Schedule budget of `plan FILE.sm` (a PSPLIB instance): the time limit ends most searches first. */
export const DEFAULT_PSPLIB_SCHEDULES = 50_000;

/**
 * Activities a schedule-generation pass covers per millisecond, about (the serial SGS on the
 * generated 100k-activity project of bench:scale, on a shared 2-core machine): what turns the
 * time limit into a budget of passes.
 */
export const PASS_ACTIVITIES_PER_MS = 750;

/**
 * The passes a solve of `n` activities may make: its share of the time limit read as passes
 * (PASS_ACTIVITIES_PER_MS), at least 3 (a serial pass and one forward-backward improvement), and
 * never more than the schedule budget (`maxSchedules`, applied by the caller). A budget in
 * passes, not in time, so that the same file and seed give the same plan on any machine, however
 * busy: on a 2-core machine like this project's, about the time limit's worth of search.
 */
export function solvePasses(n: number, shareMs: number): number {
  return Math.max(3, Math.floor((shareMs * PASS_ACTIVITIES_PER_MS) / Math.max(1, n)));
}

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
  teams: readonly TeamSpec[],
  opts: Omit<TeamPlanOptions, 'team'>,
): Result<DatedTeamPlan[], string> {
  try {
    return planTeams(project, teams, opts);
  } catch (e) {
    if (e instanceof InfeasibleError) return err(`cannot schedule: ${e.message}`);
    if (e instanceof InputLimitError) return err(e.message);
    throw e;
  }
}

function planTeams(
  project: Project,
  teams: readonly TeamSpec[],
  opts: Omit<TeamPlanOptions, 'team'>,
): Result<DatedTeamPlan[], string> {
  const specs = teams;
  const hoursPerDay = opts.hoursPerDay ?? project.hoursPerDay;
  const cal = projectCalendar(project, hoursPerDay);
  const estimate = opts.estimate ?? 'expected';
  const now = opts.now ?? (() => performance.now());
  const seed = opts.seed ?? 1;
  const withRange = opts.range ?? true;
  const budget = opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const maxSchedules = opts.maxSchedules ?? DEFAULT_MAX_SCHEDULES;
  const gpu = gpuProfile(cal, project.gpu);
  const solve = opts.solve ?? engineSolve;

  const maxCount = specs.reduce((m, s) => (s.kind === 'count' ? Math.max(m, s.count) : m), 0);
  const named = specs.filter((s) => s.kind === 'names');
  const asked = new Set(specs.flatMap((s) => (s.kind === 'count' ? [s.count] : [])));
  const solver = makeSolver({
    solve,
    seed,
    now,
    maxSchedules,
    // Each full solve's share of the time limit (read as passes): every rung up to the largest
    // team, and two per named team; past the search's size only the rungs asked for.
    shareMs: budget / Math.max(1, maxCount + 2 * named.length),
    bigShareMs: budget / Math.max(1, asked.size + 2 * named.length),
  });
  const solveOnce = solver.solve;
  const problemFor = (spec: TeamSpec, mode: EstimateMode): Result<ProjectProblem, string> => {
    const team = selectTeam(project, spec);
    if (!team.ok) return err(`team ${teamLabel(spec)}: ${unknownMemberMessage(team.error)}`);
    return projectProblem(project, {
      team: team.value,
      estimate: mode,
      gpuProfile: gpu,
      dateOf: (h, kind) => isoAt(cal, h, kind),
    });
  };

  // The ladder: best result for 1…maxCount engineers.
  const ladder: ({ pp: ProjectProblem; res: SolveResult } | undefined)[] = [];
  const ladderErrors: (string | undefined)[] = [];
  let prev: SolveResult | undefined;
  let prevTeam = 0;
  for (let k = 1; k <= maxCount; k++) {
    if (k > 1 && !asked.has(k) && (prev?.schedule.start.length ?? 0) > SEARCH_MAX_N) {
      // Past the search's size a rung nobody asked for is skipped (the solo plan, k = 1, is
      // kept for the summary): the next rung lifts the last one solved.
      ladder.push(undefined);
      ladderErrors.push(undefined);
      continue;
    }
    const pp = problemFor({ kind: 'count', count: k }, estimate);
    if (!pp.ok) {
      // A smaller team may lack a skill the full team has.
      ladder.push(undefined);
      ladderErrors.push(pp.error);
      continue;
    }
    // Past the search's size: the solo rung, when not asked for, takes one fast pass; a rung
    // asked for starts from its rules, not the smaller team's fixed workers (the lift below
    // keeps the better).
    const big = pp.value.problem.n > SEARCH_MAX_N;
    const quick = big && !asked.has(k);
    const res = quick
      ? solveOnce(pp.value, 'fast')
      : solveOnce(pp.value, 'full', big ? undefined : prev);
    const lifted = prev === undefined ? undefined : liftResult(prev, prevTeam, pp.value);
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
    prevTeam = k;
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
    if (opts.exact !== undefined) {
      found = { pp: found.pp, res: withExact(found.pp.problem, found.res, opts.exact) };
    }
    const info: SearchInfo = {
      lowerBound: found.res.lowerBound,
      bounds: found.res.bounds,
      optimal: found.res.optimal,
      method: found.res.method,
      seed,
    };
    // The end first: a plan past the calendar's last date fails on its end, not on the first
    // activity dated past it.
    pointAt(cal, found.res.schedule.makespan, 'end');
    const plan = toTeamPlan(found.pp, found.res.schedule, info, (h, kind) => isoAt(cal, h, kind));
    const range = withRange
      ? rangeOf(found, plan.makespan, estimate, (mode) => {
          const p = problemFor(spec, mode);
          if (!p.ok) return undefined;
          // Past the search's size (when the retimed range found no schedule): one quick pass.
          const big = p.value.problem.n > SEARCH_MAX_N;
          return solveOnce(p.value, big ? 'fast' : 'range', big ? undefined : found.res).schedule
            .makespan;
        })
      : undefined;
    const dated = datePlan(project, plan, cal, teamLabel(spec), soloHere, range, opts.days ?? true);
    plans.push(dated);
  }
  return ok(plans);
}

/**
 * Each end of the confidence range searches for this part of a full solve's share, in passes:
 * for one team, Epic 1A's ends still reach the schedule budget (1000; 418 with eight teams),
 * while a 5,000-activity plan's two ends cost about half the time limit more (18 passes each),
 * not a whole one each.
 */
const RANGE_SHARE = 1 / 4;

/**
 * Solves for planTeams, each on a budget of schedule-generation passes read from its share of the
 * time limit (solvePasses), never on the clock: the same file and seed give the same plan on
 * any machine, however busy, and whatever time the exact stage took before.
 */
interface Solver {
  /** `range`: a full search for an end of the confidence range, from the plan's schedule. */
  solve(pp: ProjectProblem, mode: 'fast' | 'full' | 'range', warm?: SolveResult): SolveResult;
}

function makeSolver(o: {
  readonly solve: SolveFn;
  readonly seed: number;
  readonly now: () => number;
  readonly maxSchedules: number;
  readonly shareMs: number;
  readonly bigShareMs: number;
}): Solver {
  const { solve, seed, now, maxSchedules } = o;
  const solveOnce = (
    pp: ProjectProblem,
    how: 'fast' | 'full' | 'range',
    warm?: SolveResult,
  ): SolveResult => {
    const mode: 'fast' | 'full' = how === 'fast' ? 'fast' : 'full';
    const n = pp.problem.n;
    const shareMs =
      (n > SEARCH_MAX_N ? o.bigShareMs : o.shareMs) * (how === 'range' ? RANGE_SHARE : 1);
    const base = {
      seed,
      timeLimitMs: Infinity,
      now,
      mode,
      maxSchedules: Math.min(maxSchedules, solvePasses(n, shareMs)),
    };
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
  return { solve: solveOnce };
}

/**
 * The low–high range of a plan: past the search's size its own order and workers timed again
 * under the low and the high hours; else a search of each (`solveEnd`, from the plan's schedule;
 * undefined where there is none). Each end is at least as wide as the plan, and a plan made with
 * low or high hours is that end itself (the search of the end has no exact stage).
 */
function rangeOf(
  found: { pp: ProjectProblem; res: SolveResult },
  makespan: number,
  estimate: EstimateMode,
  solveEnd: (mode: 'low' | 'high') => number | undefined,
): PlanSummary['range'] {
  const retimed = found.pp.problem.n > SEARCH_MAX_N ? retimedRange(found) : undefined;
  const low = retimed?.low ?? solveEnd('low');
  const high = retimed?.high ?? solveEnd('high');
  if (low === undefined || high === undefined) return undefined;
  return {
    low: roundHours(estimate === 'low' ? makespan : Math.min(low, makespan)),
    high: roundHours(estimate === 'high' ? makespan : Math.max(high, makespan)),
  };
}

/**
 * Past the search's size, the confidence range without two more solves: the plan's own order
 * (by start) and workers timed again, one serial pass each, under the low and the high
 * estimates. Undefined if a pass finds no schedule (the caller then solves).
 */
function retimedRange(found: {
  pp: ProjectProblem;
  res: SolveResult;
}): { low: number; high: number } | undefined {
  const { pp, res } = found;
  // One compile for both passes: nothing compiled depends on the durations but `dur` itself
  // (each pass re-checks the grid against them), so the high ones are copied in.
  const c = compile({ ...pp.problem, duration: activityDurations(pp.graph, 'low') });
  const n = c.n;
  const list = new Int32Array(n);
  list.set(c.topo);
  sortByKey(list, res.schedule.start, c.topoPos);
  const workers = c.W > 0 ? res.schedule.worker : null;
  const sgs = new Sgs(c);
  const start = new Float64Array(n);
  const worker = new Int32Array(n);
  const held = new Float64Array(n * c.R);
  const low = sgs.serial(list, start, worker, held, false, 0, workers);
  c.dur.set(activityDurations(pp.graph, 'high'));
  const high = sgs.serial(list, start, worker, held, false, 0, workers);
  return Number.isFinite(low) && Number.isFinite(high) ? { low, high } : undefined;
}

/** A smaller team's result (`prevTeam` engineers) read as a larger one's: same starts, workers, holdings. */
function liftResult(
  prev: SolveResult,
  prevTeam: number,
  pp: ProjectProblem,
): SolveResult | undefined {
  const s = prev.schedule;
  if (s.start.length !== pp.problem.n) return undefined;
  // Eligibility may differ when skills differ; keep the lift only where every worker stays eligible.
  const elig = pp.problem.workers?.eligible;
  for (let i = 0; i < pp.problem.n; i++) {
    const e = elig?.[i];
    if (e !== null && e !== undefined && !e.includes(s.worker[i]!)) return undefined;
  }
  return { ...prev, method: `${prev.method} (from the ${prevTeam}-engineer plan)` };
}

/** Adds the day-by-day breakdown and the summary to a plan whose activities come dated (toTeamPlan with dateOf). */
export function datePlan(
  project: Pick<Project, 'holidays' | 'deadline' | 'gpuModel'>,
  plan: TeamPlan<DatedActivity>,
  cal: WorkCalendar,
  label: string,
  solo: number | undefined,
  range: PlanSummary['range'],
  withDays: DayRows = true,
): DatedTeamPlan {
  const activities = plan.activities;
  const startDate = pointAt(cal, 0, 'start').iso;
  const end = pointAt(cal, plan.makespan, 'end');
  const endDate = end.iso;
  const H = cal.hoursPerDay;
  const effort = plan.effort;
  // Weeks and days are for the views that show them (the JSON has neither).
  const weeks = withDays === false ? [] : weekTotals(plan, cal);
  const listed = typeof withDays === 'function' ? withDays(weeks, activities.length) : withDays;
  const gap =
    plan.lowerBound > 0 ? Math.max(0, (plan.makespan - plan.lowerBound) / plan.lowerBound) : 0;
  const summary: PlanSummary = {
    effort,
    workingDays: end.day + 1,
    calendarDays: calendarDaysTo(cal, end.date),
    utilisation: plan.makespan > 0 ? effort / (plan.team * plan.makespan) : 0,
    soloMakespan: solo === undefined ? undefined : roundHours(solo),
    speedup: solo === undefined || plan.makespan <= 0 ? undefined : solo / plan.makespan,
    gap: plan.optimal ? 0 : gap,
    range,
    // The end's working day: one over 15 h from 09:00 ends after midnight, still that day's work.
    meetsDeadline:
      project.deadline === undefined ? undefined : workingDate(cal, end.day) <= project.deadline,
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
    days: listed ? dailyWork(plan, cal) : [],
    weeks,
  };
}
