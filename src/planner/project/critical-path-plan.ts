import type { ActivityGraph } from '../../model/activities.js';
import { activityDurations, buildActivityGraph, compareIds } from '../../model/activities.js';
import type { EstimateMode, Hardware, GpuDemand, Project } from '../../model/project.js';
import { pickPoint } from '../../model/project.js';
import type { TaskTable } from '../../model/task-table.js';
import { cpm, criticalPaths } from '../engine/cpm.js';
import type { Dag } from '../engine/graph.js';
import { MappedList } from '../../util/mapped-list.js';

/** One activity's row of the critical-path table (hours on the working-time axis). */
export interface CpmActivity {
  readonly id: string;
  readonly task: string;
  readonly phase: string | null;
  readonly title: string;
  readonly duration: number;
  readonly predecessors: readonly string[];
  readonly hardware: Hardware;
  readonly gpus: GpuDemand;
  /** Earliest start and finish: `start`/`end` in the plan contract. */
  readonly start: number;
  readonly end: number;
  readonly latestStart: number;
  readonly latestFinish: number;
  readonly totalSlack: number;
  readonly freeSlack: number;
  readonly critical: boolean;
}

/** The critical-path analysis of a project, ignoring resources and hardware arrival. */
export interface CpmPlan {
  readonly project: string;
  readonly unit: 'hour';
  readonly estimate: EstimateMode;
  /** Length of the longest path: no schedule can be shorter. */
  readonly makespan: number;
  /** Every activity, in file order. */
  readonly activities: CpmRows;
  /** The first critical chain, in id order at every branch. */
  readonly criticalPath: readonly string[];
  /** Every critical chain (at most ten). */
  readonly criticalPaths: readonly (readonly string[])[];
  /** Sum of all durations: the solo effort. */
  readonly effort: number;
}

/**
 * A plan's activity rows, made as they are read (a row of a huge plan decodes ids and titles):
 * a summary table reads a few hundred of a million. `critical(k)` tells whether row k is
 * critical without making it. JSON holds the rows only.
 */
export class CpmRows extends MappedList<number, CpmActivity> {
  readonly #critical: Uint8Array;

  constructor(items: ArrayLike<number>, map: (i: number) => CpmActivity, critical: Uint8Array) {
    super(items, map);
    this.#critical = critical;
  }

  critical(k: number): boolean {
    return this.#critical[this.items[k]!] === 1;
  }
}

/**
 * What a critical-path plan reads of a project: its activities as a DAG, their durations, and
 * what each activity's row says besides its times. The project's activity graph gives one
 * (criticalPathPlan); a huge file of plain tasks read into columns gives another, without an
 * object per task.
 */
export interface CpmSource {
  readonly project: string;
  readonly dag: Dag;
  readonly duration: Float64Array;
  /** A topological order of `dag`, when one is known. */
  readonly order?: Int32Array;
  /** What activity `i`'s row says besides its times (each read only when the row's field is). */
  id(i: number): string;
  task(i: number): string;
  phase(i: number): string | null;
  title(i: number): string;
  hardware(i: number): Hardware;
  gpus(i: number): GpuDemand;
  /** Activity ids activity `i` waits for, sorted. */
  predecessors(i: number): readonly string[];
}

export function criticalPathPlan(project: Project, estimate: EstimateMode = 'expected'): CpmPlan {
  const g: ActivityGraph = buildActivityGraph(project);
  const acts = g.activities;
  const { succStart, succ, predStart, pred } = g;
  return criticalPathPlanOf(
    {
      project: project.name,
      dag: { n: acts.length, succStart, succ, predStart, pred },
      duration: activityDurations(g, estimate),
      id: (i) => acts[i]!.id,
      task: (i) => acts[i]!.task.id,
      phase: (i) => acts[i]!.phase.name,
      title: (i) => acts[i]!.phase.title,
      hardware: (i) => acts[i]!.phase.hardware,
      gpus: (i) => acts[i]!.phase.gpus,
      predecessors: (i) => acts[i]!.predecessors,
    },
    estimate,
  );
}

