import type { PsplibInstance } from '../../src/config/psplib.js';
import { Rng } from '../../src/planner/engine/rng.js';

/**
 * ProGen-like RCPSP instances (Kolisch, Sprecher & Drexl 1995), the generator behind PSPLIB's
 * J30/J60/J120 sets, rebuilt from its published parameters (no PSPLIB file is read or copied):
 *
 * - n non-dummy activities plus a dummy source and sink, numbered in topological order;
 * - 3 start activities (the source's successors) and 3 end activities (the sink's
 *   predecessors), at most 3 successors and 3 predecessors per activity;
 * - network complexity NC = arcs / nodes (dummy arcs and nodes counted), no redundant arc;
 * - durations uniform in 1..10; 4 renewable resources; each activity uses round(RF · 4) of
 *   them (resource factor RF), each with a demand uniform in 1..10;
 * - capacity K = Kmin + round(RS · (Kmax − Kmin)) (resource strength RS), with Kmin the largest
 *   single demand and Kmax the peak demand of the earliest-start schedule.
 *
 * The same seed gives the same instance.
 */
export interface ProgenParams {
  /** Non-dummy activities. */
  readonly n: number;
  /** Network complexity: arcs per node, dummies included. */
  readonly nc: number;
  /** Resource factor: the share of the resources each activity uses. */
  readonly rf: number;
  /** Resource strength in [0, 1]. */
  readonly rs: number;
}

export const RESOURCES = 4;
const START = 3;
const END = 3;
const MAX_DEGREE = 3;
const MAX_DURATION = 10;
const MAX_DEMAND = 10;

/** The parameter grid of a PSPLIB set: NC slowest, then RF, then RS (PSPLIB's order). */
export interface ProgenSet {
  readonly name: string;
  readonly n: number;
  readonly nc: readonly number[];
  readonly rf: readonly number[];
  readonly rs: readonly number[];
}

export const J60_LIKE: ProgenSet = {
  name: 'j60',
  n: 60,
  nc: [1.5, 1.8, 2.1],
  rf: [0.25, 0.5, 0.75, 1],
  rs: [0.2, 0.5, 0.7, 1],
};

export const J120_LIKE: ProgenSet = {
  name: 'j120',
  n: 120,
  nc: [1.5, 1.8, 2.1],
  rf: [0.25, 0.5, 0.75, 1],
  rs: [0.1, 0.2, 0.3, 0.4, 0.5],
};

/** The set's parameter combinations, 1-based as PSPLIB numbers them (index 0 is combination 1). */
export function parameterGrid(set: ProgenSet): ProgenParams[] {
  const out: ProgenParams[] = [];
  for (const nc of set.nc)
    for (const rf of set.rf) for (const rs of set.rs) out.push({ n: set.n, nc, rf, rs });
  return out;
}

/** Reachability as bitsets over the nodes: which nodes each node reaches (itself excluded). */
class Reach {
  private readonly words: number;
  private readonly bits: Uint32Array;
  readonly size: number;
  constructor(size: number) {
    this.size = size;
    this.words = (size + 31) >>> 5;
    this.bits = new Uint32Array(size * this.words);
  }
  has(a: number, b: number): boolean {
    return (this.bits[a * this.words + (b >>> 5)]! & (1 << (b & 31))) !== 0;
  }
  /** Adds a → b: every node reaching a (and a) now reaches b and what b reaches. */
  link(a: number, b: number): void {
    const w = this.words;
    for (let x = 0; x < this.size; x++) {
      if (x !== a && !this.has(x, a)) continue;
      this.bits[x * w + (b >>> 5)]! |= 1 << (b & 31);
      for (let k = 0; k < w; k++) this.bits[x * w + k]! |= this.bits[b * w + k]!;
    }
  }
}

