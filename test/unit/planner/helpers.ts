import fc from 'fast-check';
import { toCsr } from '../../../src/model/activities.js';
import type { Problem, Schedule } from '../../../src/planner/engine/problem.js';
import { ALL } from '../../../src/planner/engine/problem.js';
import type { SolveResult } from '../../../src/planner/engine/solve.js';
import { solve } from '../../../src/planner/engine/solve.js';

/** A small problem written out by hand or drawn by fast-check (integer data only). */
export interface Spec {
  readonly dur: readonly number[];
  /** preds[i]: indices (< i) activity i waits for. */
  readonly preds: readonly (readonly number[])[];
  /** Per resource: capacity steps [from, capacity]. */
  readonly resources: readonly (readonly (readonly [number, number])[])[];
  /** demand[i][r]; -1 = ALL. */
  readonly demand: readonly (readonly number[])[];
  readonly workers?: {
    readonly count: number;
    readonly eligible: readonly (readonly number[] | null)[];
  };
}

export function makeProblem(spec: Spec): Problem {
  const n = spec.dur.length;
  const edges: [number, number][] = [];
  spec.preds.forEach((ps, i) => {
    for (const p of new Set(ps)) edges.push([p, i]);
  });
  const { start: succStart, list: succ } = toCsr(n, edges, 0);
  const { start: predStart, list: pred } = toCsr(n, edges, 1);
  const R = spec.resources.length;
  const demand = new Float64Array(n * R);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < R; r++) demand[i * R + r] = spec.demand[i]?.[r] ?? 0;
  const base: Problem = {
    n,
    succStart,
    succ,
    predStart,
    pred,
    ids: Array.from({ length: n }, (_, i) => `a${i + 1}`),
    duration: Float64Array.from(spec.dur),
    resources: spec.resources.map((steps, r) => ({
      id: `r${r}`,
      profile: steps.map(([from, capacity]) => ({ from, capacity })),
    })),
    demand,
  };
  if (spec.workers === undefined) return base;
  return {
    ...base,
    workers: {
      names: Array.from({ length: spec.workers.count }, (_, w) => `w${w}`),
      eligible: spec.workers.eligible,
    },
  };
}

/** The spec with `count` workers; skill lists keep the workers below count (else worker 0). */
export function withWorkers(spec: Spec, count: number): Spec {
  const eligible = spec.dur.map((_, i) => {
    const e = spec.workers?.eligible[i] ?? null;
    if (e === null) return null;
    const kept = e.filter((w) => w < count);
    return kept.length > 0 ? kept : [0];
  });
  return { ...spec, workers: { count, eligible } };
}

function capAt(steps: readonly (readonly [number, number])[], t: number): number {
  let c = 0;
  for (const [from, cap] of [...steps].sort((a, b) => a[0] - b[0])) if (from <= t) c = cap;
  return c;
}

/**
 * The first integer time at which all of activity i's demands fit the capacity (ALL: any
 * positive capacity): a zero-length activity starts no earlier. Infinity when never.
 */
export function arrivalOf(spec: Spec, i: number): number {
  let last = 0;
  for (const steps of spec.resources) for (const [from] of steps) last = Math.max(last, from);
  for (let t = 0; t <= last; t++) {
    const ok = spec.resources.every((steps, r) => {
      const d = spec.demand[i]?.[r] ?? 0;
      const c = capAt(steps, t);
      return d === 0 || (d === ALL ? c > 0 : c >= d);
    });
    if (ok) return t;
  }
  return Infinity;
}

/**
 * Independent check on integer data: every unit slot [t, t+1) is checked. Returns the first
 * violation or null.
 */