/** The critical-path plan of a project read into columns (config/task-table.ts). */
export function criticalPathPlanOfTable(t: TaskTable, estimate: EstimateMode): CpmPlan {
  const n = t.size;
  const duration = new Float64Array(n);
  const { low, likely, high } = t;
  for (let i = 0; i < n; i++) duration[i] = pickPoint(low[i]!, likely[i]!, high[i]!, estimate);
  const dag = { n, succStart: t.succStart, succ: t.succ, predStart: t.predStart, pred: t.pred };
  return criticalPathPlanOf(
    {
      project: t.project,
      dag,
      duration,
      order: t.order,
      id: (i) => t.id(i),
      task: (i) => t.id(i),
      phase: () => null,
      title: (i) => t.title(i),
      hardware: (i) => t.hardware(i),
      gpus: (i) => t.gpus(i),
      predecessors: (i) => {
        const ids: string[] = [];
        for (let e = t.predStart[i]!; e < t.predStart[i + 1]!; e++) ids.push(t.id(t.pred[e]!));
        return ids.sort(compareIds);
      },
    },
    estimate,
  );
}

/** The critical-path plan of `src`. */
export function criticalPathPlanOf(src: CpmSource, estimate: EstimateMode): CpmPlan {
  const { dag, duration: dur } = src;
  const r = cpm(dag, dur, undefined, src.order);
  if (r === null) throw new Error('Internal error: cycle in a validated project');
  const byRank = (a: number, b: number): number => compareIds(src.id(a), src.id(b));
  const paths = criticalPaths(dag, r, byRank).map((p) => p.map((i) => src.id(i)));
  let effort = 0;
  for (const d of dur) effort += d;
  const row = (i: number): CpmActivity => ({
    id: src.id(i),
    task: src.task(i),
    phase: src.phase(i),
    title: src.title(i),
    duration: dur[i]!,
    predecessors: src.predecessors(i),
    hardware: src.hardware(i),
    gpus: src.gpus(i),
    start: r.es[i]!,
    end: r.ef[i]!,
    latestStart: r.ls[i]!,
    latestFinish: r.lf[i]!,
    totalSlack: r.totalSlack[i]!,
    freeSlack: r.freeSlack[i]!,
    critical: r.critical[i] === 1,
  });
  const order = new Int32Array(dag.n);
  for (let i = 0; i < dag.n; i++) order[i] = i;
  return {
    project: src.project,
    unit: 'hour',
    estimate,
    makespan: r.length,
    activities: new CpmRows(order, row, r.critical),
    criticalPath: paths[0] ?? [],
    criticalPaths: paths,
    effort,
  };
}

/**
 * Zero-slack activities read as a path: steps in time order, each step a set of parallel
 * branches, each branch a chain. Activities whose times overlap share a step; inside a step an
 * activity continues the branch whose last activity is a direct predecessor ending when it
 * starts. `critical` lists activity indices; `preds(v)`: v's direct predecessors.
 * O(k log k + edges) for k critical activities.
 */
export function criticalSteps(
  critical: readonly number[],
  es: ArrayLike<number>,
  ef: ArrayLike<number>,
  preds: (v: number) => Iterable<number>,
): number[][][] {
  const eps = 1e-6;
  const order = [...critical].sort((a, b) => es[a]! - es[b]! || a - b);
  const steps: number[][][] = [];
  // The open branch each activity ends, within the current step.
  let tails = new Map<number, number[]>();
  let stepEnd = -Infinity;
  for (const v of order) {
    let step = steps[steps.length - 1];
    if (step === undefined || es[v]! >= stepEnd - eps) {
      step = [];
      steps.push(step);
      tails = new Map();
    }
    stepEnd = Math.max(stepEnd, ef[v]!);
    let branch: number[] | undefined;
    for (const u of preds(v)) {
      const b = tails.get(u);
      if (b !== undefined && Math.abs(ef[u]! - es[v]!) < eps) {
        branch = b;
        tails.delete(u);
        break;
      }
    }
    if (branch === undefined) {
      branch = [];
      step.push(branch);
    }
    branch.push(v);
    tails.set(v, branch);
  }
  return steps;
}
