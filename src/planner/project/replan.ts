import type { Hardware } from '../../model/project.js';
import { expectedHours } from '../../model/project.js';
import { arrivalRelease } from '../engine/bounds.js';
import { compile } from '../engine/compile.js';
import { sortByKey } from '../engine/fbi.js';
import { latestFinish } from '../engine/resolve.js';
import { priorityList } from '../engine/priority.js';
import type { Problem, ResourceDef, Schedule } from '../engine/problem.js';
import type { ProjectProblem } from './project-problem.js';
import { Sgs } from '../engine/sgs.js';

/**
 * Re-planning from the run journal. Done activities keep their actual hours and times; running
 * ones have run for their elapsed hours and need the rest of their estimate (at least a tenth
 * of it, when they already overran); everything else is scheduled again from `now`, with the
 * same engineers, GPUs and arrivals. Optionally the remaining estimates are scaled by the
 * observed actual-to-estimate ratio of finished work, per hardware tag.
 *
 * Everything is on the working-time axis (hours from the project start); the caller maps
 * journal timestamps onto it.
 */

export interface ActivityProgress {
  readonly status: 'done' | 'running';
  /** Axis hour it started, when known. */
  readonly start?: number;
  /** Done: axis hour it ended, when known. */
  readonly end?: number;
  /** Done: hours it took. */
  readonly actualHours?: number;
  /** Running: hours so far. */
  readonly elapsedHours?: number;
}

export interface Calibration {
  /** Actual / estimated hours over finished activities with this tag, or 1 without any. */
  readonly ratio: number;
  /** Finished activities it is based on. */
  readonly samples: number;
  readonly actualHours: number;
  readonly estimatedHours: number;
}

export interface ReplanOptions {
  readonly pp: ProjectProblem;
  /** The baseline plan (no progress), e.g. the team plan's schedule: its order is tried too. */
  readonly baseline: Schedule;
  /** By activity id. */
  readonly progress: ReadonlyMap<string, ActivityProgress>;
  /** Now, on the axis. */
  readonly now: number;
  /** Scale remaining estimates by the observed ratio per hardware tag. @default false */
  readonly calibrate?: boolean;
}

export type ActivityPhase = 'done' | 'running' | 'planned';

export interface Replan {
  /** The whole project: done at their actual times, running from their start, the rest re-planned. */
  readonly schedule: Schedule;
  /** Durations used per activity (actual, elapsed + remaining, or (calibrated) estimates). */
  readonly duration: Float64Array;
  readonly phase: readonly ActivityPhase[];
  readonly baseline: number;
  readonly forecast: number;
  readonly now: number;
  /** Per hardware tag, from finished work. */
  readonly calibration: Readonly<Record<Hardware, Calibration>>;
  readonly calibrated: boolean;
}

/** A running activity that already overran still needs this share of its estimate. */
export const OVERRUN_REMAINDER = 0.1;

/** Actual-to-estimate ratios of finished activities, per hardware tag. */
export function calibrationOf(
  pp: ProjectProblem,
  progress: ReadonlyMap<string, ActivityProgress>,
): Record<Hardware, Calibration> {
  const acc: Record<Hardware, { a: number; e: number; n: number }> = {
    macbook: { a: 0, e: 0, n: 0 },
    gpu: { a: 0, e: 0, n: 0 },
  };
  for (const act of pp.graph.activities) {
    const p = progress.get(act.id);
    if (p?.status !== 'done' || p.actualHours === undefined) continue;
    const est = expectedHours(act.phase.estimate);
    if (!(est > 0)) continue;
    const k = acc[act.phase.hardware];
    k.a += p.actualHours;
    k.e += est;
    k.n += 1;
  }
  const cal = (k: { a: number; e: number; n: number }): Calibration => ({
    ratio: k.n > 0 && k.e > 0 ? k.a / k.e : 1,
    samples: k.n,
    actualHours: k.a,
    estimatedHours: k.e,
  });
  return { macbook: cal(acc.macbook), gpu: cal(acc.gpu) };
}