export function verify(spec: Spec, s: Schedule): string | null {
  const n = spec.dur.length;
  const R = spec.resources.length;
  let horizon = 0;
  for (let i = 0; i < n; i++) {
    const st = s.start[i]!;
    if (!(st >= 0) || !Number.isInteger(st)) return `a${i + 1} starts at ${st}`;
    if (spec.dur[i] === 0 && st < arrivalOf(spec, i)) return `a${i + 1} starts before it fits`;
    horizon = Math.max(horizon, st + spec.dur[i]!);
    for (const p of spec.preds[i]!) {
      if (st < s.start[p]! + spec.dur[p]!) return `a${i + 1} before its predecessor a${p + 1}`;
    }
  }
  if (horizon !== s.makespan) return `makespan ${s.makespan}, expected ${horizon}`;
  for (let r = 0; r < R; r++) {
    const steps = spec.resources[r]!;
    for (let i = 0; i < n; i++) {
      const p = spec.dur[i]!;
      const d = spec.demand[i]?.[r] ?? 0;
      const h = s.held[i * R + r]!;
      if (p === 0 || d === 0) {
        if (h !== 0 && p > 0) return `a${i + 1} holds ${h} of r${r} without demand`;
        continue;
      }
      if (d === ALL) {
        const c = capAt(steps, s.start[i]!);
        if (c <= 0) return `a${i + 1} holds ALL r${r} where there is none`;
        if (h !== c) return `a${i + 1} holds ${h} of r${r}, ALL is ${c}`;
        for (let t = s.start[i]!; t < s.start[i]! + p; t++) {
          if (capAt(steps, t) !== c) return `a${i + 1} holds ALL r${r} across a change at ${t}`;
        }
      } else if (h !== d) return `a${i + 1} holds ${h} of r${r}, demand ${d}`;
    }
    for (let t = 0; t < horizon; t++) {
      let used = 0;
      for (let i = 0; i < n; i++) {
        if (s.start[i]! <= t && t < s.start[i]! + spec.dur[i]!) used += s.held[i * R + r]!;
      }
      if (used > capAt(steps, t))
        return `r${r} over capacity at ${t}: ${used} > ${capAt(steps, t)}`;
    }
  }
  if (spec.workers !== undefined) {
    for (let i = 0; i < n; i++) {
      const w = s.worker[i]!;
      const e = spec.workers.eligible[i] ?? null;
      if (w < 0 || w >= spec.workers.count || (e !== null && !e.includes(w))) {
        return `a${i + 1} has ineligible worker ${w}`;
      }
    }
    for (let t = 0; t < horizon; t++) {
      const busy = new Set<number>();
      for (let i = 0; i < n; i++) {
        if (s.start[i]! <= t && t < s.start[i]! + spec.dur[i]!) {
          if (busy.has(s.worker[i]!)) return `worker ${s.worker[i]} double-booked at ${t}`;
          busy.add(s.worker[i]!);
        }
      }
    }
  } else if (s.worker.some((w) => w !== -1)) return 'worker set without workers';
  return null;
}

/**
 * Exact optimum by branch and bound over serial SGS: every precedence-feasible activity list
 * and every eligible worker per activity, each activity started as early as the partial
 * schedule allows (with its worker). That enumeration is complete: for any feasible schedule,
 * the serial pass over its activities sorted by (start, index) with its workers starts every
 * activity no later (time-varying capacities and ALL included), and repeating that reaches a
 * schedule the pass reproduces exactly. So only lists whose starts come out sorted by
 * (start, index) need exploring, which prunes most orders; of workers eligible for the same
 * activities and idle from the start found, only the first is tried (the rest are mirror
 * images, as nothing later starts earlier); nodes are also cut when max(start so far, head)
 * + tail of an unplaced activity, or the work left over the workers, cannot beat the best.
 * Integer data, n ≤ ~10. `upper`: a makespan known to be achievable, to prune from the start.
 */
