import type { ActivityGraph } from '../model/activities.js';
import { activityDurations, compareIds } from '../model/activities.js';
import { cpm } from '../planner/engine/cpm.js';
import type { GpuAllocator } from '../gpu/allocator.js';
import type { BlockReason, GpuArrivalFor } from '../model/block-reason.js';
import { hardwareBlock } from '../model/block-reason.js';

/**
 * The dispatch core of `run`, with no IO: which activities may start now, in which order, with
 * which GPUs. The executor feeds it outcomes; `run --dry-run` drives it with simulated ones.
 */

// Block reasons are the model's (status says them too); re-exported for the executor's callers.
export type { BlockReason } from '../model/block-reason.js';
export { formatBlockReason, hardwareBlock, needsGpu } from '../model/block-reason.js';

/**
 * An activity's state in this run:
 * - `done`: finished, in this run or an earlier one;
 * - `excluded`: not part of this run (filtered by `--only` or `run ID…`) and not done;
 * - `waiting`: some predecessor is not done yet;
 * - `ready`: may start once a slot (and its GPUs) are free;
 * - `running`: started;
 * - `failed`: failed for good;
 * - `blocked`: can never start in this run (see its BlockReason).
 */
export type SchedStatus =
  'done' | 'excluded' | 'waiting' | 'ready' | 'running' | 'failed' | 'blocked';

/** What the executor may start now. */
export interface Start {
  readonly index: number;
  readonly gpus: readonly number[];
}

export interface SchedulerInput {
  readonly graph: ActivityGraph;
  /** Activities finished before this run. */
  readonly done: (index: number) => boolean;
  /** Activities this run should run (done ones are ignored). */
  readonly selected: (index: number) => boolean;
  /**
   * Why a person has an activity (started or blocked by hand, not done), or undefined: the run
   * leaves it, and what waits on it, alone. None when absent.
   */
  readonly held?: (index: number) => BlockReason | undefined;
  /** GPUs the host has (after `--gpus`). */
  readonly hostGpus: number;
  /** When GPU hardware with enough for a demand arrives, while that is still ahead. */
  readonly gpuArrives: GpuArrivalFor | undefined;
}

/**
 * Longest remaining path from each activity's start to the end of the project, in planned hours:
 * the dispatch priority ("longest remaining critical path first").
 */
export function tailHours(graph: ActivityGraph): Float64Array {
  const dur = activityDurations(graph, 'expected');
  const n = graph.activities.length;
  const r = cpm(
    {
      n,
      succStart: graph.succStart,
      succ: graph.succ,
      predStart: graph.predStart,
      pred: graph.pred,
    },
    dur,
  );
  if (r === null) throw new Error('Internal error: cycle in a validated project');
  const tail = new Float64Array(n);
  for (let i = 0; i < n; i++) tail[i] = r.length - r.ls[i]!;
  return tail;
}

/** Each activity's dispatch rank (lower starts first): longest remaining critical path, then id. */
export function dispatchRanks(g: ActivityGraph): Int32Array {
  const n = g.activities.length;
  const tail = tailHours(g);
  const order = [...Array(n).keys()].sort(
    (a, b) => tail[b]! - tail[a]! || compareIds(g.activities[a]!.id, g.activities[b]!.id),
  );
  const rank = new Int32Array(n);
  order.forEach((v, k) => (rank[v] = k));
  return rank;
}

/**
 * Every activity in dispatch order where the graph allows it: a topological order that takes,
 * among the activities whose predecessors all come earlier, the best-ranked first. What a backend
 * that is handed the whole graph at once (Slurm) submits in.
 */
