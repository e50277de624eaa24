import { EPS } from './cpm.js';
import type { Problem, Schedule } from './problem.js';
import { ALL } from './problem.js';

/**
 * Verifies a schedule against its problem, independently of the engine: precedence, starts
 * ≥ 0, the held units (demand, or the whole capacity for ALL with no capacity change inside
 * the activity), capacity at every instant (a sweep over start, finish and capacity-change
 * events), worker eligibility and exclusivity, and the makespan. Zero-length activities hold
 * nothing but start no earlier than their demands first fit the capacity. Returns the problems found (at most `limit`), empty when the schedule is feasible.
 * O((n + steps) log(n + steps)) per resource.
 */
export function checkSchedule(problem: Problem, s: Schedule, limit = 20): string[] {
  const out: string[] = [];
  const n = problem.n;
  const R = problem.resources.length;
  const id = (i: number): string => problem.ids[i] ?? String(i);
  const add = (m: string): boolean => {
    out.push(m);
    return out.length >= limit;
  };
  if (s.start.length !== n || s.worker.length !== n || s.held.length !== n * R) {
    return ['schedule arrays do not match the problem size'];
  }
  let makespan = 0;
  for (let j = 0; j < n; j++) {
    const st = s.start[j]!;
    if (!(st >= -EPS) || !Number.isFinite(st)) if (add(`${id(j)} starts at ${st}`)) return out;
    makespan = Math.max(makespan, st + problem.duration[j]!);
    for (let e = problem.predStart[j]!; e < problem.predStart[j + 1]!; e++) {
      const i = problem.pred[e]!;
      const f = s.start[i]! + problem.duration[i]!;
      if (st < f - EPS && add(`${id(j)} starts at ${st} before ${id(i)} finishes at ${f}`))
        return out;
    }
  }
  if (
    Math.abs(makespan - s.makespan) > EPS &&
    add(`makespan ${s.makespan}, finishes say ${makespan}`)
  ) {
    return out;
  }
  // A zero-length activity holds nothing, but not before its demands first fit the capacity.
  const capOf = (r: number, t: number): number => {
    let c = 0;
    let from = -Infinity;
    for (const st of problem.resources[r]!.profile) {
      if (st.from <= t && st.from >= from) {
        c = st.capacity;
        from = st.from;
      }
    }
    return c;
  };
  for (let j = 0; j < n; j++) {
    if (problem.duration[j]! > 0) continue;
    const uses: number[] = [];
    for (let r = 0; r < R; r++) if (problem.demand[j * R + r] !== 0) uses.push(r);
    if (uses.length === 0) continue;
    const fitsAt = (t: number): boolean =>
      uses.every((r) => {
        const d = problem.demand[j * R + r]!;
        const c = capOf(r, t);
        return d === ALL ? c > EPS : c >= d - EPS;
      });
    const times = [0, ...uses.flatMap((r) => problem.resources[r]!.profile.map((x) => x.from))]
      .filter((t) => t >= 0)
      .sort((a, b) => a - b);
    const first = times.find(fitsAt) ?? Infinity;
    if (s.start[j]! < first - EPS) {
      const when = first === Infinity ? 'never' : `from ${first}`;
      if (add(`${id(j)} starts at ${s.start[j]} but its demands fit only ${when}`)) return out;
    }
  }
  for (let r = 0; r < R; r++) {
    const res = problem.resources[r]!;
    const steps = [...res.profile].sort((a, b) => a.from - b.from);
    const capAt = (t: number): number => {
      let c = 0;
      for (const st of steps) if (st.from <= t) c = st.capacity;
      return c;
    };
    // Events: [time, delta]; capacity steps checked at their times too.
    const ev: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      const p = problem.duration[j]!;
      const d = problem.demand[j * R + r]!;
      const h = s.held[j * R + r]!;
      const st = s.start[j]!;
      if (p <= 0 || d === 0) {
        if (p > 0 && h !== 0 && add(`${id(j)} holds ${h} ${res.id} without demanding any`))
          return out;
        continue;
      }
      if (d === ALL) {
        const c = capAt(st);
        if (!(c > EPS) && add(`${id(j)} demands all ${res.id} at ${st} where there are none`))
          return out;
        if (Math.abs(h - c) > EPS && add(`${id(j)} holds ${h} ${res.id}, all is ${c}`)) return out;
        for (const x of steps) {
          if (x.from > st + EPS && x.from < st + p - EPS && x.capacity !== c) {
            if (add(`${id(j)} holds all ${res.id} across a capacity change at ${x.from}`))
              return out;
          }
        }
      } else if (Math.abs(h - d) > EPS && add(`${id(j)} holds ${h} ${res.id}, demand ${d}`)) {
        return out;
      }
      ev.push([st, h], [st + p, -h]);
    }
    for (const x of steps) ev.push([x.from, 0]);
    ev.sort((a, b) => a[0] - b[0]);
    let used = 0;
    for (let k = 0; k < ev.length;) {
      const t = ev[k]![0];
      while (k < ev.length && ev[k]![0] <= t + EPS) used += ev[k++]![1];
      if (used > EPS && used > capAt(t + EPS) + 1e-6) {
        if (add(`${res.id} over capacity at ${t}: ${used} > ${capAt(t + EPS)}`)) return out;
      }
    }
  }
  const wk = problem.workers;
  if (wk !== undefined) {
    const by: number[][] = wk.names.map(() => []);
    for (let j = 0; j < n; j++) {
      const w = s.worker[j]!;
      const e = wk.eligible[j] ?? null;
      if (!(w >= 0 && w < wk.names.length) || (e !== null && !e.includes(w))) {
        if (add(`${id(j)} has worker ${w}, not eligible`)) return out;
        continue;
      }
      if (problem.duration[j]! > 0) by[w]!.push(j);
    }
    for (let w = 0; w < by.length; w++) {
      const js = by[w]!.sort((a, b) => s.start[a]! - s.start[b]!);
      // Against the activity that finishes last among those started before: an overlap longer
      // than EPS (shorter ones are rounding noise) is a double booking.
      let a = -1;
      let fa = -Infinity;
      for (const b of js) {
        const sb = s.start[b]!;
        const fb = sb + problem.duration[b]!;
        if (a >= 0 && Math.min(fa, fb) - sb > EPS) {
          if (add(`${wk.names[w]} does ${id(a)} and ${id(b)} at once`)) return out;
        }
        if (fb > fa) {
          a = b;
          fa = fb;
        }
      }
    }
  } else {
    for (let j = 0; j < n; j++)
      if (s.worker[j] !== -1 && add(`${id(j)} has a worker but the problem has none`)) return out;
  }
  return out;
}
