import type { Forecast } from '../app/forecast.js';
import type { DatedActivity, DatedTeamPlan } from '../app/plan-team.js';
import { jsonChunks } from '../util/json-chunks.js';
import { MappedList } from '../util/mapped-list.js';

/**
 * The team plan as JSON: the plan contract's fields first (`makespan`, `unit`, `team`,
 * `resources`, `activities`, `criticalPath`, `lowerBound`, `startDate`, `endDate`), then the
 * extras. Key order is fixed so the same plan prints byte-identically.
 */
export function teamPlanJson(plan: DatedTeamPlan): Record<string, unknown> {
  return planJson(plan, plan.activities.map(activityJson));
}

/** One activity of the plan contract. */
function activityJson(a: DatedActivity): Record<string, unknown> {
  return {
    id: a.id,
    task: a.task,
    phase: a.phase,
    title: a.title,
    duration: a.duration,
    predecessors: a.predecessors,
    demand: a.demand,
    start: a.start,
    end: a.end,
    assignee: a.assignee,
    startDate: a.startDate,
    endDate: a.endDate,
    hardware: a.hardware,
    critical: a.critical,
  };
}

/**
 * teamPlanJson with `activities` as given (the mapped array, or a MappedList of it), and the
 * re-plan from the run journal when there is one.
 */
function planJson(
  plan: DatedTeamPlan,
  activities: unknown,
  forecast?: Forecast,
): Record<string, unknown> {
  return {
    makespan: plan.makespan,
    unit: plan.unit,
    team: plan.team,
    resources: plan.resources.map((r) => ({
      id: r.id,
      profile: r.profile.map((s) => ({ from: s.from, capacity: s.capacity })),
    })),
    activities,
    criticalPath: plan.criticalPath,
    lowerBound: plan.lowerBound,
    startDate: plan.startDate,
    endDate: plan.endDate,
    project: plan.project,
    estimate: plan.estimate,
    teamLabel: plan.teamLabel,
    assignees: plan.assignees,
    engineers: plan.engineers.map((m) => ({
      id: m.id,
      name: m.name,
      ...(m.role === undefined ? {} : { role: m.role }),
      skills: m.skills,
      declared: m.declared,
    })),
    hoursPerDay: plan.hoursPerDay,
    holidays: plan.holidays,
    ...(plan.deadline === undefined ? {} : { deadline: plan.deadline }),
    bounds: plan.bounds,
    optimal: plan.optimal,
    method: plan.method,
    seed: plan.seed,
    criticalChain: plan.criticalChain,
    handoffs: plan.handoffs,
    hoursByEngineer: plan.hoursByEngineer,
    summary: {
      ...plan.summary,
      ...(plan.summary.range === undefined ? {} : { range: plan.summary.range }),
    },
    ...(forecast === undefined ? {} : { forecast: forecastJson(forecast) }),
  };
}

const hours = (h: number): number => Math.round(h * 100) / 100;

/**
 * The re-plan from the run journal, as `plan --team` prints it beside the table: now, the
 * baseline's end and the forecast's (dates and axis hours), the slip, progress, and the observed
 * actual/estimate ratios per hardware tag (applied with --calibrate).
 */
function forecastJson(f: Forecast): Record<string, unknown> {
  const r = f.replan;
  const observed = (tag: 'macbook' | 'gpu'): Record<string, number> => ({
    ratio: r.calibration[tag].ratio,
    finished: r.calibration[tag].samples,
    actualHours: hours(r.calibration[tag].actualHours),
    estimatedHours: hours(r.calibration[tag].estimatedHours),
  });
  return {
    now: f.nowAt,
    baselineEnd: f.baselineEnd,
    forecastEnd: f.forecastEnd,
    baselineHours: hours(r.baseline),
    forecastHours: hours(r.forecast),
    slipHours: hours(r.forecast - r.baseline),
    done: f.done,
    running: f.running,
    total: f.total,
    calibrated: r.calibrated,
    observed: { macbook: observed('macbook'), gpu: observed('gpu') },
  };
}

export function renderTeamJson(plan: DatedTeamPlan): string {
  return [...teamJsonChunks(plan)].join('');
}

/**
 * renderTeamJson's text in pieces (jsonChunks): a huge plan's JSON is never one string. With the
 * plan's re-plan from the run journal, when there is one.
 */
export function teamJsonChunks(plan: DatedTeamPlan, forecast?: Forecast): Iterable<string> {
  return jsonChunks(lazyPlanJson(plan, forecast));
}

/** renderTeamsJson's text in pieces; `forecasts[k]` is the re-plan of `plans[k]`, if any. */
export function teamsJsonChunks(
  plans: readonly DatedTeamPlan[],
  forecasts?: readonly Forecast[],
): Iterable<string> {
  return jsonChunks({ plans: plans.map((p, k) => lazyPlanJson(p, forecasts?.[k])) });
}

/** teamPlanJson, its activities mapped a batch at a time as they are written. */
function lazyPlanJson(plan: DatedTeamPlan, forecast?: Forecast): Record<string, unknown> {
  return planJson(plan, new MappedList(plan.activities, activityJson), forecast);
}

/** Several team plans (`--team 1,2,3 --json`): `{ "plans": [...] }`. */
export function renderTeamsJson(plans: readonly DatedTeamPlan[]): string {
  return [...teamsJsonChunks(plans)].join('');
}