export function bruteForce(spec: Spec, upper = Infinity): number {
  const n = spec.dur.length;
  const R = spec.resources.length;
  const W = spec.workers?.count ?? 0;
  let horizon = 1;
  for (const d of spec.dur) horizon += d;
  for (const steps of spec.resources)
    for (const [from] of steps) horizon = Math.max(horizon, from + 1);
  horizon *= 2;
  const cap = spec.resources.map((steps) =>
    Int32Array.from({ length: horizon + 1 }, (_, t) => capAt(steps, t)),
  );
  const used = spec.resources.map(() => new Int32Array(horizon + 1));
  const busy = Array.from({ length: W }, () => new Uint8Array(horizon + 1));
  const dur = spec.dur;
  const arrival = dur.map((_, i) => arrivalOf(spec, i));
  // preds[i] < i: index order is topological.
  const head = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    head[i] = arrival[i]!;
    for (const p of spec.preds[i]!) head[i] = Math.max(head[i]!, head[p]! + dur[p]!);
  }
  const tail = new Array<number>(n).fill(0);
  const succs: number[][] = dur.map(() => []);
  spec.preds.forEach((ps, i) => ps.forEach((p) => succs[p]!.push(i)));
  for (let i = n - 1; i >= 0; i--) {
    tail[i] = dur[i]! + Math.max(0, ...succs[i]!.map((s) => tail[s]!));
  }
  const workersOf = dur.map((_, i) => {
    const e = spec.workers?.eligible[i] ?? null;
    return W === 0 ? [-1] : (e ?? Array.from({ length: W }, (_, w) => w));
  });
  // Workers eligible for exactly the same activities are interchangeable from time s on when
  // both are idle from s: later activities all start at s or after (sorted starts).
  const kind = Array.from({ length: W }, (_, w) =>
    workersOf.map((ws) => (ws.includes(w) ? '1' : '0')).join(''),
  );
  const idleFrom = (w: number, s: number): boolean => {
    for (let t = s; t <= horizon; t++) if (busy[w]![t]) return false;
    return true;
  };
  const start = new Array<number>(n).fill(-1);
  // Only schedules it builds count: with a known makespan `upper` (a heuristic's, say) it
  // searches below upper + 1, and returns upper + 1 if it finds none (so a wrong one shows).
  let best = upper + 1;
  const fits = (i: number, s: number, w: number): boolean => {
    const p = dur[i]!;
    if (s < arrival[i]!) return false;
    if (p === 0) return true;
    for (let r = 0; r < R; r++) {
      const d = spec.demand[i]?.[r] ?? 0;
      if (d === 0) continue;
      const cr = cap[r]!;
      const ur = used[r]!;
      if (d === ALL) {
        const c = cr[s]!;
        if (c <= 0) return false;
        for (let t = s; t < s + p; t++) if (cr[t] !== c || ur[t] !== 0) return false;
      } else {
        for (let t = s; t < s + p; t++) if (ur[t]! + d > cr[t]!) return false;
      }
    }
    if (w >= 0) for (let t = s; t < s + p; t++) if (busy[w]![t]) return false;
    return true;
  };
  const apply = (i: number, s: number, w: number, sign: number): void => {
    const p = dur[i]!;
    for (let r = 0; r < R; r++) {
      const d = spec.demand[i]?.[r] ?? 0;
      if (d === 0 || p === 0) continue;
      const h = d === ALL ? cap[r]![s]! : d;
      for (let t = s; t < s + p; t++) used[r]![t]! += sign * h;
    }
    if (w >= 0 && p > 0) for (let t = s; t < s + p; t++) busy[w]![t] = sign > 0 ? 1 : 0;
  };
  const minPos = spec.resources.map((steps) =>
    Math.min(...steps.map(([, c]) => c).filter((c) => c > 0)),
  );
  let workLeft = 0;
  for (const d of dur) workLeft += d;
  const rec = (placed: number, makespan: number, lastS: number, lastI: number): void => {
    if (placed === n) {
      best = Math.min(best, makespan);
      return;
    }
    // Every unplaced activity starts at lastS or later (sorted starts) and after its head.
    let lb = makespan;
    for (let j = 0; j < n; j++) {
      if (start[j] !== -1) continue;
      let es = Math.max(head[j]!, lastS);
      for (const p of spec.preds[j]!) if (start[p] !== -1) es = Math.max(es, start[p]! + dur[p]!);
      lb = Math.max(lb, es + tail[j]!);
    }
    // The work left runs after lastS on at most W workers, in the hours they are still free;
    // likewise each resource's energy left (ALL: at least the smallest positive capacity).
    if (W > 0) lb = Math.max(lb, lastS + Math.ceil(workLeft / W));
    if (lb >= best) return;
    for (let r = 0; r <= R && lb < best; r++) {
      let need = 0;
      for (let j = 0; j < n; j++) {
        if (start[j] !== -1) continue;
        if (r === R) need += W > 0 ? dur[j]! : 0;
        else {
          const d = spec.demand[j]?.[r] ?? 0;
          need += dur[j]! * (d === ALL ? minPos[r]! : d);
        }
      }
      if (need === 0) continue;
      let t = lastS;
      while (need > 0 && t < horizon) {
        if (r === R) for (let w = 0; w < W; w++) need -= busy[w]![t] ? 0 : 1;
        else need -= cap[r]![t]! - used[r]![t]!;
        t++;
      }
      lb = Math.max(lb, t);
    }
    if (lb >= best) return;
    for (let i = 0; i < n; i++) {
      if (start[i] !== -1 || spec.preds[i]!.some((p) => start[p] === -1)) continue;
      let es = 0;
      for (const p of spec.preds[i]!) es = Math.max(es, start[p]! + dur[p]!);
      const tried: [number, number][] = [];
      for (const w of workersOf[i]!) {
        let s = es;
        while (s < horizon && !fits(i, s, w)) s++;
        if (s >= horizon || s < lastS || (s === lastS && i < lastI)) continue;
        if (w >= 0 && idleFrom(w, s)) {
          if (tried.some(([v, sv]) => sv === s && kind[v] === kind[w] && idleFrom(v, s))) continue;
          tried.push([w, s]);
        }
        if (s + tail[i]! >= best) continue;
        start[i] = s;
        apply(i, s, w, 1);
        workLeft -= dur[i]!;
        rec(placed + 1, Math.max(makespan, s + dur[i]!), s, i);
        workLeft += dur[i]!;
        apply(i, s, w, -1);
        start[i] = -1;
      }
    }
  };
  rec(0, 0, 0, -1);
  return best;
}

