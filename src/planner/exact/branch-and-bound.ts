import type { BbModel } from './bb-model.js';

/**
 * Branch and bound over active schedules (the precedence tree of Patterson and Sprecher, with
 * the pruning rules of Sprecher 2000 and the cutset memory of Demeulemeester and Herroelen),
 * on a BbModel: depth first, each node adds one activity (with one of its crews) at the
 * earliest time its predecessors, the partial schedule's resources and the capacity profiles
 * allow. Starts never decrease along a branch, so every active schedule is reached through the
 * list of its activities by start time, and:
 *
 * - left shift: an activity whose earliest time is before the last start would start earlier
 *   in the schedule being built, so this list is not its start-time list: no child;
 * - dead node: an activity that could finish by the last start but was left out never gets
 *   scheduled below (nothing placed later can take the room it has);
 * - ties: activities at the same start are listed in rank order;
 * - bound: the node's lower bound (heads on the partial schedule's profile carried along the
 *   precedence arcs, plus tails; the work left on each lane against its free capacity) must
 *   stay below the incumbent's makespan;
 * - cutset: a node with the same set of activities as a node seen before, started no later,
 *   whose activities all release their resources no later after the last start, adds nothing.
 *
 * The search is deterministic and ends on its node budget, or when the injected `stop` says so
 * (the app's deadline; checked every 1024 nodes).
 */

export interface BbOptions {
  /** Nodes at most (the deterministic work budget). */
  readonly maxNodes: number;
  /** Asked every 1024 nodes; true stops the search (a wall-clock deadline, from the app). */
  readonly stop?: () => boolean;
}

export interface BbOutcome {
  /** True when the tree was searched to the end: no schedule is shorter than `best`. */
  readonly complete: boolean;
  /** Starts (units) and crew lanes (−1: none) of the best schedule found below the horizon. */
  readonly start: Int32Array | undefined;
  readonly crew: Int32Array | undefined;
  /** Its makespan in units (H when none was found). */
  readonly best: number;
  readonly nodes: number;
  /** True when `stop` ended the search. */
  readonly stopped: boolean;
}

/** Cutset memory size at most, in 32-bit words (4 per node, 2 per activity still running). */
const MEMO_MAX_WORDS = 1 << 26;

/** Entries of one set compared at most, newest first (long lists cost more than they cut). */
const MEMO_SCAN = 64;

/** Successors and predecessors as adjacency arrays (the compiled problem's). */
export interface BbGraph {
  readonly succStart: Int32Array;
  readonly succ: Int32Array;
  readonly predStart: Int32Array;
  readonly pred: Int32Array;
  /** A topological order. */
  readonly topo: Int32Array;
  /** Tie-break rank. */
  readonly rank: Int32Array;
}

/** Searches for a schedule shorter than `m.H` units, given `lowerBound` (units). */
export function branchAndBound(
  m: BbModel,
  g: BbGraph,
  lowerBound: number,
  opts: BbOptions,
): BbOutcome {
  const s = new BbSearch(m, g, lowerBound, opts);
  s.run();
  return {
    complete: !s.aborted,
    start: s.bestStart,
    crew: s.bestCrew,
    best: s.ub,
    nodes: s.nodes,
    stopped: s.stopped,
  };
}

/** A child of a node: activity, crew lane, start. */
interface Child {
  readonly j: number;
  readonly lane: number;
  readonly s: number;
}

class BbSearch {
  ub: number;
  nodes = 0;
  aborted = false;
  stopped = false;
  bestStart: Int32Array | undefined;
  bestCrew: Int32Array | undefined;

  private readonly m: BbModel;
  private readonly g: BbGraph;
  private readonly lowerBound: number;
  private readonly opts: BbOptions;
  private readonly n: number;
  private readonly used: Float64Array[];
  private readonly start: Int32Array;
  private readonly crew: Int32Array;
  private readonly predsLeft: Int32Array;
  private readonly bits: Uint16Array;
  private readonly head: Int32Array;
  private scheduled = 0;
  /** Cutset memory: per set of activities, the pool offset of its latest entry. */
  private readonly memo = new Map<string, number>();
  /**
   * Entries: [previous entry's offset (−1: none), t, last, count, then per activity still
   * running after t: index, finish·1024 + crew lane + 1].
   */
  private pool = new Int32Array(1 << 16);
  private poolSize = 0;

