import type { DatedTeamPlan } from './plan-team.js';
import { buildTeamPlans } from './plan-team.js';
import { pointAt, weekOf } from '../calendar/calendar.js';
import type { Project } from '../model/project.js';
import type { Result } from '../result.js';
import { err, ok } from '../result.js';
import type { TeamSpec } from '../model/team-spec.js';
import { teamLabel } from '../model/team-spec.js';
import { applyScenario, BASELINE, scenariosOf } from '../planner/project/scenarios.js';
import type { SampleProgress, TeamRisk } from './risk.js';
import { projectRisk } from './risk.js';

/**
 * The decision matrix, computed: every scenario (and, for scenarios that leave the team open,
 * every team size) gets a team plan and a Monte Carlo run. All runs share the seed, so sample s
 * draws the same task hours in every configuration (common random numbers): the differences
 * between rows come from the decision, not from sampling noise.
 */

export interface CompareOptions {
  readonly samples: number;
  readonly seed: number;
  readonly now: () => number;
  /** Team sizes for scenarios that do not fix one. @default 1, 2, 3 */
  readonly teams?: readonly TeamSpec[];
  readonly maxSchedules?: number;
  /** Search time per scenario's plans (ms); large values leave only maxSchedules binding. */
  readonly timeLimitMs?: number;
  /** `YYYY-MM-DD`; the project's deadline when undefined. */
  readonly deadline?: string;
  /** Told, per scenario and team, the samples done so far. */
  readonly progress?: SampleProgress;
}

export interface CompareRow {
  readonly scenario: string;
  readonly description: string | undefined;
  readonly cost: number;
  /** The scenario only picks a team: it is the baseline for that team. */
  readonly teamOnly: boolean;
  readonly team: string;
  readonly engineers: readonly string[];
  readonly hoursPerDay: number;
  /** Plan on expected hours. */
  readonly planHours: number;
  readonly planEnd: string;
  readonly p50Hours: number;
  readonly p50End: string;
  readonly p80Hours: number;
  readonly p80End: string;
  /** Project week (from 1) of the P50 and P80 ends. */
  readonly p50Week: number;
  readonly p80Week: number;
  /** Working days to the P50/P80 end (the day it ends counts). */
  readonly p50Days: number;
  readonly p80Days: number;
  /** Engineer-hours per engineer in the plan, in team order. */
  readonly hoursByEngineer: readonly number[];
  readonly effort: number;
  /** P50 working days saved against the baseline with the same team, and against baseline solo. */
  readonly savedVsSameTeam: number | undefined;
  readonly savedVsSolo: number | undefined;
  /**
   * Share of samples that finish earlier than the same sample of the baseline with the same team
   * (common random numbers pair them); undefined for the baseline itself.
   */
  readonly savedOdds: number | undefined;
  readonly deadlineProbability: number | undefined;
  readonly drivers: readonly string[];
  readonly risk: TeamRisk;
  readonly plan: DatedTeamPlan;
}

export interface Comparison {
  readonly project: string;
  readonly samples: number;
  readonly seed: number;
  readonly deadline: string | undefined;
  readonly rows: readonly CompareRow[];
}

type Pending = Omit<CompareRow, 'savedVsSameTeam' | 'savedVsSolo' | 'savedOdds'>;

