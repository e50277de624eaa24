import type { EstimateMode, Hardware } from '../../model/project.js';
import type { CapacityStep } from '../engine/problem.js';

/**
 * A team plan: the resource-constrained schedule of a project for a team, on the working-time
 * axis (hours from the project start). `src/calendar` adds dates to it; reporters render it.
 * Field names with a comment "contract" are the JSON plan contract and keep their meaning.
 */

/** One engineer of the planned team. */
export interface TeamMember {
  /** `E1…EN`, or the declared person's id. */
  readonly id: string;
  readonly name: string;
  readonly role: string | undefined;
  readonly skills: readonly string[];
  /** True when the person is declared in the project's `team`. */
  readonly declared: boolean;
}

/** A capacity profile of one resource (contract). */
export interface PlanResource {
  readonly id: string;
  readonly profile: readonly CapacityStep[];
}

/** One scheduled activity: a task, or one phase of a phased task. */
/** What the plan contract says of every activity, in a team plan as in a PSPLIB plan. */
export interface ContractActivity {
  /** Activity id: `task` or `task/phase` (contract). */
  readonly id: string;
  /** The task id (contract). */
  readonly task: string;
  /** Working hours, or the problem's periods (contract). */
  readonly duration: number;
  /** Activity ids this one waits for, including the phase chain (contract). */
  readonly predecessors: readonly string[];
  /** Units held while it runs, `gpus: all` resolved, zero demands left out (contract). */
  readonly demand: Readonly<Record<string, number>>;
  /** Axis hours, or periods (contract). */
  readonly start: number;
  readonly end: number;
}

export interface PlannedActivity extends ContractActivity {
  readonly phase: string | null;
  readonly title: string;
  readonly taskTitle: string;
  /** The engineer doing it (contract). */
  readonly assignee: string;
  readonly hardware: Hardware;
  /** On the schedule's critical chain. */
  readonly critical: boolean;
}

/** A dependency edge whose two activities have different assignees. */
export interface Handoff {
  readonly from: string;
  readonly to: string;
  readonly fromAssignee: string;
  readonly toAssignee: string;
  /** When `from` ends (axis hours). */
  readonly at: number;
}

/** Why an activity on the critical chain starts when it does. */
export type ChainReason =
  /** It starts at time 0. */
  | 'project-start'
  /** A predecessor ends exactly then. */
  | 'precedence'
  /** Its engineer finishes another activity then. */
  | 'engineer'
  /** Another activity releases a resource it needs (gpu, host). */
  | 'resource'
  /** Capacity it needs arrives then (GPU hardware). */
  | 'arrival'
  /** Nothing binds it: the schedule leaves slack before it. */
  | 'slack';

export interface ChainLink {
  readonly id: string;
  /** Why it starts when it does; for `resource`, which resource. */
  readonly reason: ChainReason;
  readonly resource?: string;
}

/** Lower bounds on the makespan of any feasible schedule (hours). */
export interface PlanBounds {
  readonly criticalPath: number;
  readonly resource: number;
  readonly arrival: number;
  /** Energetic reasoning over the windows the others give (0: not computed). */
  readonly energetic: number;
  /** The exact method's bound, present only when it raised the others. */
  readonly exact?: number;
}

/** An activity's calendar dates (`YYYY-MM-DDTHH:MM`), when its plan is dated. */
export interface ActivityDates {
  readonly startDate: string;
  readonly endDate: string;
}

/** The team plan on the working-time axis (its activities dated or not: `A`). */
export interface TeamPlan<A extends PlannedActivity = PlannedActivity> {
  readonly project: string;
  /** Contract: always `hour`. */
  readonly unit: 'hour';
  readonly estimate: EstimateMode;
  /** Contract: the number of engineers. */
  readonly team: number;
  readonly engineers: readonly TeamMember[];
  /** `declared` when assignees are the project's declared people, `generic` for E1…EN. */
  readonly assignees: 'declared' | 'generic' | 'mixed';
  /** Contract: the largest `end`. */
  readonly makespan: number;
  readonly resources: readonly PlanResource[];
  readonly activities: readonly A[];
  /** Contract: the critical chain of the schedule, as activity ids. */
  readonly criticalPath: readonly string[];
  readonly criticalChain: readonly ChainLink[];
  readonly handoffs: readonly Handoff[];
  /** Contract: the best lower bound on the makespan. */
  readonly lowerBound: number;
  readonly bounds: PlanBounds;
  /** True when the makespan equals the lower bound or the search proved it optimal. */
  readonly optimal: boolean;
  /** Which search produced the schedule. */
  readonly method: string;
  readonly seed: number;
  /** Sum of all durations: the solo effort in hours. */
  readonly effort: number;
  /** Engineer-hours held per engineer id. */
  readonly hoursByEngineer: Readonly<Record<string, number>>;
}

/** Rounds axis values for output, so floating-point noise never shows up in plans. */
export function roundHours(h: number): number {
  // Nine decimals: far below checkPlan's 1e-6 tolerance, far above floating-point noise.
  return Math.round(h * 1e9) / 1e9;
}
