import type { ActivityGraph } from '../../model/activities.js';
import { activityDurations, buildActivityGraph, compareIds } from '../../model/activities.js';
import type { EstimateMode, Hardware, GpuDemand, Project } from '../../model/project.js';
import { cpm, criticalPaths } from '../engine/cpm.js';

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
  readonly activities: readonly CpmActivity[];
  /** The first critical chain, in id order at every branch. */
  readonly criticalPath: readonly string[];
  /** Every critical chain (at most ten). */
  readonly criticalPaths: readonly (readonly string[])[];
  /** Sum of all durations: the solo effort. */
  readonly effort: number;
}

export function criticalPathPlan(project: Project, estimate: EstimateMode = 'expected'): CpmPlan {
  const g: ActivityGraph = buildActivityGraph(project);
  const dur = activityDurations(g, estimate);
  const n = g.activities.length;
  const r = cpm(
    { n, succStart: g.succStart, succ: g.succ, predStart: g.predStart, pred: g.pred },
    dur,
  );
  if (r === null) throw new Error('Internal error: cycle in a validated project');
  const byRank = (a: number, b: number): number =>
    compareIds(g.activities[a]!.id, g.activities[b]!.id);
  const paths = criticalPaths(
    { n, succStart: g.succStart, succ: g.succ, predStart: g.predStart, pred: g.pred },
    r,
    byRank,
  ).map((p) => p.map((i) => g.activities[i]!.id));
  let effort = 0;
  for (const d of dur) effort += d;
  return {
    project: project.name,
    unit: 'hour',
    estimate,
    makespan: r.length,
    activities: g.activities.map((a) => ({
      id: a.id,
      task: a.task.id,
      phase: a.phase.name,
      title: a.phase.title,
      duration: dur[a.index]!,
      predecessors: a.predecessors,
      hardware: a.phase.hardware,
      gpus: a.phase.gpus,
      start: r.es[a.index]!,
      end: r.ef[a.index]!,
      latestStart: r.ls[a.index]!,
      latestFinish: r.lf[a.index]!,
      totalSlack: r.totalSlack[a.index]!,
      freeSlack: r.freeSlack[a.index]!,
      critical: r.critical[a.index] === 1,
    })),
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
