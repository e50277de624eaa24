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
 * What the loader's checks learnt of a task list, which the graph would otherwise look up again
 * (on a large project, hash lookups are most of its cost): each id's task index, and each task's
 * own `deps` entries as task indices, as the file wrote them (CSR; -1: not another known task).
 */
export interface TaskIndex {
  readonly byId: ReadonlyMap<string, number>;
  readonly depStart: Int32Array;
  readonly dep: Int32Array;
}

const taskIndexes = new WeakMap<readonly Task[], TaskIndex>();

/**
 * Records `index` for `tasks`, the normalized list of the checked file it was learnt from (task
 * i there is entry i of the file, and task i's deps are its entries once each, in order).
 */
export function rememberTaskIndex(tasks: readonly Task[], index: TaskIndex): void {
  if (index.depStart.length === tasks.length + 1) taskIndexes.set(tasks, index);
}

/**
 * Graphs already built, by task list: a plan builds one problem per team size and estimate from
 * the same project, and the graph (immutable, like the tasks) is the same for each.
 */
const graphs = new WeakMap<readonly Task[], ActivityGraph>();

function activityGraphOf(tasks: readonly Task[]): ActivityGraph {
  // `status` builds this on every call and `plan` at up to 1M activities: plain loops, no
  // per-edge tuples or closures, each predecessor looked up once, the CSR arrays filled from its
  // index, typed arrays sized up front. A task's dependents wait for its last activity: its index
  // and id, by task id.
  const known = taskIndexes.get(tasks);
  const lastOf = known?.byId ?? indexById(tasks);
  const lastIndex = new Int32Array(tasks.length);
  const lastId: (string | undefined)[] = new Array<string | undefined>(tasks.length);
  let count = 0;
  let edgeBound = 0;
  for (let t = 0; t < tasks.length; t++) {
    const task = tasks[t]!;
    const phases = task.phases;
    count += phases.length;
    lastIndex[t] = count - 1;
    lastId[t] = phases.length > 0 ? lastActivityId(task) : undefined;
    edgeBound += task.deps.length + phases.length;
    for (let k = 0; k < phases.length; k++) edgeBound += phases[k]!.deps.length;
  }
  const activities: Activity[] = new Array<Activity>(count);
  const predStart = new Int32Array(count + 1);
  const predList = new Int32Array(edgeBound);
  let edges = 0;
  const ids: string[] = [];
  const idx: number[] = [];
  let n = 0;
  // Appends task t's last activity (what a dependency `d` on it waits for) to ids and idx.
  const add = (t: number | undefined, d: string): void => {
    if (t === undefined || t < 0) throw new Error(`Internal error: unknown dependency ${d}`);
    ids.push(lastId[t] ?? lastActivityId(tasks[t]!));
    idx.push(lastIndex[t]!);
  };
  // Indexed loops throughout: this runs once per command, mostly before the JIT has compiled it,
  // where a for-of over each deps list costs an iterator per list.
  for (let ti = 0; ti < tasks.length; ti++) {
    const task = tasks[ti]!;
    const phases = task.phases;
    for (let k = 0; k < phases.length; k++) {
      const phase = phases[k]!;
      ids.length = 0;
      idx.length = 0;
      // The task's deps (first phase only; as the checks resolved them, when they did), then
      // the phase's own.
      if (k === 0 && known !== undefined) {
        for (let q = known.depStart[ti]!; q < known.depStart[ti + 1]!; q++)
          add(known.dep[q], task.id);
      } else if (k === 0) {
        const deps = task.deps;
        for (let q = 0; q < deps.length; q++) add(lastOf.get(deps[q]!), deps[q]!);
      }
      // (A task without phases shares its deps list with its one phase: no need to read it twice.)
      if (k > 0 || phase.deps !== task.deps) {
        const deps = phase.deps;
        for (let q = 0; q < deps.length; q++) add(lastOf.get(deps[q]!), deps[q]!);
      }
      if (k > 0) {
        ids.push(phases[k - 1]!.activityId);
        idx.push(n - 1);
      }
      const predecessors = sortedUniqueWith(ids, idx);
      activities[n] = { index: n, id: phase.activityId, task, phase, predecessors };
      for (let q = 0; q < predecessors.length; q++) predList[edges++] = idx[q]!;
      predStart[++n] = edges;
    }
  }
  const pred = predList.slice(0, edges);
  const { succStart, succ } = successorsOf(n, predStart, pred);
  let byId: Map<string, Activity> | undefined;
  return {
    activities,
    // Built when first asked for: the critical-path plan never looks activities up by id.
    get byId(): ReadonlyMap<string, Activity> {
      if (byId === undefined) {
        byId = new Map<string, Activity>();
        for (const a of activities) byId.set(a.id, a);
      }
      return byId;
    },
    succStart,
    succ,
    predStart,
    pred,
  };
}

/** Each task's index, by id. */
function indexById(tasks: readonly Task[]): Map<string, number> {
  const byId = new Map<string, number>();
  for (let t = 0; t < tasks.length; t++) byId.set(tasks[t]!.id, t);
  return byId;
}

/**
 * `[...new Set(ids)].sort(compareIds)`, a new array, with `idx` (each id's activity index, in
 * step with `ids`) rearranged in place to match its first entries. Short lists, which most
 * activities have, take a stable insertion sort (as sort is stable) without Set or sort.
 */
function sortedUniqueWith(ids: string[], idx: number[]): string[] {
  if (ids.length > 16) {
    const index = new Map<string, number>();
    ids.forEach((id, q) => index.has(id) || index.set(id, idx[q]!));
    const out = [...index.keys()].sort(compareIds);
    out.forEach((id, q) => (idx[q] = index.get(id)!));
    return out;
  }
  if (ids.length === 2) {
    // Most activities wait for two others or fewer: one comparison decides.
    const a = ids[0]!;
    const b = ids[1]!;
    if (a === b) return [a];
    if (compareIds(a, b) < 0) return [a, b];
    const first = idx[1]!;
    idx[1] = idx[0]!;
    idx[0] = first;
    return [b, a];
  }
  const out: string[] = [];
  for (let q = 0; q < ids.length; q++) {
    const id = ids[q]!;
    const v = idx[q]!;
    if (out.includes(id)) continue;
    let k = out.length;
    out.push(id);
    while (k > 0 && compareIds(out[k - 1]!, id) > 0) {
      out[k] = out[k - 1]!;
      idx[k] = idx[k - 1]!;
      k--;
    }
    out[k] = id;
    idx[k] = v;
  }
  return out;
}

/**
 * The successor lists (CSR) of a graph given by its predecessor lists: edges (p → a) in node
 * order, then predecessor order, which is what toCsr makes of that edge list.
 */
export function successorsOf(
  n: number,
  predStart: Int32Array,
  pred: Int32Array,
): { succStart: Int32Array; succ: Int32Array } {
  const succStart = new Int32Array(n + 1);
  for (let e = 0; e < pred.length; e++) succStart[pred[e]! + 1]! += 1;
  for (let i = 0; i < n; i++) succStart[i + 1]! += succStart[i]!;
  const fill = succStart.slice(0, n);
  const succ = new Int32Array(pred.length);
  for (let v = 0; v < n; v++)
    for (let q = predStart[v]!; q < predStart[v + 1]!; q++) succ[fill[pred[q]!]!++] = v;
  return { succStart, succ };
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
  const activities = graph.activities;
  for (let i = 0; i < activities.length; i++)
    d[activities[i]!.index] = pickHours(activities[i]!.phase.estimate, mode);
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
