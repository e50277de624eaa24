import type { DatedTeamPlan } from './plan-team.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import {
  dayIndexOf,
  gpuProfile,
  isWorkingDay,
  projectCalendar,
  pointAt,
  workingDate,
} from '../calendar/calendar.js';
import type { Project } from '../model/project.js';
import type { Result } from '../result.js';
import { err, ok } from '../result.js';
import type { MonteCarloResult, Percentiles } from '../planner/engine/monte-carlo.js';
import type { ProjectMonteCarlo } from '../planner/project/monte-carlo-project.js';
import { projectMonteCarlo } from '../planner/project/monte-carlo-project.js';
import type { Schedule } from '../planner/engine/problem.js';
import type { TeamSpec } from '../model/team-spec.js';
import { teamLabel, unknownMemberMessage } from '../model/team-spec.js';
import { selectTeam } from '../planner/project/project-problem.js';
import type { SamplingOptions } from '../planner/engine/sampling.js';

/**
 * Monte Carlo for the CLI and the reports: runs the planner's pure Monte Carlo per team on the
 * working-time axis and puts dates on the results with the project calendar.
 */

export interface RiskOptions {
  readonly samples: number;
  readonly seed: number;
  /** `YYYY-MM-DD`; the project's deadline when undefined; none when null. */
  readonly deadline?: string | null;
  readonly now: () => number;
  readonly sampling?: SamplingOptions;
  readonly hoursPerDay?: number;
  /** Top drivers to list. @default 5 */
  readonly drivers?: number;
  /** Told, per team ("team 2"), the samples done so far of `samples`. */
  readonly progress?: SampleProgress;
}

/**
 * Where a long Monte Carlo tells how far it is: which one ("team 2", "scenario early-gpu, team 2"),
 * and the samples done of all.
 */
export type SampleProgress = (label: string, done: number, total: number) => void;

/** A point on the axis with its date. */
export interface DatedHours {
  readonly hours: number;
  /** `YYYY-MM-DDTHH:MM`, the end of work at that hour. */
  readonly at: string;
}

export interface TeamRisk {
  readonly label: string;
  readonly team: number;
  readonly engineers: readonly string[];
  /** The deterministic plan on expected hours. */
  readonly plan: DatedHours;
  readonly p50: DatedHours;
  readonly p80: DatedHours;
  readonly p95: DatedHours;
  readonly mean: number;
  readonly stdDev: number;
  readonly mc: ProjectMonteCarlo;
}

export interface ProjectRisk {
  readonly project: string;
  readonly samples: number;
  readonly seed: number;
  readonly startDate: string;
  readonly hoursPerDay: number;
  /** The deadline and the axis hour it falls at (end of that working day). */
  readonly deadline: { readonly date: string; readonly hours: number } | undefined;
  /** Where the GPUs arrive on the axis (capacity steps). */
  readonly gpu: readonly { readonly from: number; readonly capacity: number }[];
  readonly teams: readonly TeamRisk[];
  readonly calendar: WorkCalendar;
}

/**
 * The axis hour at which a deadline date's working day ends (the last working day on or before
 * it); 0 for a date before the first working day, which ends before any work.
 */
export function deadlineHours(cal: WorkCalendar, date: string): number {
  if (date < workingDate(cal, 0)) return 0;
  const d = dayIndexOf(cal, date);
  return (isWorkingDay(cal, date) ? d + 1 : d) * cal.hoursPerDay;
}

/** A plan's schedule, in the problem's activity order, for samples to follow. */
export function scheduleOfPlan(plan: DatedTeamPlan): Schedule {
  const index = new Map(plan.engineers.map((m, k) => [m.id, k]));
  return {
    start: Float64Array.from(plan.activities, (a) => a.start),
    worker: Int32Array.from(plan.activities, (a) => index.get(a.assignee) ?? 0),
    held: new Float64Array(0),
    makespan: plan.makespan,
  };
}

/**
 * Runs Monte Carlo for each team. `plans`, when given, are the team plans of the same teams (in
 * order): samples may follow them, and their makespan is reported as the plan.
 */
export function projectRisk(
  project: Project,
  teams: readonly TeamSpec[],
  opts: RiskOptions,
  plans?: readonly DatedTeamPlan[],
): Result<ProjectRisk, string> {
  const hoursPerDay = opts.hoursPerDay ?? project.hoursPerDay;
  const cal = projectCalendar(project, hoursPerDay);
  const gpu = gpuProfile(cal, project.gpu);
  const deadlineDate = opts.deadline === null ? undefined : (opts.deadline ?? project.deadline);
  const deadline =
    deadlineDate === undefined
      ? undefined
      : { date: deadlineDate, hours: deadlineHours(cal, deadlineDate) };
  const dated = (hours: number): DatedHours => ({ hours, at: pointAt(cal, hours, 'end').iso });
  const out: TeamRisk[] = [];
  for (const [k, spec] of teams.entries()) {
    const members = selectTeam(project, spec);
    if (!members.ok) return err(`team ${teamLabel(spec)}: ${unknownMemberMessage(members.error)}`);
    const given = plans?.[k];
    const plan =
      given !== undefined && given.activities.length > 0 ? scheduleOfPlan(given) : undefined;
    const mc = projectMonteCarlo(project, {
      team: members.value,
      gpuProfile: gpu,
      dateOf: (h, kind) => pointAt(cal, h, kind).iso,
      samples: opts.samples,
      seed: opts.seed,
      deadline: deadline?.hours,
      now: opts.now,
      sampling: opts.sampling,
      drivers: opts.drivers,
      plan,
      ...(opts.progress === undefined
        ? {}
        : {
            onProgress: (done: number) =>
              opts.progress!(`team ${teamLabel(spec)}`, done, opts.samples),
          }),
    });
    if (!mc.ok) return err(mc.error);
    const r: MonteCarloResult = mc.value.result;
    const p: Percentiles = r.percentiles;
    out.push({
      label: teamLabel(spec),
      team: members.value.length,
      engineers: members.value.map((m) => m.id),
      plan: dated(given?.makespan ?? mc.value.plan.makespan),
      p50: dated(p.p50),
      p80: dated(p.p80),
      p95: dated(p.p95),
      mean: r.mean,
      stdDev: r.stdDev,
      mc: mc.value,
    });
  }
  return ok({
    project: project.name,
    samples: opts.samples,
    seed: opts.seed,
    startDate: pointAt(cal, 0).date,
    hoursPerDay,
    deadline,
    gpu,
    teams: out,
    calendar: cal,
  });
}
