import type { Project } from '../model/project.js';
import type { Result } from '../result.js';
import { err, ok } from '../result.js';
import { teamLabel } from '../model/team-spec.js';
import {
  applyScenario,
  findScenario,
  scenariosOf,
  withoutRoles,
} from '../planner/project/scenarios.js';
import { nearest } from '../util/suggest.js';

/** Which project `plan` plans: a scenario of the file (or none), with roles or without. */
export interface ScenarioChoice {
  /** A scenario's name, or undefined for the file as written. */
  readonly scenario?: string | undefined;
  /** `any`: plan without roles (no task asks for a skill). */
  readonly roles: 'declared' | 'any';
  /** The team asked for (`--team`'s text), or undefined. */
  readonly team?: string | undefined;
}

/**
 * The project to plan: with a scenario, the scenario applied and its team (else the team asked
 * for, else 1); with roles `any`, without skills. An unknown scenario is a one-line error that
 * names the close one or the known ones.
 */
export function chooseScenario(
  project: Project,
  choice: ScenarioChoice,
): Result<{ project: Project; team: string | undefined }, string> {
  let p = project;
  let team = choice.team;
  if (choice.scenario !== undefined) {
    const scenario = findScenario(project, choice.scenario);
    if (scenario === undefined) {
      const names = scenariosOf(project).map((s) => s.name);
      const hint = nearest(choice.scenario, names);
      return err(
        `--scenario: no scenario "${choice.scenario}" in ${project.name}` +
          (hint ? ` (did you mean "${hint}"?)` : ` (known: ${names.join(', ')})`),
      );
    }
    const applied = applyScenario(project, scenario);
    p = { ...applied.project, name: `${project.name} · scenario ${scenario.name}` };
    team = applied.team === undefined ? (team ?? '1') : teamLabel(applied.team);
  }
  if (choice.roles === 'any') p = { ...p, tasks: withoutRoles(p.tasks) };
  return ok({ project: p, team });
}