  constructor(m: BbModel, g: BbGraph, lowerBound: number, opts: BbOptions) {
    this.m = m;
    this.g = g;
    this.lowerBound = lowerBound;
    this.opts = opts;
    this.n = m.n;
    this.ub = m.H;
    this.used = m.cap.map((row) => new Float64Array(row.length));
    this.start = new Int32Array(this.n).fill(-1);
    this.crew = new Int32Array(this.n).fill(-1);
    this.predsLeft = new Int32Array(this.n);
    for (let j = 0; j < this.n; j++) this.predsLeft[j] = g.predStart[j + 1]! - g.predStart[j]!;
    this.bits = new Uint16Array(Math.ceil(this.n / 16));
    this.head = new Int32Array(this.n);
  }

  run(): void {
    if (this.lowerBound >= this.ub) return;
    this.visit(0, -1);
  }

  /** The node whose last activity is `last`, started at t (−1: the root). */
  private visit(t: number, last: number): void {
    if (this.aborted) return;
    this.nodes++;
    if (this.nodes > this.opts.maxNodes) {
      this.aborted = true;
      return;
    }
    if ((this.nodes & 1023) === 0 && this.opts.stop?.() === true) {
      this.aborted = true;
      this.stopped = true;
      return;
    }
    if (this.scheduled === this.n) {
      this.leaf();
      return;
    }
    const children = this.children(t, last);
    if (children === null || this.bound(t) >= this.ub) return;
    // Remembered only past the bound: a node it cuts adds nothing below a later one either.
    if (this.dominated(t, last)) return;
    for (const ch of children) {
      if (ch.s + this.m.p[ch.j]! + this.m.tail[ch.j]! >= this.ub) continue;
      this.place(ch.j, ch.lane, ch.s);
      this.visit(ch.s, ch.j);
      this.unplace(ch.j, ch.lane);
      if (this.aborted || this.ub <= this.lowerBound) return;
    }
  }

  private leaf(): void {
    let mk = 0;
    for (let j = 0; j < this.n; j++) mk = Math.max(mk, this.start[j]! + this.m.p[j]!);
    if (mk < this.ub) {
      this.ub = mk;
      this.bestStart = Int32Array.from(this.start);
      this.bestCrew = Int32Array.from(this.crew);
    }
  }

  /**
   * The node's children in search order (start, then longest tail, then rank), with the heads
   * of the eligible activities set; null when the node is dead.
   */
  private children(t: number, last: number): Child[] | null {
    const m = this.m;
    const g = this.g;
    const out: Child[] = [];
    for (let j = 0; j < this.n; j++) {
      if (this.start[j]! >= 0 || this.predsLeft[j]! > 0) continue;
      let pes = m.release[j]!;
      for (let e = g.predStart[j]!; e < g.predStart[j + 1]!; e++) {
        const i = g.pred[e]!;
        pes = Math.max(pes, this.start[i]! + m.p[i]!);
      }
      const opts = m.crewOptions[j]!;
      const k0 = opts.length === 0 ? -1 : 0;
      let head = Infinity;
      for (let k = k0; k < opts.length; k++) {
        const lane = k < 0 ? -1 : opts[k]!;
        const s = this.earliest(j, lane, pes);
        if (s === Infinity) continue;
        if (s >= t) {
          if (s === t && last >= 0 && g.rank[j]! < g.rank[last]! && !this.follows(j, last)) {
            // The same schedule lists j before `last`.
          } else out.push({ j, lane, s });
          head = Math.min(head, s);
        } else if (s + m.p[j]! > t) {
          // Placed later, j must start at t or after, where it may still fit.
          head = Math.min(head, this.earliest(j, lane, t));
        }
      }
      if (head === Infinity) return null;
      this.head[j] = head;
    }
    out.sort(
      (a, b) =>
        a.s - b.s ||
        m.tail[b.j]! + m.p[b.j]! - (m.tail[a.j]! + m.p[a.j]!) ||
        g.rank[a.j]! - g.rank[b.j]! ||
        a.lane - b.lane,
    );
    return out;
  }