export function compareScenarios(
  project: Project,
  opts: CompareOptions,
): Result<Comparison, string> {
  const defaultTeams: TeamSpec[] = opts.teams
    ? [...opts.teams]
    : [1, 2, 3].map((count) => ({ kind: 'count', count }) as const);
  const pending: Pending[] = [];
  for (const scenario of scenariosOf(project)) {
    const applied = applyScenario(project, scenario);
    let teams = defaultTeams;
    if (applied.team !== undefined) teams = [applied.team];
    const p = applied.project;
    const plans = buildTeamPlans(p, teams, {
      seed: opts.seed,
      range: false,
      now: opts.now,
      ...(opts.maxSchedules === undefined ? {} : { maxSchedules: opts.maxSchedules }),
      ...(opts.timeLimitMs === undefined ? {} : { timeLimitMs: opts.timeLimitMs }),
    });
    if (!plans.ok) return err(`scenario ${scenario.name}: ${plans.error}`);
    const risk = projectRisk(
      p,
      teams,
      {
        samples: opts.samples,
        seed: opts.seed,
        now: opts.now,
        deadline: opts.deadline,
        ...(opts.progress === undefined
          ? {}
          : {
              progress: (team: string, done: number, total: number) =>
                opts.progress!(`scenario ${scenario.name}, ${team}`, done, total),
            }),
      },
      plans.value,
    );
    if (!risk.ok) return err(`scenario ${scenario.name}: ${risk.error}`);
    const cal = risk.value.calendar;
    risk.value.teams.forEach((t, k) => {
      const plan = plans.value[k]!;
      const endDay = (h: number): number => pointAt(cal, h, 'end').day + 1;
      pending.push({
        scenario: scenario.name,
        description: scenario.description,
        cost: scenario.cost,
        teamOnly:
          scenario.team !== undefined &&
          scenario.gpu === undefined &&
          scenario.hoursPerDay === undefined &&
          scenario.roles === undefined &&
          scenario.tasks.length === 0 &&
          Object.keys(scenario.estimates).length === 0 &&
          Object.keys(scenario.deps).length === 0 &&
          Object.keys(scenario.moves).length === 0,
        team: teamLabel(teams[k]!),
        engineers: t.engineers,
        hoursPerDay: p.hoursPerDay,
        planHours: t.plan.hours,
        planEnd: t.plan.at,
        p50Hours: t.p50.hours,
        p50End: t.p50.at,
        p80Hours: t.p80.hours,
        p80End: t.p80.at,
        p50Week: weekOf(cal, t.p50.at.slice(0, 10)),
        p80Week: weekOf(cal, t.p80.at.slice(0, 10)),
        p50Days: endDay(t.p50.hours),
        p80Days: endDay(t.p80.hours),
        hoursByEngineer: plan.engineers.map((m) => plan.hoursByEngineer[m.id] ?? 0),
        effort: plan.effort,
        deadlineProbability: t.mc.result.deadline?.probability,
        drivers: t.mc.result.drivers.slice(0, 3).map((d) => d.id),
        risk: t,
        plan,
      });
    });
  }
  const base = (team: string): Pending | undefined =>
    pending.find((r) => r.scenario === BASELINE && r.team === team);
  const solo = base('1');
  // Saved time in working days of the P50 finish (each row's axis hours over its day length).
  const saved = (r: Pending, b: Pending | undefined): number | undefined =>
    b === undefined || b === r
      ? undefined
      : b.p50Hours / b.hoursPerDay - r.p50Hours / r.hoursPerDay;
  const rows: CompareRow[] = pending.map((r) => ({
    ...r,
    savedVsSameTeam: r.scenario === BASELINE ? undefined : saved(r, base(r.team)),
    savedVsSolo: saved(r, solo),
    savedOdds: r.scenario === BASELINE ? undefined : earlierShare(r, base(r.team)),
  }));
  return ok({
    project: project.name,
    samples: opts.samples,
    seed: opts.seed,
    deadline: opts.deadline ?? project.deadline,
    rows,
  });
}

/** Share of paired samples in which `r` ends before `b` (in working days of each row's calendar). */
export function earlierShare(
  r: Pick<CompareRow, 'risk' | 'hoursPerDay'>,
  b: Pick<CompareRow, 'risk' | 'hoursPerDay'> | undefined,
): number | undefined {
  if (b === undefined || b === r) return undefined;
  const x = r.risk.mc.result.makespans;
  const y = b.risk.mc.result.makespans;
  const n = Math.min(x.length, y.length);
  if (n === 0) return undefined;
  let earlier = 0;
  for (let s = 0; s < n; s++) if (x[s]! / r.hoursPerDay < y[s]! / b.hoursPerDay - 1e-6) earlier++;
  return earlier / n;
}
