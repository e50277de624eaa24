import type { BoundsResult } from '../engine/bounds.js';
import { timeUnit } from '../engine/bounds.js';
import type { Compiled } from '../engine/compile.js';
import { EPS } from '../engine/cpm.js';
import { ALL } from '../engine/problem.js';
import { capacityGrid, crewsOf, unitsOf } from './grid.js';

/**
 * A Problem as the branch and bound sees it: integer time on the problem's time unit u (see
 * `timeUnit`), a horizon H (the incumbent's makespan: no better schedule reaches it), and
 * "lanes": the resources, with their capacity in every period, then one lane per crew
 * (interchangeable workers, see `crewsOf`) of capacity its size. An activity uses each of its
 * resources and one of its crews.
 */
export interface BbModel {
  readonly n: number;
  readonly unit: number;
  readonly H: number;
  /** Durations, releases (earliest starts on the empty profiles) and tails, in units. */
  readonly p: Int32Array;
  readonly release: Int32Array;
  readonly tail: Int32Array;
  /** Lanes: R resources, then the crews. cap[l][t] for t < H. */
  readonly lanes: number;
  readonly cap: readonly Float64Array[];
  /** Per resource lane: 1 at t when its capacity changes at t (an ALL demand may not span one). */
  readonly change: readonly Uint8Array[];
  /**
   * Demands of activity j: lanes useLane[useStart[j]..useStart[j+1]) with amounts useDem (ALL
   * = −1: the whole capacity, free of other users, and no change inside the run).
   */
  readonly useStart: Int32Array;
  readonly useLane: Int32Array;
  readonly useDem: Float64Array;
  /** Crew lanes activity j may take (empty: it holds no worker). */
  readonly crewOptions: readonly Int32Array[];
  /** Crews as worker lists (crew k is lane R + k). */
  readonly crews: readonly (readonly number[])[];
  readonly R: number;
  /** Smallest positive capacity of each lane (what an ALL demand holds at least). */
  readonly minPos: Float64Array;
}

/** Largest grid (horizon × lanes) the branch and bound takes. */
const MAX_CELLS = 1 << 20;

/**
 * The model for schedules shorter than `horizon`, or undefined when the problem has no time
 * unit or is too large for the grid.
 */
export function bbModel(c: Compiled, br: BoundsResult, horizon: number): BbModel | undefined {
  const u = timeUnit(c);
  if (u <= 0 || c.n === 0) return undefined;
  const H = unitsOf(horizon, u);
  const { crews, options } = crewsOf(c);
  const lanes = c.R + crews.length;
  // The cutset memory packs a crew lane in 10 bits.
  if (H <= 0 || H * Math.max(1, lanes) > MAX_CELLS || lanes >= 1023) return undefined;
  const n = c.n;
  const p = new Int32Array(n);
  const release = new Int32Array(n);
  const tail = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    p[j] = unitsOf(c.dur[j]!, u);
    release[j] = Math.ceil(br.release[j]! / u - 1e-9);
    tail[j] = Math.max(0, Math.floor((br.cpm.length - br.cpm.lf[j]!) / u + 1e-9));
  }
  const { cap, change } = capacityGrid(c, u, H);
  const minPos = new Float64Array(lanes);
  for (let r = 0; r < c.R; r++) {
    let m = Infinity;
    for (const v of c.capV[r]!) if (v > EPS && v < m) m = v;
    minPos[r] = m;
  }
  crews.forEach((ws, k) => {
    cap.push(new Float64Array(H).fill(ws.length));
    minPos[c.R + k] = 1;
  });
  const useStart = new Int32Array(n + 1);
  const useLane: number[] = [];
  const useDem: number[] = [];
  for (let j = 0; j < n; j++) {
    if (p[j]! > 0) {
      for (let k = c.useStart[j]!; k < c.useStart[j + 1]!; k++) {
        const r = c.useRes[k]!;
        const d = c.dem[j * c.R + r]!;
        useLane.push(r);
        useDem.push(d === ALL ? ALL : d);
      }
    }
    useStart[j + 1] = useLane.length;
  }
  return {
    n,
    unit: u,
    H,
    p,
    release,
    tail,
    lanes,
    cap,
    change,
    useStart,
    useLane: Int32Array.from(useLane),
    useDem: Float64Array.from(useDem),
    crewOptions: options.map((o) => Int32Array.from(o, (k) => c.R + k)),
    crews,
    R: c.R,
    minPos,
  };
}
