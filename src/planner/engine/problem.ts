import type { Dag } from './graph.js';

/**
 * The generic resource-constrained scheduling problem (RCPSP with time-varying capacities).
 * Epic-style projects and PSPLIB instances both become one of these; the engine knows nothing
 * about engineers, GPUs or dates.
 */

/** Capacity from `from` on; before the first step a resource has capacity 0. */
export interface CapacityStep {
  readonly from: number;
  readonly capacity: number;
}

export interface ResourceDef {
  readonly id: string;
  /** Sorted by `from`; the capacity at t is that of the last step with from ≤ t. */
  readonly profile: readonly CapacityStep[];
}

/** Demand sentinel: hold every unit the resource has while the activity runs. */
export const ALL = -1;

export interface Problem extends Dag {
  /** Activity ids; their `compareIds` order breaks every tie. */
  readonly ids: readonly string[];
  /** Durations on the time axis (hours or periods). */
  readonly duration: Float64Array;
  readonly resources: readonly ResourceDef[];
  /**
   * `demand[i * resources.length + r]`: units of r activity i holds while it runs. ALL holds
   * every unit available at its start, and the activity may not span a change of that capacity.
   */
  readonly demand: Float64Array;
  /**
   * Individual workers (engineers). When present, every activity holds one worker, chosen among
   * `eligible[i]` (null: anyone), and no worker does two activities at once.
   */
  readonly workers?: {
    readonly names: readonly string[];
    readonly eligible: readonly (readonly number[] | null)[];
  };
}

/** A feasible schedule for a Problem. */
export interface Schedule {
  readonly start: Float64Array;
  /** Worker index per activity, or -1 where the problem has no workers. */
  readonly worker: Int32Array;
  /** Units held, `held[i * resources.length + r]`, with ALL resolved to a count. */
  readonly held: Float64Array;
  readonly makespan: number;
}

/** What activity i holds in `schedule`, by resource id, the resources it holds none of left out. */
export function heldBy(problem: Problem, schedule: Schedule, i: number): Record<string, number> {
  const R = problem.resources.length;
  const held: Record<string, number> = {};
  problem.resources.forEach((r, k) => {
    const h = schedule.held[i * R + k]!;
    if (h > 0) held[r.id] = h;
  });
  return held;
}
