import type { Estimate, Phase, Project, Scenario, Task } from '../../model/project.js';
import { expectedHours } from '../../model/project.js';
import type { TeamSpec } from '../../model/team-spec.js';

/**
 * Named what-ifs. A scenario overrides hardware arrival, hours per day, the team, or task
 * estimates; applying one gives a new Project (the input is not changed) plus the team the
 * scenario asks for, which the team planner resolves like `--team`.
 */

export interface AppliedScenario {
  readonly name: string;
  readonly description: string | undefined;
  /** Extra money the scenario costs, in dollars (0 for none). */
  readonly cost: number;
  /** The team the scenario fixes (a size or `infra+ml`), or undefined to leave it to the caller. */
  readonly team: TeamSpec | undefined;
  /** `any`: plan without roles. */
  readonly roles: 'any' | undefined;
  readonly project: Project;
}

/** The implicit scenario when a project declares none, or a caller asks for `baseline`. */
export const BASELINE = 'baseline';

/** The scenarios a project offers, with an implicit `baseline` first when it declares none. */
export function scenariosOf(project: Project): readonly Scenario[] {
  if (project.scenarios.some((s) => s.name === BASELINE)) return project.scenarios;
  const baseline: Scenario = {
    name: BASELINE,
    description: 'The project as written',
    cost: 0,
    team: undefined,
    hoursPerDay: undefined,
    gpu: undefined,
    estimates: {},
    roles: undefined,
    tasks: [],
    deps: {},
    moves: {},
  };
  return [baseline, ...project.scenarios];
}

/** Finds a scenario by name, or undefined. */
export function findScenario(project: Project, name: string): Scenario | undefined {
  return scenariosOf(project).find((s) => s.name === name);
}

/**
 * Applies a scenario: its added tasks join the project, then its extra dependencies and moves
 * apply, then its estimates. Estimate overrides by `task/phase` replace that phase's hours; by
 * task id they replace a single-phase task's hours, and for a phased task they are split over the
 * phases in proportion to the phases' expected hours (so the task's totals match the override).
 * Dependencies and moves by task id apply to every phase of the task (deps: to its first phase).
 */
export function applyScenario(project: Project, scenario: Scenario): AppliedScenario {
  const reshaped = [...project.tasks, ...scenario.tasks].map((t) =>
    overrideTask(reshapeTask(t, scenario), scenario.estimates),
  );
  const tasks = scenario.roles === 'any' ? withoutRoles(reshaped) : reshaped;
  return {
    name: scenario.name,
    description: scenario.description,
    cost: scenario.cost,
    team: scenario.team,
    roles: scenario.roles,
    project: {
      ...project,
      hoursPerDay: scenario.hoursPerDay ?? project.hoursPerDay,
      gpu: scenario.gpu ?? project.gpu,
      tasks,
    },
  };
}

/** The tasks with no skill asked anywhere: anyone may do any work (`--roles any`). */
export function withoutRoles(tasks: readonly Task[]): Task[] {
  return tasks.map((t) => ({
    ...t,
    skill: undefined,
    phases: t.phases.map((p) => ({ ...p, skill: undefined })),
  }));
}

/** A task with the scenario's extra dependencies and hardware moves. */
function reshapeTask(task: Task, scenario: Scenario): Task {
  const taskDeps = scenario.deps[task.id] ?? [];
  let changed = taskDeps.length > 0;
  const phases = task.phases.map((p) => {
    const own = p.name === null ? [] : (scenario.deps[p.activityId] ?? []);
    const move =
      (p.name === null ? undefined : scenario.moves[p.activityId]) ?? scenario.moves[task.id];
    if (own.length === 0 && (move === undefined || move === p.hardware)) return p;
    changed = true;
    return {
      ...p,
      deps: [...new Set([...p.deps, ...own])],
      // On the GPU host the work holds the host and no GPU; on a MacBook, nothing.
      ...(move === undefined || move === p.hardware ? {} : { hardware: move, gpus: 0 }),
    };
  });
  if (!changed) return task;
  return { ...task, deps: [...new Set([...task.deps, ...taskDeps])], phases };
}

function overrideTask(task: Task, estimates: Readonly<Record<string, Estimate>>): Task {
  const whole = estimates[task.id];
  let phases: readonly Phase[] = task.phases;
  if (whole !== undefined) phases = splitEstimate(phases, whole);
  phases = phases.map((p) => {
    const own = p.name === null ? undefined : estimates[p.activityId];
    return own === undefined ? p : { ...p, estimate: own };
  });
  return phases === task.phases ? task : { ...task, phases };
}

function splitEstimate(phases: readonly Phase[], e: Estimate): readonly Phase[] {
  if (phases.length === 1) return phases.map((p) => ({ ...p, estimate: e }));
  // One weight per phase (its share of the expected hours) keeps low ≤ likely ≤ high per phase.
  const total = phases.reduce((s, p) => s + expectedHours(p.estimate), 0);
  return phases.map((p) => {
    const w = total > 0 ? expectedHours(p.estimate) / total : 1 / phases.length;
    return {
      ...p,
      estimate: {
        low: e.low * w,
        likely: e.likely * w,
        high: e.high * w,
        likelyGiven: e.likelyGiven,
      },
    };
  });
}