  /** True when j is a direct successor of i. */
  private follows(j: number, i: number): boolean {
    for (let e = this.g.succStart[i]!; e < this.g.succStart[i + 1]!; e++) {
      if (this.g.succ[e] === j) return true;
    }
    return false;
  }

  /**
   * The node's lower bound in units: heads carried along the arcs plus tails, and the work left
   * on each lane against its free capacity from the earliest head of its users.
   */
  private bound(t: number): number {
    const m = this.m;
    const g = this.g;
    let lb = 0;
    for (let k = 0; k < this.n; k++) {
      const j = g.topo[k]!;
      if (this.start[j]! >= 0) {
        lb = Math.max(lb, this.start[j]! + m.p[j]!);
        continue;
      }
      if (this.predsLeft[j]! > 0) {
        let h = Math.max(m.release[j]!, t);
        for (let e = g.predStart[j]!; e < g.predStart[j + 1]!; e++) {
          const i = g.pred[e]!;
          const f = this.start[i]! >= 0 ? this.start[i]! + m.p[i]! : this.head[i]! + m.p[i]!;
          if (f > h) h = f;
        }
        this.head[j] = h;
      }
      lb = Math.max(lb, this.head[j]! + m.p[j]! + m.tail[j]!);
    }
    if (lb >= this.ub) return lb;
    for (let l = 0; l < m.lanes; l++) lb = Math.max(lb, this.laneBound(l));
    return lb;
  }

  /** Work left on lane l placed in its free capacity from its users' earliest head, plus the smallest tail. */
  private laneBound(l: number): number {
    const m = this.m;
    let work = 0;
    let from = Infinity;
    let tail = Infinity;
    for (let j = 0; j < this.n; j++) {
      if (this.start[j]! >= 0) continue;
      const d = this.demandOn(j, l);
      if (d <= 0) continue;
      work += d * m.p[j]!;
      from = Math.min(from, this.head[j]!);
      tail = Math.min(tail, m.tail[j]!);
    }
    if (work <= 0) return 0;
    const cap = m.cap[l]!;
    const used = this.used[l]!;
    const tol = 1e-9 * Math.max(1, work);
    for (let x = from; x < this.ub; x++) {
      work -= cap[x]! - used[x]!;
      if (work <= tol) return x + 1 + tail;
    }
    return this.ub;
  }

  /** What j surely holds on lane l (ALL: the lane's smallest positive capacity; crews: 1 if only one). */
  private demandOn(j: number, l: number): number {
    const m = this.m;
    if (l >= m.R) {
      const o = m.crewOptions[j]!;
      return o.length === 1 && o[0] === l ? 1 : 0;
    }
    for (let k = m.useStart[j]!; k < m.useStart[j + 1]!; k++) {
      if (m.useLane[k] === l) return m.useDem[k]! < 0 ? m.minPos[l]! : m.useDem[k]!;
    }
    return 0;
  }

  /** Earliest start ≥ from where j (with crew lane, −1: none) fits; Infinity if none improves. */
  private earliest(j: number, lane: number, from: number): number {
    const m = this.m;
    const p = m.p[j]!;
    const latest = this.ub - 1 - p - m.tail[j]!;
    let s = from;
    while (s <= latest) {
      const next = this.conflict(j, lane, s);
      if (next < 0) return s;
      s = next;
    }
    return Infinity;
  }

  /** −1 when j fits at s, else the next start worth trying. */
  private conflict(j: number, lane: number, s: number): number {
    const m = this.m;
    const p = m.p[j]!;
    if (p === 0) return -1;
    const end = s + p;
    for (let k = m.useStart[j]!; k < m.useStart[j + 1]!; k++) {
      const l = m.useLane[k]!;
      const d = m.useDem[k]!;
      const cap = m.cap[l]!;
      const used = this.used[l]!;
      if (d < 0) {
        const ch = m.change[l]!;
        for (let x = s; x < end; x++) {
          if (x > s && ch[x] === 1) return x;
          if (used[x]! > 1e-9 || !(cap[x]! > 1e-9)) return x + 1;
        }
      } else {
        for (let x = end - 1; x >= s; x--) if (used[x]! + d > cap[x]! + 1e-9) return x + 1;
      }
    }
    if (lane >= 0) {
      const cap = m.cap[lane]!;
      const used = this.used[lane]!;
      for (let x = end - 1; x >= s; x--) if (used[x]! + 1 > cap[x]! + 1e-9) return x + 1;
    }
    return -1;
  }

