import type { Compiled } from './compile.js';
import type { Rng } from './rng.js';
import type { Search } from './search.js';

/** One individual: an activity list (precedence-feasible) and its makespan after FBI. */
export interface Individual {
  list: Int32Array;
  makespan: number;
  /** Hash of the schedule's start times (0: unknown). */
  hash?: number;
}

/**
 * Hartmann's two-point crossover on activity lists: positions [0, q1) from the mother, then
 * the father's order of the activities not yet taken up to q2, then the mother's order for the
 * rest. Keeps precedence feasibility. `used` is scratch of length n.
 */
export function twoPointCrossover(
  mother: Int32Array,
  father: Int32Array,
  q1: number,
  q2: number,
  child: Int32Array,
  used: Uint8Array,
): void {
  const n = mother.length;
  used.fill(0);
  let k = 0;
  for (; k < q1; k++) {
    const a = mother[k]!;
    child[k] = a;
    used[a] = 1;
  }
  for (let i = 0; k < q2 && i < n; i++) {
    const a = father[i]!;
    if (used[a] === 0) {
      child[k++] = a;
      used[a] = 1;
    }
  }
  for (let i = 0; k < n && i < n; i++) {
    const a = mother[i]!;
    if (used[a] === 0) {
      child[k++] = a;
      used[a] = 1;
    }
  }
}

/** True when a is an immediate predecessor of b. */
function isPred(c: Compiled, a: number, b: number): boolean {
  for (let e = c.predStart[b]!; e < c.predStart[b + 1]!; e++) if (c.pred[e] === a) return true;
  return false;
}

/**
 * Mutation: each position, with probability pm, swaps with the next one when they are not
 * precedence-related (Hartmann 1998); with probability pm/2 an activity shifts to a random
 * position within the window its predecessors and successors allow.
 */
export function mutate(c: Compiled, list: Int32Array, pm: number, rng: Rng, pos: Int32Array): void {
  const n = list.length;
  for (let i = 0; i + 1 < n; i++) {
    if (rng.next() < pm) {
      const a = list[i]!;
      const b = list[i + 1]!;
      if (!isPred(c, a, b)) {
        list[i] = b;
        list[i + 1] = a;
      }
    }
  }
  if (rng.next() < pm * n * 0.5) {
    for (let i = 0; i < n; i++) pos[list[i]!] = i;
    const i = rng.int(n);
    const a = list[i]!;
    let lo = 0;
    let hi = n - 1;
    for (let e = c.predStart[a]!; e < c.predStart[a + 1]!; e++)
      lo = Math.max(lo, pos[c.pred[e]!]! + 1);
    for (let e = c.succStart[a]!; e < c.succStart[a + 1]!; e++)
      hi = Math.min(hi, pos[c.succ[e]!]! - 1);
    if (hi > lo) {
      const to = lo + rng.int(hi - lo + 1);
      if (to < i) list.copyWithin(to + 1, to, i);
      else if (to > i) list.copyWithin(i, i + 1, to + 1);
      list[to] = a;
    }
  }
}

export interface GaOptions {
  readonly popSize: number;
  /** Per-position swap probability of the mutation. */
  readonly pm: number;
  /** FBI rounds (backward + forward) on every child. */
  readonly childFbiRounds: number;
}

/**
 * The GA's settings for n activities. Up to 60 activities: 120 individuals, light mutation,
 * FBI to convergence (up to 4 rounds) on every child. Above, each schedule costs more and the
 * default time limit affords a few thousand children: a population of 30, one FBI round per
 * child (the double justification of Valls et al. 2005) and twice the mutation rate keep it
 * moving. Measured with `npm run bench:large` (120 activities: gap to the reference run 2.5 and
 * 1.8 points before, 1.2 and 1.1 after, on two sets of 20); above 200 activities, the earlier
 * settings, unmeasured there.
 */
export function gaSettings(n: number): GaOptions {
  if (n <= 60) return { popSize: 120, pm: 0.05, childFbiRounds: 4 };
  if (n <= 200) return { popSize: 30, pm: 0.1, childFbiRounds: 1 };
  return { popSize: 30, pm: 0.05, childFbiRounds: 4 };
}

/**
 * Genetic algorithm over activity lists (Hartmann 1998 / 2002 with the justification of Valls
 * et al. 2005): random pairing, two-point crossover, swap and shift mutation, every child
 * decoded by the serial SGS and improved by FBI (its list replaced by the improved one), and
 * ranking selection of the best popSize among parents and children. Runs until the search
 * budget is spent or the lower bound is reached. When the population stalls, its worse half
 * is replaced by mutated copies of the best.
 */
export function runGa(s: Search, pop: Individual[], rng: Rng, opts: GaOptions): number {
  const c = s.c;
  const n = c.n;
  const used = new Uint8Array(n);
  const pos = new Int32Array(n);
  let generations = 0;
  let stall = 0;
  let lastBest = s.best;
  const order: number[] = [];
  const seen = new Set<number>();
  for (const ind of pop) if (ind.hash !== undefined) seen.add(ind.hash);
  while (!s.done()) {
    generations++;
    const size = pop.length;
    order.length = 0;
    for (let i = 0; i < size; i++) order.push(i);
    for (let i = size - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    const kids: Individual[] = [];
    for (let k = 0; k + 1 < size && !s.done(); k += 2) {
      const m = pop[order[k]!]!;
      const f = pop[order[k + 1]!]!;
      let q1 = rng.int(n + 1);
      let q2 = rng.int(n + 1);
      if (q1 > q2) {
        const t = q1;
        q1 = q2;
        q2 = t;
      }
      for (let child = 0; child < 2 && !s.done(); child++) {
        const list = new Int32Array(n);
        if (child === 0) twoPointCrossover(m.list, f.list, q1, q2, list, used);
        else twoPointCrossover(f.list, m.list, q1, q2, list, used);
        mutate(c, list, opts.pm, rng, pos);
        const makespan = s.evaluate(list, 'GA+FBI', opts.childFbiRounds);
        // Duplicates of schedules already in the population only breed clones: drop them.
        if (!seen.has(s.lastHash)) {
          seen.add(s.lastHash);
          kids.push({ list, makespan, hash: s.lastHash });
        }
      }
    }
    const all = pop.concat(kids);
    // Ranking: best first; among equals, children first (keeps the population moving).
    const idx = all.map((_, i) => i);
    idx.sort((a, b) => all[a]!.makespan - all[b]!.makespan || b - a);
    pop.length = 0;
    for (let i = 0; i < size && i < idx.length; i++) pop.push(all[idx[i]!]!);
    seen.clear();
    for (const ind of pop) if (ind.hash !== undefined) seen.add(ind.hash);
    if (s.best < lastBest) {
      lastBest = s.best;
      stall = 0;
    } else if (++stall > 30) {
      stall = 0;
      const best = pop[0]!;
      for (let i = size >> 1; i < size; i++) {
        const list = Int32Array.from(best.list);
        mutate(c, list, 0.3, rng, pos);
        if (s.done()) break;
        pop[i] = { list, makespan: s.evaluate(list, 'GA+FBI'), hash: s.lastHash };
      }
    }
  }
  return generations;
}
