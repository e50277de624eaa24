import type { Compiled } from './compile.js';
import type { CpmResult } from './cpm.js';
import type { Rng } from './rng.js';

/**
 * Priority rules. Each gives a value per activity, smaller first:
 * - LFT: latest finish time; LST: latest start time (CPM with arrival release times);
 * - MTS: most total successors (all descendants; exact up to 4096 activities, else an
 *   upper estimate that sums successors' counts);
 * - GRPW: greatest rank positional weight (own duration plus immediate successors');
 * - LPT: longest processing time;
 * - CPL: longest path to the end (critical-path length, duration included).
 */
export type PriorityRule = 'LFT' | 'LST' | 'MTS' | 'GRPW' | 'LPT' | 'CPL';

export const PRIORITY_RULES: readonly PriorityRule[] = ['LFT', 'LST', 'MTS', 'GRPW', 'CPL', 'LPT'];

export function priorityValues(c: Compiled, rule: PriorityRule, cp: CpmResult): Float64Array {
  const n = c.n;
  const v = new Float64Array(n);
  switch (rule) {
    case 'LFT':
      v.set(cp.lf);
      tightenToCloses(c, v);
      break;
    case 'LST':
      v.set(cp.ls);
      if (c.close !== null) {
        v.set(cp.lf);
        tightenToCloses(c, v);
        for (let i = 0; i < n; i++) v[i] = v[i]! - c.dur[i]!;
      }
      break;
    case 'LPT':
      for (let i = 0; i < n; i++) v[i] = -c.dur[i]!;
      break;
    case 'GRPW':
      for (let i = 0; i < n; i++) {
        let w = c.dur[i]!;
        for (let e = c.succStart[i]!; e < c.succStart[i + 1]!; e++) w += c.dur[c.succ[e]!]!;
        v[i] = -w;
      }
      break;
    case 'CPL':
      for (let i = 0; i < n; i++) v[i] = -(cp.length - cp.ls[i]!);
      break;
    case 'MTS': {
      const cnt = totalSuccessors(c);
      for (let i = 0; i < n; i++) v[i] = -cnt[i]!;
      break;
    }
  }
  return v;
}

/**
 * Latest finishes `lf` (in place) tightened by the closes (Compiled.close): each activity ends
 * by its close, and in time for its successors' tightened latest starts. Work whose hardware is
 * taken away then comes first in LFT order. No change without closes.
 */
export function tightenToCloses(c: Compiled, lf: Float64Array): void {
  const close = c.close;
  if (close === null) return;
  for (let k = c.n - 1; k >= 0; k--) {
    const v = c.topo[k]!;
    let f = Math.min(lf[v]!, close[v]!);
    for (let e = c.succStart[v]!; e < c.succStart[v + 1]!; e++) {
      const w = c.succ[e]!;
      f = Math.min(f, lf[w]! - c.dur[w]!);
    }
    lf[v] = f;
  }
}

/** Number of descendants of each activity (bitsets up to 4096 activities, else an estimate). */
export function totalSuccessors(c: Compiled): Float64Array {
  const n = c.n;
  const out = new Float64Array(n);
  if (n <= 4096) {
    const words = (n + 31) >>> 5;
    const bits = new Uint32Array(n * words);
    for (let k = n - 1; k >= 0; k--) {
      const i = c.topo[k]!;
      const bi = i * words;
      for (let e = c.succStart[i]!; e < c.succStart[i + 1]!; e++) {
        const j = c.succ[e]!;
        const bj = j * words;
        bits[bi + (j >>> 5)]! |= 1 << (j & 31);
        for (let w = 0; w < words; w++) bits[bi + w]! |= bits[bj + w]!;
      }
      let cnt = 0;
      for (let w = 0; w < words; w++) {
        let x = bits[bi + w]!;
        x = x - ((x >>> 1) & 0x55555555);
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        cnt += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
      }
      out[i] = cnt;
    }
    return out;
  }
  for (let k = n - 1; k >= 0; k--) {
    const i = c.topo[k]!;
    let s = 0;
    for (let e = c.succStart[i]!; e < c.succStart[i + 1]!; e++) s += 1 + out[c.succ[e]!]!;
    out[i] = Math.min(s, n);
  }
  return out;
}

/** A min-heap of activity indices ordered by (value, id rank). */
class Heap {
  private a: Int32Array;
  size = 0;
  private readonly v: Float64Array;
  private readonly rank: Int32Array;
  constructor(n: number, v: Float64Array, rank: Int32Array) {
    this.a = new Int32Array(n);
    this.v = v;
    this.rank = rank;
  }
  private less(x: number, y: number): boolean {
    const d = this.v[x]! - this.v[y]!;
    return d < 0 || (d === 0 && this.rank[x]! < this.rank[y]!);
  }
  push(x: number): void {
    let i = this.size++;
    const a = this.a;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(x, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const x = a[--this.size]!;
    let i = 0;
    for (;;) {
      let m = 2 * i + 1;
      if (m >= this.size) break;
      if (m + 1 < this.size && this.less(a[m + 1]!, a[m]!)) m++;
      if (!this.less(a[m]!, x)) break;
      a[i] = a[m]!;
      i = m;
    }
    if (this.size > 0) a[i] = x;
    return top;
  }
}

/**
 * The precedence-feasible activity list that always takes, among activities whose
 * predecessors are all listed, the one with the smallest value (ties: id order). O(n log n).
 */
export function priorityList(c: Compiled, values: Float64Array): Int32Array {
  const n = c.n;
  const left = new Int32Array(n);
  const heap = new Heap(n, values, c.rank);
  for (let i = 0; i < n; i++) {
    left[i] = c.predStart[i + 1]! - c.predStart[i]!;
    if (left[i] === 0) heap.push(i);
  }
  const list = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const j = heap.pop();
    list[k] = j;
    for (let e = c.succStart[j]!; e < c.succStart[j + 1]!; e++) {
      const w = c.succ[e]!;
      if (--left[w]! === 0) heap.push(w);
    }
  }
  return list;
}

/**
 * Regret-based biased random sampling (Drexl 1991), as used to seed Hartmann's GA: among
 * eligible activities, j is drawn with weight (max value − value_j + 1)^α. O(n · eligible).
 */
export function sampledList(c: Compiled, values: Float64Array, rng: Rng, alpha = 1): Int32Array {
  const n = c.n;
  const left = new Int32Array(n);
  const elig: number[] = [];
  for (let i = 0; i < n; i++) {
    left[i] = c.predStart[i + 1]! - c.predStart[i]!;
    if (left[i] === 0) elig.push(i);
  }
  let vmax = -Infinity;
  for (let i = 0; i < n; i++) if (values[i]! > vmax) vmax = values[i]!;
  const list = new Int32Array(n);
  const wts: number[] = [];
  for (let k = 0; k < n; k++) {
    let total = 0;
    wts.length = elig.length;
    for (let q = 0; q < elig.length; q++) {
      const w = Math.pow(vmax - values[elig[q]!]! + 1, alpha);
      wts[q] = w;
      total += w;
    }
    let x = rng.next() * total;
    let pick = elig.length - 1;
    for (let q = 0; q < elig.length; q++) {
      x -= wts[q]!;
      if (x < 0) {
        pick = q;
        break;
      }
    }
    const j = elig[pick]!;
    elig[pick] = elig[elig.length - 1]!;
    elig.pop();
    list[k] = j;
    for (let e = c.succStart[j]!; e < c.succStart[j + 1]!; e++) {
      const w = c.succ[e]!;
      if (--left[w]! === 0) elig.push(w);
    }
  }
  return list;
}