export function dispatchOrder(g: ActivityGraph): number[] {
  const rank = dispatchRanks(g);
  const n = g.activities.length;
  const missing = new Int32Array(n);
  /** A binary min-heap of ready activities by rank. */
  const heap: number[] = [];
  const push = (v: number): void => {
    let i = heap.push(v) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (rank[heap[p]!]! <= rank[v]!) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = v;
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const c = l + 1 < heap.length && rank[heap[l + 1]!]! < rank[heap[l]!]! ? l + 1 : l;
        if (rank[heap[c]!]! >= rank[last]!) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  for (let v = 0; v < n; v++) {
    missing[v] = g.predStart[v + 1]! - g.predStart[v]!;
    if (missing[v] === 0) push(v);
  }
  const out: number[] = [];
  while (heap.length > 0) {
    const v = pop();
    out.push(v);
    for (let k = g.succStart[v]!; k < g.succStart[v + 1]!; k++)
      if (--missing[g.succ[k]!]! === 0) push(g.succ[k]!);
  }
  if (out.length !== n) throw new Error('Internal error: the activity graph has a cycle');
  return out;
}

export class Scheduler {
  readonly #g: ActivityGraph;
  readonly #status: SchedStatus[];
  readonly #block: (BlockReason | undefined)[];
  /** Predecessors not yet done. */
  readonly #missing: Int32Array;
  /** Dispatch rank: lower starts first. */
  readonly #rank: Int32Array;
  /** Ready activities, sorted by rank. */
  readonly #ready: number[] = [];
  /** Logs of failed activities, for block reasons. */
  readonly #logs = new Map<number, string>();

  constructor(input: SchedulerInput) {
    const g = input.graph;
    this.#g = g;
    const n = g.activities.length;
    this.#rank = dispatchRanks(g);
    this.#status = g.activities.map((a) =>
      input.done(a.index) ? 'done' : input.selected(a.index) ? 'waiting' : 'excluded',
    );
    this.#block = new Array<BlockReason | undefined>(n).fill(undefined);
    this.#missing = new Int32Array(n);
    for (let v = 0; v < n; v++) {
      for (let e = g.predStart[v]!; e < g.predStart[v + 1]!; e++)
        if (this.#status[g.pred[e]!] !== 'done') this.#missing[v]!++;
    }
    // Work people have, and hardware gating, first; then everything downstream of a blocked or
    // excluded activity.
    for (let v = 0; v < n; v++) {
      if (this.#status[v] !== 'waiting') continue;
      const why =
        input.held?.(v) ?? hardwareBlock(g.activities[v]!.phase, input.hostGpus, input.gpuArrives);
      if (why !== undefined) this.#setBlocked(v, why);
    }
    for (let v = 0; v < n; v++) {
      if (this.#status[v] === 'excluded') this.#blockDownstream(v, 'excluded');
      else if (this.#status[v] === 'blocked') this.#blockDownstream(v, 'blocked');
    }
    for (let v = 0; v < n; v++)
      if (this.#status[v] === 'waiting' && this.#missing[v] === 0) this.#makeReady(v);
  }

  status(i: number): SchedStatus {
    return this.#status[i]!;
  }

  blockReason(i: number): BlockReason | undefined {
    return this.#block[i];
  }

  /** Ready activities in dispatch order. */
  get ready(): readonly number[] {
    return this.#ready;
  }

  /** Number of activities in each state. */
  counts(): Record<SchedStatus, number> {
    const c: Record<SchedStatus, number> = {
      done: 0,
      excluded: 0,
      waiting: 0,
      ready: 0,
      running: 0,
      failed: 0,
      blocked: 0,
    };
    for (const s of this.#status) c[s]++;
    return c;
  }

  /**
   * Picks what to start now, best rank first, at most `slots`. GPU work gets its GPUs from the
   * allocator; `confirm` may still refuse a grant (another process holds a GPU), in which case
   * the grant is returned to the pool and the activity waits.
   */
  pick(
    slots: number,
    alloc: GpuAllocator,
    confirm: (id: string, gpus: readonly number[]) => boolean = () => true,
    gpuFreeOnly = false,
  ): Start[] {
    const out: Start[] = [];
    for (let k = 0; k < this.#ready.length && out.length < slots; k++) {
      const v = this.#ready[k]!;
      const a = this.#g.activities[v]!;
      const demand = a.phase.gpus;
      if (gpuFreeOnly && (demand === 'all' || demand > 0)) continue;
      let gpus: readonly number[] = [];
      if (demand === 'all' || demand > 0) {
        const grant = alloc.acquire(a.id, demand);
        if (!grant.ok) continue;
        if (!confirm(a.id, grant.gpus)) {
          alloc.release(a.id);
          continue;
        }
        gpus = grant.gpus;
      }
      out.push({ index: v, gpus });
    }
    for (const s of out) this.started(s.index);
    return out;
  }

  /** Dispatch order: lower goes first (longest remaining critical path, then id). */
  rank(v: number): number {
    return this.#rank[v]!;
  }

  /** Marks a ready activity running (pick does this itself). */
  started(v: number): void {
    const k = this.#ready.indexOf(v);
    if (k >= 0) this.#ready.splice(k, 1);
    this.#status[v] = 'running';
  }

  /** A running activity finished: its successors may become ready. Returns those. */
  finished(v: number): number[] {
    this.#status[v] = 'done';
    const g = this.#g;
    const now: number[] = [];
    for (let e = g.succStart[v]!; e < g.succStart[v + 1]!; e++) {
      const w = g.succ[e]!;
      this.#missing[w]!--;
      if (this.#missing[w] === 0 && this.#status[w] === 'waiting') {
        this.#makeReady(w);
        now.push(w);
      }
    }
    return now;
  }

  /** A running activity failed for good: everything downstream is blocked. Returns those. */
  failed(v: number, log: string | undefined): number[] {
    this.#status[v] = 'failed';
    if (log !== undefined) this.#logs.set(v, log);
    return this.#blockDownstream(v, 'failed');
  }

  /**
   * A person has a running activity now (started or blocked by hand since the run began): it
   * and everything downstream wait for them. Returns those newly blocked, the activity first.
   */
  held(v: number, reason: BlockReason): number[] {
    this.#setBlocked(v, reason);
    return [v, ...this.#blockDownstream(v, 'blocked')];
  }

  /** A running activity was interrupted: it goes back to ready (it re-runs on resume). */
  interrupted(v: number): void {
    this.#makeReady(v);
  }

  #makeReady(v: number): void {
    this.#status[v] = 'ready';
    const r = this.#rank[v]!;
    let lo = 0;
    let hi = this.#ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#rank[this.#ready[mid]!]! < r) lo = mid + 1;
      else hi = mid;
    }
    this.#ready.splice(lo, 0, v);
  }

  #setBlocked(v: number, reason: BlockReason): void {
    if (this.#status[v] === 'ready') {
      const k = this.#ready.indexOf(v);
      if (k >= 0) this.#ready.splice(k, 1);
    }
    this.#status[v] = 'blocked';
    this.#block[v] = reason;
  }

  /** Blocks every not-yet-started activity downstream of `root`; returns the newly blocked. */
  #blockDownstream(root: number, why: 'failed' | 'blocked' | 'excluded'): number[] {
    const g = this.#g;
    const rootId = g.activities[root]!.id;
    const reason: BlockReason =
      why === 'blocked' && this.#block[root]?.kind === 'dependency'
        ? this.#block[root]
        : {
            kind: 'dependency',
            on: rootId,
            status: why,
            log: this.#logs.get(root),
            cause: why === 'blocked' ? this.#block[root] : undefined,
          };
    const out: number[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const v = stack.pop()!;
      for (let e = g.succStart[v]!; e < g.succStart[v + 1]!; e++) {
        const w = g.succ[e]!;
        const s = this.#status[w];
        if (s !== 'waiting' && s !== 'ready') continue;
        this.#setBlocked(w, reason);
        out.push(w);
        stack.push(w);
      }
    }
    return out;
  }
}