/** The activity network under construction (nodes 1..n; the dummies are added at the end). */
class Network {
  readonly succ: number[][];
  readonly pred: number[][];
  readonly reach: Reach;
  arcs = 0;
  readonly n: number;
  constructor(n: number) {
    this.n = n;
    this.succ = Array.from({ length: n + 2 }, () => []);
    this.pred = Array.from({ length: n + 2 }, () => []);
    this.reach = new Reach(n + 2);
  }
  /**
   * Whether i → j may be added: degrees below the maximum, i before j, and not redundant
   * (j not yet reachable from i, and no existing arc a → b becomes implied by a ⇝ i → j ⇝ b).
   */
  allows(i: number, j: number): boolean {
    if (i >= j || this.succ[i]!.length >= MAX_DEGREE || this.pred[j]!.length >= MAX_DEGREE)
      return false;
    if (this.reach.has(i, j)) return false;
    for (let a = 1; a <= i; a++) {
      if (a !== i && !this.reach.has(a, i)) continue;
      for (const b of this.succ[a]!) if (b === j || this.reach.has(j, b)) return false;
    }
    return true;
  }
  add(i: number, j: number): void {
    this.succ[i]!.push(j);
    this.pred[j]!.push(i);
    this.reach.link(i, j);
    this.arcs++;
  }
}

/** Picks uniformly among the candidates that `ok` accepts; -1 when none does. */
function pick(rng: Rng, lo: number, hi: number, ok: (x: number) => boolean): number {
  const cands: number[] = [];
  for (let x = lo; x <= hi; x++) if (ok(x)) cands.push(x);
  return cands.length === 0 ? -1 : cands[rng.int(cands.length)]!;
}

/** ProGen's three steps: a predecessor for each non-start, a successor for each non-end, then random arcs up to NC. */
function buildNetwork(rng: Rng, p: ProgenParams): Network {
  const { n } = p;
  const net = new Network(n);
  const isStart = (j: number): boolean => j <= START;
  const isEnd = (j: number): boolean => j > n - END;
  for (let j = START + 1; j <= n; j++) {
    const i = pick(rng, 1, j - 1, (x) => !isEnd(x) && net.allows(x, j));
    if (i > 0) net.add(i, j);
  }
  for (let i = 1; i <= n - END; i++) {
    if (net.succ[i]!.length > 0) continue;
    const j = pick(rng, i + 1, n, (x) => !isStart(x) && net.allows(i, x));
    if (j > 0) net.add(i, j);
  }
  const target = Math.round(p.nc * (n + 2)) - START - END;
  for (let tries = 0; net.arcs < target && tries < 200 * n; tries++) {
    const i = 1 + rng.int(n - END);
    const j = START + 1 + rng.int(n - START);
    if (!isEnd(i) && !isStart(j) && net.allows(i, j)) net.add(i, j);
  }
  return net;
}

/** The peak per-resource demand of the earliest-start schedule (precedence only). */
function earliestStartPeaks(
  n: number,
  succ: readonly (readonly number[])[],
  dur: readonly number[],
  req: readonly (readonly number[])[],
): number[] {
  const es = new Array<number>(n + 2).fill(0);
  // Nodes are numbered topologically.
  for (let i = 0; i < n + 2; i++)
    for (const j of succ[i]!) es[j] = Math.max(es[j]!, es[i]! + dur[i]!);
  const horizon = es[n + 1]!;
  const peaks = new Array<number>(RESOURCES).fill(0);
  for (let r = 0; r < RESOURCES; r++) {
    const use = new Array<number>(horizon + 1).fill(0);
    for (let i = 0; i < n + 2; i++)
      for (let t = es[i]!; t < es[i]! + dur[i]!; t++) use[t]! += req[i]![r]!;
    peaks[r] = Math.max(0, ...use);
  }
  return peaks;
}

