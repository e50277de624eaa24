import type { ActivityGraph } from '../model/activities.js';
import { expectedHours } from '../model/project.js';
import type { GpuAllocator } from '../gpu/allocator.js';
import type { Scheduler } from './scheduler.js';
import { roundHours } from '../planner/project/team-plan.js';

/** One start in a simulated run. */
export interface DryStart {
  /** Planned hours from the simulated run's start. */
  readonly atHours: number;
  readonly id: string;
  readonly gpus: readonly number[];
}

/**
 * Simulates the run with planned durations and no processes: the same dispatch rules, so it
 * shows what would start, in which order, and with which GPUs. Mutates the scheduler and allocator.
 */
export function simulate(
  graph: ActivityGraph,
  sched: Scheduler,
  alloc: GpuAllocator,
  jobs: number,
): DryStart[] {
  const out: DryStart[] = [];
  const running: { index: number; end: number }[] = [];
  let now = 0;
  for (;;) {
    for (const s of sched.pick(jobs - running.length, alloc)) {
      const a = graph.activities[s.index]!;
      out.push({ atHours: now, id: a.id, gpus: s.gpus });
      // Rounded as plans are, so that 0.1 + 0.2 h reads 0.3 h, and equal ends tie.
      running.push({ index: s.index, end: roundHours(now + expectedHours(a.phase.estimate)) });
    }
    if (running.length === 0) return out;
    running.sort((x, y) => x.end - y.end || x.index - y.index);
    const next = running.shift()!;
    now = next.end;
    alloc.release(graph.activities[next.index]!.id);
    sched.finished(next.index);
  }
}
