import type { Dag } from './graph.js';
import { topoOrder } from './graph.js';

/** Differences below this are rounding noise: slack under EPS counts as zero. */
export const EPS = 1e-9;

/** The critical path method's result, one entry per activity, on the working-time axis. */
export interface CpmResult {
  /** Earliest start and finish. */
  readonly es: Float64Array;
  readonly ef: Float64Array;
  /** Latest start and finish that keep the project length. */
  readonly ls: Float64Array;
  readonly lf: Float64Array;
  /** Total slack: how far an activity can slip without delaying the project. */
  readonly totalSlack: Float64Array;
  /** Free slack: how far it can slip without delaying any successor. */
  readonly freeSlack: Float64Array;
  /** 1 where total slack is zero. */
  readonly critical: Uint8Array;
  /** The longest path length: no resource-free schedule is shorter. */
  readonly length: number;
  readonly order: Int32Array;
}

/**
 * Forward and backward passes over a DAG with activity durations, ignoring resources.
 * `release` optionally gives earliest starts (hardware arrival, say); `known`, a topological
 * order of `g` already found. Returns null on a cycle.
 */
export function cpm(
  g: Dag,
  duration: Float64Array,
  release?: Float64Array,
  known?: Int32Array,
): CpmResult | null {
  const order = known ?? topoOrder(g);
  if (order === null) return null;
  const n = g.n;
  const es = new Float64Array(n);
  const ef = new Float64Array(n);
  let length = 0;
  for (let k = 0; k < n; k++) {
    const v = order[k]!;
    let s = release?.[v] ?? 0;
    for (let e = g.predStart[v]!; e < g.predStart[v + 1]!; e++) {
      const f = ef[g.pred[e]!]!;
      if (f > s) s = f;
    }
    es[v] = s;
    ef[v] = s + duration[v]!;
    if (ef[v]! > length) length = ef[v]!;
  }
  const ls = new Float64Array(n);
  const lf = new Float64Array(n);
  const totalSlack = new Float64Array(n);
  const freeSlack = new Float64Array(n);
  const critical = new Uint8Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const v = order[k]!;
    let f = length;
    let earliestSucc = length;
    for (let e = g.succStart[v]!; e < g.succStart[v + 1]!; e++) {
      const w = g.succ[e]!;
      if (ls[w]! < f) f = ls[w]!;
      if (es[w]! < earliestSucc) earliestSucc = es[w]!;
    }
    lf[v] = f;
    ls[v] = f - duration[v]!;
    const slack = ls[v]! - es[v]!;
    totalSlack[v] = slack < EPS ? 0 : slack;
    const free = earliestSucc - ef[v]!;
    freeSlack[v] = free < EPS ? 0 : free;
    critical[v] = slack < EPS ? 1 : 0;
  }
  return { es, ef, ls, lf, totalSlack, freeSlack, critical, length, order };
}

/**
 * Critical chains: paths from a critical activity that no critical predecessor feeds, to one
 * ending at the project length, through critical activities that touch end to start.
 * `rank` orders activities for tie-breaks (by id); at most `limit` paths are returned.
 */
export function criticalPaths(
  g: Dag,
  r: CpmResult,
  rank: (a: number, b: number) => number,
  limit = 10,
): number[][] {
  const isLink = (from: number, to: number): boolean =>
    r.critical[from] === 1 && r.critical[to] === 1 && Math.abs(r.ef[from]! - r.es[to]!) < EPS;
  const starts: number[] = [];
  for (let v = 0; v < g.n; v++) {
    if (r.critical[v] !== 1) continue;
    let fed = false;
    for (let e = g.predStart[v]!; e < g.predStart[v + 1]! && !fed; e++) fed = isLink(g.pred[e]!, v);
    if (!fed) starts.push(v);
  }
  starts.sort(rank);
  const paths: number[][] = [];
  // Depth-first over critical links with an explicit stack (chains can be 100k long): each frame
  // is an activity and its linked successors, in rank order, still to visit.
  const path: number[] = [];
  const frames: { next: number[]; at: number }[] = [];
  const enter = (v: number): void => {
    path.push(v);
    const next: number[] = [];
    for (let e = g.succStart[v]!; e < g.succStart[v + 1]!; e++) {
      const w = g.succ[e]!;
      if (isLink(v, w)) next.push(w);
    }
    if (next.length === 0 && Math.abs(r.ef[v]! - r.length) < EPS) paths.push([...path]);
    next.sort(rank);
    frames.push({ next, at: 0 });
  };
  for (const s of starts) {
    if (paths.length >= limit) break;
    enter(s);
    while (frames.length > 0) {
      const top = frames[frames.length - 1]!;
      if (paths.length >= limit || top.at >= top.next.length) {
        frames.pop();
        path.pop();
      } else enter(top.next[top.at++]!);
    }
  }
  return paths;
}