/** One ProGen-like instance, as the PSPLIB parser would return it (jobs 0..n+1). */
export function progenInstance(
  seed: number,
  p: ProgenParams,
  file = `seed-${seed}.sm`,
): PsplibInstance {
  const rng = new Rng(seed);
  const { n } = p;
  const net = buildNetwork(rng, p);
  // The dummies: the source precedes the start activities, the end activities precede the sink.
  for (let j = 1; j <= START; j++) net.succ[0]!.push(j);
  for (let i = n - END + 1; i <= n; i++) net.succ[i]!.push(n + 1);
  // Non-end activities left without a successor (the arc budget ran out) go to the sink too.
  for (let i = 1; i <= n - END; i++) if (net.succ[i]!.length === 0) net.succ[i]!.push(n + 1);
  const durations = new Array<number>(n + 2).fill(0);
  const requests = Array.from({ length: n + 2 }, () => new Array<number>(RESOURCES).fill(0));
  const used = Math.max(1, Math.min(RESOURCES, Math.round(p.rf * RESOURCES)));
  for (let j = 1; j <= n; j++) {
    durations[j] = 1 + rng.int(MAX_DURATION);
    const order = [0, 1, 2, 3];
    for (let k = order.length - 1; k > 0; k--) {
      const q = rng.int(k + 1);
      [order[k], order[q]] = [order[q]!, order[k]!];
    }
    for (let k = 0; k < used; k++) requests[j]![order[k]!] = 1 + rng.int(MAX_DEMAND);
  }
  const peaks = earliestStartPeaks(n, net.succ, durations, requests);
  const capacities = peaks.map((kmax, r) => {
    const kmin = Math.max(...requests.map((q) => q[r]!));
    return kmin + Math.round(p.rs * (kmax - kmin));
  });
  const successors = net.succ.map((ss) => [...ss].sort((a, b) => a - b));
  return { file, jobs: n + 2, durations, successors, requests, capacities };
}

/** The instance as a PSPLIB `.sm` file (the sections the parser reads, in PSPLIB's layout). */
export function toSm(inst: PsplibInstance, seed: number): string {
  const pad = (v: number | string, w: number): string => String(v).padStart(w);
  const lines = [
    '*'.repeat(72),
    'file with basedata            : progen-like (critpath bench/gen/psplib-like.ts)',
    `initial value random generator: ${seed}`,
    '*'.repeat(72),
    'projects                      :  1',
    `jobs (incl. supersource/sink ):  ${inst.jobs}`,
    `horizon                       :  ${inst.durations.reduce((a, b) => a + b, 0)}`,
    'RESOURCES',
    `  - renewable                 :  ${inst.capacities.length}   R`,
    '  - nonrenewable              :  0   N',
    '  - doubly constrained        :  0   D',
    '*'.repeat(72),
    'PRECEDENCE RELATIONS:',
    'jobnr.    #modes  #successors   successors',
  ];
  inst.successors.forEach((ss, j) => {
    lines.push(
      `${pad(j + 1, 4)}${pad(1, 9)}${pad(ss.length, 11)}  ${ss.map((s) => pad(s + 1, 4)).join('')}`,
    );
  });
  lines.push('*'.repeat(72), 'REQUESTS/DURATIONS:');
  lines.push(`jobnr. mode duration ${inst.capacities.map((_, r) => ` R ${r + 1}`).join('')}`);
  lines.push('-'.repeat(72));
  inst.durations.forEach((d, j) => {
    lines.push(
      `${pad(j + 1, 4)}${pad(1, 7)}${pad(d, 6)}${inst.requests[j]!.map((q) => pad(q, 5)).join('')}`,
    );
  });
  lines.push('*'.repeat(72), 'RESOURCEAVAILABILITIES:');
  lines.push(`${inst.capacities.map((_, r) => `  R ${r + 1}`).join('')}`);
  lines.push(`${inst.capacities.map((k) => pad(k, 5)).join('')}`);
  lines.push('*'.repeat(72), '');
  return lines.join('\n');
}

/**
 * `count` instances of a set, spread over its parameter grid: a seeded shuffle of the grid,
 * taken in turn. Instance k's own seed is derived from the set seed and k.
 */
export function progenSet(
  set: ProgenSet,
  count: number,
  seed: number,
): { name: string; params: ProgenParams; seed: number; instance: PsplibInstance }[] {
  const grid = parameterGrid(set);
  const rng = new Rng(seed);
  const order = grid.map((_, i) => i);
  for (let k = order.length - 1; k > 0; k--) {
    const q = rng.int(k + 1);
    [order[k], order[q]] = [order[q]!, order[k]!];
  }
  const out = [];
  for (let k = 0; k < count; k++) {
    const par = order[k % order.length]!;
    const s = (Math.imul(seed, 1_000_003) + k * 7919) >>> 0;
    const name = `${set.name}g${par + 1}_${k + 1}.sm`;
    out.push({ name, params: grid[par]!, seed: s, instance: progenInstance(s, grid[par]!, name) });
  }
  return out;
}
