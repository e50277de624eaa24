import type { TeamSpec } from './team-spec.js';
/**
 * The normalized project: what the loader hands to the planner and the executor once the file
 * has passed every check. All optional fields of the task file have their defaults here.
 */

/** A three-point estimate in hours. For a plain number all three are equal. */
export interface Estimate {
  readonly low: number;
  readonly likely: number;
  readonly high: number;
  /** True when the file gave `likely` explicitly (PERT-beta sampling); false means a plain range. */
  readonly likelyGiven: boolean;
}

/** Which machine the work needs: an engineer's laptop, or the GPU host. */
export type Hardware = 'macbook' | 'gpu';

/** GPUs held while an activity runs; `all` holds every GPU the host has at that time. */
export type GpuDemand = number | 'all';

/** A command: a string is run by /bin/sh, an argv array runs without a shell. */
export type Command = string | readonly string[];

/** One schedulable unit: a whole task, or one phase of a phased task. */
export interface Phase {
  /** The phase name, or null for a task without phases. */
  readonly name: string | null;
  /** `task` for a task without phases, `task/phase` otherwise. */
  readonly activityId: string;
  readonly title: string;
  /** Tasks this phase waits for besides the previous phase (the task's deps, for the first phase). */
  readonly deps: readonly string[];
  readonly estimate: Estimate;
  readonly hardware: Hardware;
  readonly gpus: GpuDemand;
  /** The skill the phase needs: its own, else the task's. */
  readonly skill: string | undefined;
  readonly run: Command | undefined;
  /** Wall-clock limit in seconds, or undefined for none. */
  readonly timeoutSeconds: number | undefined;
  readonly retries: number;
  readonly env: Readonly<Record<string, string>>;
}

export interface Task {
  readonly id: string;
  readonly title: string;
  /** Tasks the first phase waits for. */
  readonly deps: readonly string[];
  /** At least one; a task without `phases` in the file has exactly one with `name: null`. */
  readonly phases: readonly Phase[];
  readonly risk: 'low' | 'medium' | 'high';
  readonly skill: string | undefined;
  readonly tags: readonly string[];
}

/** GPUs on the GPU host from a date on. */
export interface GpuArrival {
  readonly count: number;
  readonly from: string;
}

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly role: string | undefined;
  readonly skills: readonly string[];
}

/** A named what-if: overrides applied to the project before planning. */
export interface Scenario {
  readonly name: string;
  readonly description: string | undefined;
  readonly cost: number;
  /** The team the scenario fixes, as the config parsed it. */
  readonly team: TeamSpec | undefined;
  readonly hoursPerDay: number | undefined;
  readonly gpu: readonly GpuArrival[] | undefined;
  /** Estimate overrides by task id or activity id. */
  readonly estimates: Readonly<Record<string, Estimate>>;
  /** `any`: roles are ignored (anyone may do any work); undefined keeps them. */
  readonly roles: 'any' | undefined;
  /** Tasks the scenario adds. */
  readonly tasks: readonly Task[];
  /** Extra dependencies by task id or activity id. */
  readonly deps: Readonly<Record<string, readonly string[]>>;
  /** Activities moved to other hardware, by task id or activity id. */
  readonly moves: Readonly<Record<string, Hardware>>;
}

export interface Project {
  readonly name: string;
  readonly description: string | undefined;
  /** Calendar start, `YYYY-MM-DD`. */
  readonly start: string;
  readonly hoursPerDay: number;
  readonly holidays: readonly string[];
  readonly deadline: string | undefined;
  /** Sorted by date; GPUs are 0 before the first entry. */
  readonly gpu: readonly GpuArrival[];
  readonly gpuModel: string | undefined;
  /** Declared people; empty when the file names none (engineers are then E1…EN). */
  readonly team: readonly Person[];
  /** Declared line-ups (person ids): `--team N` takes the one with N people. */
  readonly lineups: readonly (readonly string[])[];
  readonly scenarios: readonly Scenario[];
  readonly tasks: readonly Task[];
}

/** PERT's expected duration: (low + 4·likely + high) / 6. */
export function expectedHours(e: Estimate): number {
  return pickPoint(e.low, e.likely, e.high, 'expected');
}

/** Which point of the estimate planning uses. */
export type EstimateMode = 'low' | 'expected' | 'high';

export function pickHours(e: Estimate, mode: EstimateMode): number {
  return pickPoint(e.low, e.likely, e.high, mode);
}

/** pickHours of the estimate with these points. */
export function pickPoint(low: number, likely: number, high: number, mode: EstimateMode): number {
  switch (mode) {
    case 'low':
      return low;
    case 'high':
      return high;
    case 'expected':
      return (low + 4 * likely + high) / 6;
  }
}

/**
 * How far `risk` stretches the high end, as a share of the range: high' = high + w·(high − low).
 * A fixed estimate stays fixed: a point estimate claims no spread to widen.
 */
export const DEFAULT_RISK_WIDENING: Readonly<Record<Task['risk'], number>> = {
  low: 0,
  medium: 0,
  high: 0.5,
};
