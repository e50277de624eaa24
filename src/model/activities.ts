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
  let g = graphs.get(project.tasks);
  if (g === undefined) {
    g = activityGraphOf(project.tasks);
    graphs.set(project.tasks, g);
  }
  return g;
}

/**
 * Graphs already built, by task list: a plan builds one problem per team size and estimate from
 * the same project, and the graph (immutable, like the tasks) is the same for each.
 */
const graphs = new WeakMap<readonly Task[], ActivityGraph>();

function activityGraphOf(tasks: readonly Task[]): ActivityGraph {
  const project = { tasks };
  // `status` builds this for 10k-activity projects on every call: plain loops, no per-edge
  // tuples, and the CSR arrays filled straight from the predecessor lists.
  const taskById = new Map<string, Task>();
  for (const t of project.tasks) taskById.set(t.id, t);
  const activities: Activity[] = [];
  const byId = new Map<string, Activity>();
  let edgeCount = 0;
  for (const task of project.tasks) {
    const phases = task.phases;
    for (let k = 0; k < phases.length; k++) {
      const phase = phases[k]!;
      const preds: string[] = [];
      const add = (deps: readonly string[]): void => {
        for (const d of deps) {
          const dep = taskById.get(d);
          if (dep === undefined) throw new Error(`Internal error: unknown dependency ${d}`);
          preds.push(lastActivityId(dep));
        }
      };
      if (k === 0) add(task.deps);
      add(phase.deps);
      if (k > 0) preds.push(phases[k - 1]?.activityId ?? '');
      const predecessors = sortedUnique(preds);
      const a: Activity = {
        index: activities.length,
        id: phase.activityId,
        task,
        phase,
        predecessors,
      };
      activities.push(a);
      byId.set(a.id, a);
      edgeCount += predecessors.length;
    }
  }
  // Edges (p → a) in activity order, then predecessor order: what toCsr makes of that edge list.
  const n = activities.length;
  const predStart = new Int32Array(n + 1);
  const pred = new Int32Array(edgeCount);
  const succStart = new Int32Array(n + 1);
  let e = 0;
  for (const a of activities) {
    for (const p of a.predecessors) {
      const from = byId.get(p);
      if (from === undefined) throw new Error(`Internal error: unknown activity ${p}`);
      pred[e++] = from.index;
      succStart[from.index + 1]! += 1;
    }
    predStart[a.index + 1] = e;
  }
  for (let i = 0; i < n; i++) succStart[i + 1]! += succStart[i]!;
  const fill = succStart.slice(0, n);
  const succ = new Int32Array(edgeCount);
  for (let v = 0; v < n; v++)
    for (let q = predStart[v]!; q < predStart[v + 1]!; q++) succ[fill[pred[q]!]!++] = v;
  return { activities, byId, succStart, succ, predStart, pred };
}

/**
 * `[...new Set(ids)].sort(compareIds)`: the same array, built without Set or the sort builtin for
 * the short lists most activities have (a stable insertion sort, as sort is stable).
 */
function sortedUnique(ids: string[]): string[] {
  if (ids.length < 2) return ids;
  if (ids.length > 16) return [...new Set(ids)].sort(compareIds);
  const out: string[] = [];
  for (const id of ids) {
    if (out.includes(id)) continue;
    let k = out.length;
    out.push(id);
    while (k > 0 && compareIds(out[k - 1]!, id) > 0) {
      out[k] = out[k - 1]!;
      k--;
    }
    out[k] = id;
  }
  return out;
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
  // Tokens are maximal runs of ASCII digits or of anything else (what /\d+|\D+/g finds), scanned
  // in place: ids are compared in every sort, so this allocates only for the deciding token.
  if (a === b) return 0;
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const da = isDigit(a.charCodeAt(i));
    const db = isDigit(b.charCodeAt(j));
    let ie = i + 1;
    while (ie < na && isDigit(a.charCodeAt(ie)) === da) ie++;
    let je = j + 1;
    while (je < nb && isDigit(b.charCodeAt(je)) === db) je++;
    if (!sameRun(a, i, ie, b, j, je)) {
      const x = a.slice(i, ie);
      const y = b.slice(j, je);
      if (da && db) {
        const diff = Number(x) - Number(y);
        if (diff !== 0) return diff;
        return x.length - y.length;
      }
      return x < y ? -1 : 1;
    }
    i = ie;
    j = je;
  }
  const ta = runsFrom(a, i);
  const tb = runsFrom(b, j);
  if (ta !== tb) return ta - tb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function sameRun(a: string, i: number, ie: number, b: string, j: number, je: number): boolean {
  if (ie - i !== je - j) return false;
  for (let k = 0; k < ie - i; k++) if (a.charCodeAt(i + k) !== b.charCodeAt(j + k)) return false;
  return true;
}

/** How many digit/non-digit runs `s` has from `i` on. */
function runsFrom(s: string, i: number): number {
  let runs = 0;
  for (let k = i; k < s.length; k++)
    if (k === i || isDigit(s.charCodeAt(k)) !== isDigit(s.charCodeAt(k - 1))) runs++;
  return runs;
}
