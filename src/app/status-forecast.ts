import { buildTeamPlan, DEFAULT_MAX_SCHEDULES, DEFAULT_TIME_LIMIT_MS } from './plan-team.js';
import type { Project } from '../model/project.js';
import type { TeamSpec } from '../model/team-spec.js';
import { forecastFromState } from './forecast.js';
import type { RunState } from '../state/reducer.js';
import type { StatusModel } from '../state/status.js';
import { teamForecastSkipped } from '../state/status.js';

/**
 * Replaces the model's critical-path forecast with the planner's: the team plan `plan --team`
 * makes (same seed and search budget), re-planned from the journal as `plan` does. Falls back to
 * the critical path, with a note, over `maxActivities` or when the team cannot be planned.
 * Kept apart from ./status.js so that `status` loads the planner only when it plans.
 */
export function withTeamForecast(
  model: StatusModel,
  project: Project,
  state: RunState,
  opts: { team: TeamSpec; now: number; maxActivities?: number },
): StatusModel {
  const skipped = teamForecastSkipped(model, opts.maxActivities);
  if (skipped !== undefined) return skipped;
  const plan = buildTeamPlan(project, {
    team: opts.team,
    estimate: 'expected',
    seed: 1,
    maxSchedules: DEFAULT_MAX_SCHEDULES,
    timeLimitMs: DEFAULT_TIME_LIMIT_MS,
    range: false,
  });
  const f = plan.ok ? forecastFromState(project, plan.value, state, { nowMs: opts.now }) : plan;
  if (!f.ok)
    return {
      ...model,
      forecastNote: `remaining critical path alone: no team forecast (${f.error})`,
    };
  return {
    ...model,
    forecast: f.value.forecastEnd.slice(0, 10),
    forecastBy: 'team',
    team: f.value.team,
    forecastAt: f.value.forecastEnd,
    baselineEnd: f.value.baselineEnd,
  };
}
