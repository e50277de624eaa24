import type { EstimateMode, Phase, Project, Task } from './project.js';
import { pickHours } from './project.js';

/**
 * The activity view of a project: every phase becomes an activity; the phases of a task form a
 * chain; a task's first phase waits for the last phase of each task it depends on, and any phase
 * may wait for more tasks through its own `deps`.
 */
export interface Activity {
  /** Index in `ActivityGraph.activities`, also the node number in the adjacency arrays. */
  readonly index: number;
  readonly id: string;
  readonly task: Task;
  readonly phase: Phase;
  /** Activity ids this one waits for, sorted. */
  readonly predecessors: readonly string[];
}

/** Activities with compressed adjacency arrays (CSR): `succ[succStart[i]..succStart[i+1]]`. */
export interface ActivityGraph {
  readonly activities: readonly Activity[];
  readonly byId: ReadonlyMap<string, Activity>;
  readonly succStart: Int32Array;
  readonly succ: Int32Array;
  readonly predStart: Int32Array;
  readonly pred: Int32Array;
}

/** The activity ids of a task's last phase: what its dependents wait for. */
export function lastActivityId(task: Task): string {
  const last = task.phases[task.phases.length - 1];
  if (last === undefined) throw new Error(`Internal error: task ${task.id} has no phases`);
  return last.activityId;
}

/**
 * Builds the activity graph. Activities are numbered in file order (tasks, then their phases);
 * the project must have passed validation (known deps, no cycles).
 */
export function buildActivityGraph(project: Pick<Project, 'tasks'>): ActivityGraph {
  const taskById = new Map(project.tasks.map((t) => [t.id, t]));
  const activities: Activity[] = [];
  for (const task of project.tasks) {
    task.phases.forEach((phase, k) => {
      const waitsFor = k === 0 ? [...task.deps, ...phase.deps] : phase.deps;
      const preds = waitsFor.map((d) => {
        const dep = taskById.get(d);
        if (dep === undefined) throw new Error(`Internal error: unknown dependency ${d}`);
        return lastActivityId(dep);
      });
      if (k > 0) preds.push(task.phases[k - 1]?.activityId ?? '');
      activities.push({
        index: activities.length,
        id: phase.activityId,
        task,
        phase,
        predecessors: [...new Set(preds)].sort(compareIds),
      });
    });
  }
  const byId = new Map(activities.map((a) => [a.id, a]));
  const edges: [number, number][] = [];
  for (const a of activities) {
    for (const p of a.predecessors) {
      const from = byId.get(p);
      if (from === undefined) throw new Error(`Internal error: unknown activity ${p}`);
      edges.push([from.index, a.index]);
    }
  }
  const { start: succStart, list: succ } = toCsr(activities.length, edges, 0);
  const { start: predStart, list: pred } = toCsr(activities.length, edges, 1);
  return { activities, byId, succStart, succ, predStart, pred };
}

/** Compressed sparse rows of `edges`, keyed by element `key` (0: by source, 1: by target). */
export function toCsr(
  n: number,
  edges: readonly (readonly [number, number])[],
  key: 0 | 1,
): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(n + 1);
  for (const e of edges) start[e[key] + 1]! += 1;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const list = new Int32Array(edges.length);
  const other = key === 0 ? 1 : 0;
  for (const e of edges) list[fill[e[key]]!++] = e[other];
  return { start, list };
}

/** Durations in hours of each activity, under the chosen estimate. */
export function activityDurations(graph: ActivityGraph, mode: EstimateMode): Float64Array {
  const d = new Float64Array(graph.activities.length);
  for (const a of graph.activities) d[a.index] = pickHours(a.phase.estimate, mode);
  return d;
}

/**
 * Orders ids the way people read them: numeric runs compare as numbers, so 1a.2 < 1a.10.
 * Every tie-break in critpath uses this order, which keeps output deterministic.
 */
export function compareIds(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  const n = Math.min(ra.length, rb.length);
  for (let i = 0; i < n; i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const diff = Number(x) - Number(y);
      if (diff !== 0) return diff;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  if (ra.length !== rb.length) return ra.length - rb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
