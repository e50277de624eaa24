import type { DatedTeamPlan } from './plan-team.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import { axisHourOf, gpuProfile, projectCalendar, pointAt, isoAt } from '../calendar/calendar.js';
import type { Project } from '../model/project.js';
import type { Result } from '../result.js';
import { err, ok } from '../result.js';
import type { ActivityProgress, Replan } from '../planner/project/replan.js';
import { replan } from '../planner/project/replan.js';
import { projectProblem } from '../planner/project/project-problem.js';
import type { RunState } from '../state/reducer.js';
import type { ProjectRunState } from '../state/run-state.js';
import { readRunState } from '../state/read.js';
import { statePaths } from '../state/paths.js';
import { scheduleOfPlan } from './risk.js';
import { InfeasibleError } from '../planner/engine/index.js';

/**
 * Tracking: the run journal turned into progress on the plan's working-time axis, the re-plan
 * from now, and its report (baseline against the current forecast). `plan` prints it when the
 * task file has a journal; `status` can take its ETA from `forecastFromState`.
 */

/** Journal state → progress per activity on the axis. Failed and interrupted work is not done. */
export function progressFromState(
  state: RunState,
  cal: WorkCalendar,
  nowMs: number,
): Map<string, ActivityProgress> {
  const out = new Map<string, ActivityProgress>();
  const now = axisHourOf(cal, nowMs);
  for (const a of state.activities.values()) {
    if (a.hand !== undefined && a.hand.state !== 'blocked') {
      // Hand work: the engineer's hours, on the axis from its start (or back from its end).
      const h = a.hand;
      if (h.state === 'done' && a.status === 'done') {
        const end = h.doneAt === undefined ? undefined : axisHourOf(cal, h.doneAt);
        out.set(a.id, {
          status: 'done',
          actualHours: a.actualHours,
          start: a.actualFrom === undefined ? undefined : axisHourOf(cal, a.actualFrom),
          end,
        });
        continue;
      }
      if (h.state === 'started' && h.startedAt !== undefined) {
        const start = axisHourOf(cal, h.startedAt);
        out.set(a.id, { status: 'running', start, elapsedHours: Math.max(0, now - start) });
        continue;
      }
    }
    const last = a.attempts[a.attempts.length - 1];
    if (last === undefined) continue;
    if (a.status === 'done' && a.actualHours !== undefined) {
      // Actual hours are wall-clock elapsed from the first attempt of the finishing run
      // (see ActivityState.actualHours); the activity sits on the axis over that same span.
      const ok = [...a.attempts].reverse().find((t) => t.outcome === 'finished') ?? last;
      out.set(a.id, {
        status: 'done',
        actualHours: a.actualHours,
        start: axisHourOf(cal, a.actualFrom ?? ok.startedAt),
        end: ok.endedAt === undefined ? undefined : axisHourOf(cal, ok.endedAt),
      });
    } else if (a.status === 'running') {
      const start = axisHourOf(cal, last.startedAt);
      out.set(a.id, { status: 'running', start, elapsedHours: Math.max(0, now - start) });
    }
  }
  return out;
}

export interface Forecast {
  readonly team: string;
  readonly replan: Replan;
  readonly baselineEnd: string;
  readonly forecastEnd: string;
  readonly nowAt: string;
  readonly done: number;
  readonly running: number;
  readonly total: number;
  readonly plan: DatedTeamPlan;
}

export interface ForecastOptions {
  readonly nowMs: number;
  readonly calibrate?: boolean;
  readonly hoursPerDay?: number;
}

/** Re-plans a team plan from a journal state. */
export function forecastFromState(
  project: Project,
  plan: DatedTeamPlan,
  state: RunState,
  opts: ForecastOptions,
): Result<Forecast, string> {
  const hoursPerDay = opts.hoursPerDay ?? plan.hoursPerDay;
  const cal = projectCalendar(project, hoursPerDay);
  const pp = projectProblem(project, {
    team: plan.engineers,
    estimate: 'expected',
    gpuProfile: gpuProfile(cal, project.gpu),
    dateOf: (h, kind) => isoAt(cal, h, kind),
  });
  if (!pp.ok) return err(pp.error);
  const progress = progressFromState(state, cal, opts.nowMs);
  const now = axisHourOf(cal, opts.nowMs);
  let r: Replan;
  try {
    r = replan({
      pp: pp.value,
      baseline: scheduleOfPlan(plan),
      progress,
      now,
      calibrate: opts.calibrate,
    });
  } catch (e) {
    // The hardware the rest needs may be gone by now (a loaner GPU given back).
    if (e instanceof InfeasibleError) return err(`cannot schedule the rest from now: ${e.message}`);
    throw e;
  }
  return ok({
    team: plan.teamLabel,
    replan: r,
    baselineEnd: pointAt(cal, r.baseline, 'end').iso,
    forecastEnd: pointAt(cal, r.forecast, 'end').iso,
    nowAt: pointAt(cal, now, 'start').iso,
    done: r.phase.filter((p) => p === 'done').length,
    running: r.phase.filter((p) => p === 'running').length,
    total: r.phase.length,
    plan,
  });
}

/** Reads the task file's journal, when there is one with any activity in it. */
export function journalState(taskFile: string): ProjectRunState | undefined {
  // No existence check first: a journal that is missing reads as empty, while one that cannot be
  // read (its folder a file, ENOTDIR) is an EnvironmentError, as it is to status.
  const s = readRunState(taskFile, statePaths(taskFile));
  return s.activities.size === 0 ? undefined : s;
}
