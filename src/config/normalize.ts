/**
 * A checked task file's value made into the Project the rest of critpath reads (defaults filled,
 * phases expanded, ids deduplicated). Apart from ./load.ts (yaml, the rules) so that a project
 * cache hit, which needs only this, loads neither.
 */
import type {
  Command,
  Estimate,
  GpuArrival,
  GpuDemand,
  Hardware,
  Person,
  Phase,
  Project,
  Scenario,
  Task,
} from '../model/project.js';
import type { PhaseInput, ProjectInput, ScenarioInput, TaskInput } from '../model/schema.js';
import type { TeamSpec } from '../model/team-spec.js';
import { parseTeamSpec } from '../model/team-spec.js';
import { parseDurationSeconds, parseHours } from './hours.js';

function estimateOf(h: Parameters<typeof parseHours>[0]): Estimate {
  const p = parseHours(h);
  if (!p.ok) throw new Error(`Internal error: unchecked hours: ${p.message}`);
  return p.estimate;
}

export function hardwareOf(hardware: Hardware | undefined, gpus: GpuDemand | undefined): Hardware {
  if (hardware !== undefined) return hardware;
  return gpus === 'all' || (gpus ?? 0) > 0 ? 'gpu' : 'macbook';
}

export function gpusOf(hardware: Hardware, gpus: GpuDemand | undefined): GpuDemand {
  return gpus ?? (hardware === 'gpu' ? 1 : 0);
}

/** `[...new Set(list)]`: the list once each, in order; short lists without a Set. */
function unique(list: readonly string[] | undefined): string[] {
  if (list === undefined) return [];
  if (list.length > 16) return [...new Set(list)];
  const out: string[] = [];
  for (const x of list) if (!out.includes(x)) out.push(x);
  return out;
}

/**
 * Shared by every phase and task without an env or tags (most of a large project's): one frozen
 * value, not an object per phase. The Project is read-only throughout.
 */
const NO_ENV: Readonly<Record<string, string>> = Object.freeze({});
const NO_TAGS: readonly string[] = Object.freeze([]);

/** The environment of a phase: the task's, then the phase's own on top. */
function envOf(t: TaskInput, p: PhaseInput | undefined): Readonly<Record<string, string>> {
  if (p?.env === undefined) return t.env === undefined ? NO_ENV : { ...t.env };
  return t.env === undefined ? { ...p.env } : { ...t.env, ...p.env };
}

function phaseOf(t: TaskInput, p: PhaseInput | undefined, taskDeps: string[]): Phase {
  const src = p ?? t;
  const hardware = hardwareOf(src.hardware, src.gpus);
  const timeout = src.timeout ?? t.timeout;
  const hours = src.hours;
  if (hours === undefined) throw new Error(`Internal error: task ${t.id} has no hours`);
  return {
    name: p?.name ?? null,
    activityId: p === undefined ? t.id : `${t.id}/${p.name}`,
    title: p === undefined ? (t.title ?? t.id) : `${t.title ?? t.id} (${p.title ?? p.name})`,
    deps: p === undefined ? taskDeps : unique(p.deps),
    estimate: estimateOf(hours),
    hardware,
    gpus: gpusOf(hardware, src.gpus),
    skill: p?.skill ?? t.skill,
    run: src.run as Command | undefined,
    timeoutSeconds: timeout === undefined ? undefined : parseDurationSeconds(timeout),
    retries: src.retries ?? t.retries ?? 0,
    env: envOf(t, p),
  };
}

function taskOf(t: TaskInput): Task {
  // A task without phases is one activity with the task's deps: both share the one list.
  const deps = unique(t.deps);
  const phases =
    t.phases === undefined
      ? [phaseOf(t, undefined, deps)]
      : t.phases.map((p) => phaseOf(t, p, deps));
  return {
    id: t.id,
    title: t.title ?? t.id,
    deps,
    phases,
    risk: t.risk ?? 'medium',
    skill: t.skill,
    tags: t.tags ?? NO_TAGS,
  };
}

function gpuOf(list: readonly { count: number; from: string }[] | undefined): GpuArrival[] {
  return [...(list ?? [])].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

/** A scenario's `team:`, which the rules checked (checkScenarioTeam). */
function scenarioTeam(team: number | string | undefined): TeamSpec | undefined {
  if (team === undefined) return undefined;
  const spec = parseTeamSpec(String(team));
  if (!spec.ok) throw new Error(`Internal error: scenario team "${team}" passed the checks`);
  return spec.value;
}

function scenarioOf(name: string, s: ScenarioInput): Scenario {
  const estimates: Record<string, Estimate> = {};
  for (const [id, h] of Object.entries(s.estimates ?? {})) estimates[id] = estimateOf(h);
  return {
    name,
    description: s.description,
    cost: s.cost ?? 0,
    team: scenarioTeam(s.team),
    hoursPerDay: s.hoursPerDay,
    gpu: s.hardware?.gpu === undefined ? undefined : gpuOf(s.hardware.gpu),
    estimates,
    roles: s.roles,
    tasks: (s.tasks ?? []).map(taskOf),
    deps: s.deps ?? {},
    moves: s.moves ?? {},
  };
}

/** Only for files that passed every check. */
export function normalize(p: ProjectInput): Project {
  const team: Person[] = (p.team ?? []).map((m) => ({
    id: m.id,
    name: m.name ?? m.id,
    role: m.role,
    skills: m.skills ?? [],
  }));
  return {
    name: p.project,
    description: p.description,
    start: p.start,
    hoursPerDay: p.hoursPerDay ?? 8,
    holidays: [...(p.holidays ?? [])].sort(),
    deadline: p.deadline,
    gpu: gpuOf(p.hardware?.gpu),
    gpuModel: p.hardware?.gpuModel,
    team,
    lineups: p.teams ?? [],
    scenarios: Object.entries(p.scenarios ?? {}).map(([name, s]) => scenarioOf(name, s)),
    tasks: p.tasks.map(taskOf),
  };
}