export function replan(opts: ReplanOptions): Replan {
  const { pp, progress, baseline } = opts;
  const problem = pp.problem;
  const n = problem.n;
  const now = Math.max(0, opts.now);
  const calibration = calibrationOf(pp, progress);
  const calibrate = opts.calibrate === true;
  const phase: ActivityPhase[] = [];
  const duration = new Float64Array(n);
  /** Hours still to do, from now: all of it for planned work, the rest for running work. */
  const remaining = new Float64Array(n);
  const start = new Float64Array(n);
  const worker = new Int32Array(n).fill(-1);
  const R = problem.resources.length;
  const held = new Float64Array(n * R);

  // Done and running activities: where the journal puts them.
  for (const a of pp.graph.activities) {
    const i = a.index;
    const p = progress.get(a.id);
    const est = problem.duration[i]!;
    const scale = calibrate ? calibration[a.phase.hardware].ratio : 1;
    if (p?.status === 'done') {
      phase.push('done');
      const d = p.actualHours ?? est;
      duration[i] = d;
      const end =
        p.end ?? (p.start === undefined ? Math.min(now, baseline.start[i]! + d) : p.start + d);
      start[i] = Math.max(0, p.start ?? end - d);
      worker[i] = baseline.worker[i] ?? -1;
    } else if (p?.status === 'running') {
      phase.push('running');
      const elapsed = Math.max(0, p.elapsedHours ?? (p.start === undefined ? 0 : now - p.start));
      const planned = est * scale;
      remaining[i] = Math.max(planned - elapsed, OVERRUN_REMAINDER * planned);
      duration[i] = elapsed + remaining[i]!;
      start[i] = now - elapsed;
    } else {
      phase.push('planned');
      duration[i] = est * scale;
      remaining[i] = duration[i]!;
    }
  }

  // The rest (running and planned) is a smaller problem: nothing starts before now.
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (phase[i] !== 'done') keep.push(i);
  if (keep.length > 0) {
    const sub = subProblem(problem, keep, remaining, phase, now, baseline);
    const sched = scheduleRemaining(sub.problem, sub.first, keep, baseline);
    keep.forEach((orig, k) => {
      const s = sched.start[k]!;
      // Running activities started before now; their remainder was scheduled from now.
      if (phase[orig] === 'running') duration[orig] = s + remaining[orig]! - start[orig]!;
      else start[orig] = s;
      worker[orig] = sched.worker[k]!;
      for (let r = 0; r < R; r++) held[orig * R + r] = sched.held[k * (R + 1) + r]!;
    });
  }
  let forecast = 0;
  for (let i = 0; i < n; i++) forecast = Math.max(forecast, start[i]! + duration[i]!);
  return {
    schedule: { start, worker, held, makespan: forecast },
    duration,
    phase,
    baseline: baseline.makespan,
    forecast,
    now,
    calibration,
    calibrated: calibrate,
  };
}

/**
 * The problem of the activities in `keep` (original indices): precedence among them, every
 * resource plus a `now` gate (capacity 0 before now), running activities pinned to the engineer
 * the baseline gave them and needing only their remainder.
 */
function subProblem(
  problem: Problem,
  keep: readonly number[],
  remaining: Float64Array,
  phase: readonly ActivityPhase[],
  now: number,
  baseline: Schedule,
): { problem: Problem; first: Uint8Array } {
  const m = keep.length;
  const pos = new Map(keep.map((orig, k) => [orig, k]));
  const succ: number[][] = keep.map(() => []);
  const pred: number[][] = keep.map(() => []);
  keep.forEach((orig, k) => {
    for (let e = problem.succStart[orig]!; e < problem.succStart[orig + 1]!; e++) {
      const w = pos.get(problem.succ[e]!);
      if (w !== undefined) {
        succ[k]!.push(w);
        pred[w]!.push(k);
      }
    }
  });
  const csr = (lists: number[][]): { start: Int32Array; list: Int32Array } => {
    const start = new Int32Array(m + 1);
    lists.forEach((l, k) => (start[k + 1] = start[k]! + l.length));
    return { start, list: Int32Array.from(lists.flat()) };
  };
  const s = csr(succ);
  const p = csr(pred);
  const R = problem.resources.length;
  const resources: ResourceDef[] = [
    ...problem.resources,
    { id: 'now', profile: [{ from: now, capacity: m }] },
  ];
  const demand = new Float64Array(m * (R + 1));
  const dur = new Float64Array(m);
  const first = new Uint8Array(m);
  keep.forEach((orig, k) => {
    for (let r = 0; r < R; r++) demand[k * (R + 1) + r] = problem.demand[orig * R + r]!;
    demand[k * (R + 1) + R] = 1;
    first[k] = phase[orig] === 'running' ? 1 : 0;
    dur[k] = remaining[orig]!;
  });
  let workers = problem.workers;
  if (workers !== undefined) {
    const W = workers.names.length;
    const eligible = keep.map((orig) => {
      const w = baseline.worker[orig] ?? -1;
      if (phase[orig] === 'running' && w >= 0 && w < W) return [w];
      return workers!.eligible[orig] ?? null;
    });
    workers = { names: workers.names, eligible };
  }
  return {
    problem: {
      n: m,
      succStart: s.start,
      succ: s.list,
      predStart: p.start,
      pred: p.list,
      ids: keep.map((orig) => problem.ids[orig]!),
      duration: dur,
      resources,
      demand,
      ...(workers === undefined ? {} : { workers }),
    },
    first,
  };
}

/**
 * Serial SGS passes over the remaining problem, running activities first: in LFT order, and in
 * the baseline plan's order; the shorter wins.
 */
function scheduleRemaining(
  problem: Problem,
  first: Uint8Array,
  keep: readonly number[],
  baseline: Schedule,
): Schedule {
  const c = compile(problem);
  const sgs = new Sgs(c);
  const m = c.n;
  const ef = new Float64Array(m);
  const lf = new Float64Array(m);
  latestFinish(c, arrivalRelease(c), ef, lf);
  for (let k = 0; k < m; k++) if (first[k] === 1) lf[k] = -Infinity;
  const lists: Int32Array[] = [priorityList(c, lf)];
  const key = Float64Array.from(keep, (orig, k) =>
    first[k] === 1 ? -Infinity : baseline.start[orig]!,
  );
  const planList = Int32Array.from(c.topo);
  sortByKey(planList, key, c.topoPos);
  lists.push(planList);
  let best: Schedule | undefined;
  for (const list of lists) {
    const start = new Float64Array(m);
    const worker = new Int32Array(m);
    const held = new Float64Array(m * c.R);
    const makespan = sgs.serial(list, start, worker, held);
    if (best === undefined || makespan < best.makespan - 1e-9)
      best = { start, worker, held, makespan };
  }
  return best!;
}