/** fast-check arbitrary for small feasible specs (integer data). */
export function specArb(opts: {
  minN?: number;
  maxN: number;
  maxWorkers: number;
  allowWorkers?: boolean;
}): fc.Arbitrary<Spec> {
  return fc
    .record({
      n: fc.integer({ min: opts.minN ?? 1, max: opts.maxN }),
      R: fc.integer({ min: 0, max: 2 }),
      W: fc.integer({
        min: opts.allowWorkers === false ? 0 : 0,
        max: opts.allowWorkers === false ? 0 : opts.maxWorkers,
      }),
      seed: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 200, maxLength: 200 }),
    })
    .map(({ n, R, W, seed }) => {
      let k = 0;
      const rnd = (m: number): number => seed[k++ % seed.length]! % m;
      const dur = Array.from({ length: n }, () => (rnd(6) === 0 ? 0 : 1 + rnd(4)));
      const preds = Array.from({ length: n }, (_, i) => {
        const ps: number[] = [];
        for (let j = 0; j < i; j++) if (rnd(4) === 0) ps.push(j);
        return ps;
      });
      const resources = Array.from({ length: R }, () => {
        const final = 1 + rnd(4);
        const kind = rnd(3);
        if (kind === 0) return [[0, final]] as [number, number][];
        if (kind === 1) return [[1 + rnd(5), final]] as [number, number][]; // arrives later
        // a temporary drop
        const a = 1 + rnd(4);
        return [
          [0, final],
          [a, rnd(final)],
          [a + 1 + rnd(3), final],
        ] as [number, number][];
      });
      const demand = Array.from({ length: n }, () =>
        resources.map((steps) => {
          const final = steps[steps.length - 1]![1];
          const x = rnd(10);
          return x < 4 ? 0 : x === 9 ? ALL : 1 + rnd(final);
        }),
      );
      const spec: Spec = { dur, preds, resources, demand };
      if (W === 0) return spec;
      const eligible = Array.from({ length: n }, () => {
        if (rnd(3) !== 0) return null;
        const e = Array.from({ length: W }, (_, w) => w).filter(() => rnd(2) === 0);
        return e.length > 0 ? e : [rnd(W)];
      });
      return { ...spec, workers: { count: W, eligible } };
    });
}

/** Durations and capacity-change times times `f`: the same project on another time unit. */
export function scaled(p: Problem, f: number): Problem {
  return {
    ...p,
    duration: p.duration.map((d) => d * f),
    resources: p.resources.map((r) => ({
      ...r,
      profile: r.profile.map((x) => ({ ...x, from: x.from * f })),
    })),
  };
}

/** Durations and capacity-change times halved: the same project on a half-hour unit. */
export function halved(p: Problem): Problem {
  return scaled(p, 1 / 2);
}

/** A weak heuristic start (few schedules), so that an exact method has work to do. */
export function weakHeuristic(p: Problem, schedules = 3): SolveResult {
  return solve(p, { seed: 1, timeLimitMs: 10_000, maxSchedules: schedules, now: () => 0 });
}
