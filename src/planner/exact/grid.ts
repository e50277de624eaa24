import type { Compiled } from '../engine/compile.js';

/** Helpers shared by the exact stages, which both work on integer time (units of the data). */

/** x in units of u (x is a multiple of u, up to rounding). */
export function unitsOf(x: number, u: number): number {
  return Math.round(x / u);
}

/**
 * Every resource's capacity in each period t < H of unit u, and where it changes (1 at t when
 * the capacity at t differs from that at t − 1: an ALL demand may not span one).
 */
export function capacityGrid(
  c: Compiled,
  u: number,
  H: number,
): { cap: Float64Array[]; change: Uint8Array[] } {
  const cap: Float64Array[] = [];
  const change: Uint8Array[] = [];
  for (let r = 0; r < c.R; r++) {
    const T = c.capT[r]!;
    const V = c.capV[r]!;
    const row = new Float64Array(Math.max(1, H));
    const ch = new Uint8Array(Math.max(1, H));
    let k = 0;
    for (let t = 0; t < H; t++) {
      while (k + 1 < T.length && unitsOf(T[k + 1]!, u) <= t) {
        k++;
        ch[t] = 1;
      }
      row[t] = V[k]!;
    }
    cap.push(row);
    change.push(ch);
  }
  return { cap, change };
}

/**
 * Groups workers eligible for the same activities (of positive duration) into crews; returns
 * the crews and, per activity, the crews it may use (empty: it holds no worker).
 */
export function crewsOf(c: Compiled): { crews: number[][]; options: number[][] } {
  const n = c.n;
  const options: number[][] = Array.from({ length: n }, () => []);
  if (c.W === 0) return { crews: [], options };
  const jobsOf: number[][] = Array.from({ length: c.W }, () => []);
  for (let j = 0; j < n; j++) {
    if (!(c.dur[j]! > 0)) continue;
    for (let e = c.eligStart[j]!; e < c.eligStart[j + 1]!; e++) jobsOf[c.elig[e]!]!.push(j);
  }
  const byKey = new Map<string, number>();
  const crews: number[][] = [];
  const crewOf = new Int32Array(c.W);
  for (let w = 0; w < c.W; w++) {
    const key = jobsOf[w]!.join(',');
    let k = byKey.get(key);
    if (k === undefined) {
      k = crews.length;
      byKey.set(key, k);
      crews.push([]);
    }
    crews[k]!.push(w);
    crewOf[w] = k;
  }
  for (let j = 0; j < n; j++) {
    if (!(c.dur[j]! > 0)) continue;
    const seen = new Set<number>();
    for (let e = c.eligStart[j]!; e < c.eligStart[j + 1]!; e++) seen.add(crewOf[c.elig[e]!]!);
    options[j] = [...seen].sort((a, b) => a - b);
  }
  return { crews, options };
}