  private place(j: number, lane: number, s: number): void {
    this.load(j, lane, s, 1);
    this.start[j] = s;
    this.crew[j] = lane;
    this.scheduled++;
    this.bits[j >> 4] = this.bits[j >> 4]! | (1 << (j & 15));
    const g = this.g;
    for (let e = g.succStart[j]!; e < g.succStart[j + 1]!; e++) this.predsLeft[g.succ[e]!]!--;
  }

  private unplace(j: number, lane: number): void {
    this.load(j, lane, this.start[j]!, -1);
    this.start[j] = -1;
    this.crew[j] = -1;
    this.scheduled--;
    this.bits[j >> 4] = this.bits[j >> 4]! & ~(1 << (j & 15));
    const g = this.g;
    for (let e = g.succStart[j]!; e < g.succStart[j + 1]!; e++) this.predsLeft[g.succ[e]!]!++;
  }

  /** Adds (sign 1) or removes (−1) j's usage over its run. */
  private load(j: number, lane: number, s: number, sign: number): void {
    const m = this.m;
    const end = s + m.p[j]!;
    if (end === s) return;
    for (let k = m.useStart[j]!; k < m.useStart[j + 1]!; k++) {
      const l = m.useLane[k]!;
      const d = m.useDem[k]!;
      const used = this.used[l]!;
      const cap = m.cap[l]!;
      for (let x = s; x < end; x++) used[x] = used[x]! + sign * (d < 0 ? cap[x]! : d);
    }
    if (lane >= 0) {
      const used = this.used[lane]!;
      for (let x = s; x < end; x++) used[x] = used[x]! + sign;
    }
  }

  /**
   * Cutset rule: true when a node seen before had the same activities, its last start at most
   * t (the same last activity when equal), and each of them running after t only where it
   * runs here too (finishing no later, on the same crew). Otherwise remembers this node.
   */
  private dominated(t: number, last: number): boolean {
    if (last < 0) return false;
    const key = String.fromCharCode(...this.bits);
    const first = this.memo.get(key);
    let old = first ?? -1;
    for (let k = 0; old >= 0 && k < MEMO_SCAN; old = this.pool[old]!, k++) {
      if (this.covers(old, t, last)) return true;
    }
    let count = 0;
    for (let j = 0; j < this.n; j++) {
      if (this.start[j]! >= 0 && this.start[j]! + this.m.p[j]! > t) count++;
    }
    const need = 4 + 2 * count;
    if (this.poolSize + need > this.pool.length) {
      if (this.pool.length >= MEMO_MAX_WORDS) return false;
      const bigger = new Int32Array(Math.min(MEMO_MAX_WORDS, this.pool.length * 2));
      bigger.set(this.pool);
      this.pool = bigger;
      if (this.poolSize + need > this.pool.length) return false;
    }
    const pool = this.pool;
    const e = this.poolSize;
    pool[e] = first ?? -1;
    pool[e + 1] = t;
    pool[e + 2] = last;
    pool[e + 3] = count;
    let k = e + 4;
    for (let j = 0; j < this.n; j++) {
      const f = this.start[j]! + this.m.p[j]!;
      if (this.start[j]! < 0 || f <= t) continue;
      pool[k++] = j;
      pool[k++] = f * 1024 + this.crew[j]! + 1;
    }
    this.poolSize = k;
    this.memo.set(key, e);
    return false;
  }

  private covers(e: number, t: number, last: number): boolean {
    const pool = this.pool;
    const et = pool[e + 1]!;
    if (et > t) return false;
    if (et === t && pool[e + 2] !== last) {
      // At the same start, children of the entry's node included every child of this one?
      const was = pool[e + 2]!;
      if (!(this.m.p[last]! > 0 && this.g.rank[was]! <= this.g.rank[last]!)) return false;
    }
    const end = e + 4 + 2 * pool[e + 3]!;
    for (let k = e + 4; k < end; k += 2) {
      const j = pool[k]!;
      const code = pool[k + 1]!;
      const f = code >> 10;
      if (f <= t) continue;
      if (f > this.start[j]! + this.m.p[j]! || (code & 1023) !== this.crew[j]! + 1) return false;
    }
    return true;
  }
}
