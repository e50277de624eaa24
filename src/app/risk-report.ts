import type { Project } from '../model/project.js';
import type { TeamSpec } from '../model/team-spec.js';
import type { Result } from '../result.js';
import { err, ok } from '../result.js';
import type { Comparison } from './compare.js';
import { compareScenarios } from './compare.js';
import type { DatedTeamPlan } from './plan-team.js';
import { buildTeamPlans } from './plan-team.js';
import type { ProjectRisk, SampleProgress } from './risk.js';
import { projectRisk } from './risk.js';
import { taskGraphView } from './task-graph.js';

/** The risk side of `plan` (`--compare`, `--monte-carlo`, `--html`), its options parsed. */
export interface RiskRequest {
  readonly samples: number;
  readonly seed: number;
  readonly deadline: string | undefined;
  /** Given teams; undefined: the scenarios' own, else 1…N for N declared people (at most 3). */
  readonly teams: readonly TeamSpec[] | undefined;
  readonly maxSchedules: number;
  readonly timeLimitMs: number | undefined;
  readonly hoursPerDay: number | undefined;
  /** The decision matrix over scenarios and team sizes. */
  readonly compare: boolean;
  /** Team plans and their Monte Carlo odds (for `--monte-carlo` and the HTML report). */
  readonly odds: boolean;
  /** The task-graph picture's data (for the HTML report). */
  readonly graph: boolean;
  /** The clock that time limits are measured on. */
  readonly now: () => number;
  /** Told how far each Monte Carlo is (RiskOptions.progress). */
  readonly progress?: SampleProgress;
}

/** What the risk side computed; a part is undefined when it was not asked for. */
export interface RiskReport {
  readonly comparison: Comparison | undefined;
  readonly plans: readonly DatedTeamPlan[] | undefined;
  readonly risk: ProjectRisk | undefined;
  readonly graph: ReturnType<typeof taskGraphView> | undefined;
}

/** Team sizes 1…N for N declared people (at least 1, at most 3) when no team is given. */
export function defaultTeams(project: Project): TeamSpec[] {
  const n = Math.min(3, Math.max(1, project.team.length));
  return Array.from({ length: n }, (_, k) => ({ kind: 'count', count: k + 1 }) as const);
}

/** Computes what the request asks for: the decision matrix, team plans with their odds, the graph. */
export function riskReport(project: Project, req: RiskRequest): Result<RiskReport, string> {
  const limit = req.timeLimitMs === undefined ? {} : { timeLimitMs: req.timeLimitMs };
  let comparison: Comparison | undefined;
  if (req.compare) {
    const cmp = compareScenarios(project, {
      samples: req.samples,
      seed: req.seed,
      now: req.now,
      teams: req.teams,
      maxSchedules: req.maxSchedules,
      ...limit,
      deadline: req.deadline,
      ...progressOf(req),
    });
    if (!cmp.ok) return err(cmp.error);
    comparison = cmp.value;
  }
  if (!req.odds) return ok({ comparison, plans: undefined, risk: undefined, graph: undefined });
  const teams = req.teams ?? defaultTeams(project);
  const plans = buildTeamPlans(project, teams, {
    seed: req.seed,
    maxSchedules: req.maxSchedules,
    ...limit,
    range: false,
    // The report draws from the activities; the day-by-day rows are the table view's.
    days: false,
    now: req.now,
    ...(req.hoursPerDay === undefined ? {} : { hoursPerDay: req.hoursPerDay }),
  });
  if (!plans.ok) return err(plans.error);
  const risk = projectRisk(
    project,
    teams,
    {
      samples: req.samples,
      seed: req.seed,
      deadline: req.deadline,
      now: req.now,
      hoursPerDay: req.hoursPerDay,
      ...progressOf(req),
    },
    plans.value,
  );
  if (!risk.ok) return err(risk.error);
  const graph = req.graph ? taskGraphView(project) : undefined;
  return ok({ comparison, plans: plans.value, risk: risk.value, graph });
}

const progressOf = (req: RiskRequest): { progress?: SampleProgress } =>
  req.progress === undefined ? {} : { progress: req.progress };
