import { EPS } from './cpm.js';

/**
 * Time tolerance of window checks: a window [s, s + p) still fits when it overruns the free
 * stretch (or the capacity segment, for ALL) by at most this. Sums of times round: the backward
 * passes run in mirrored time τ = H − x, where an activity that ended exactly when a capacity
 * step came (x = A) gets (H − (A + p)) + p, a few ulps past the mirrored step H − A, and without
 * the tolerance it found no place before the capacity vanishes. Far above the rounding of any
 * realistic horizon, far below any real duration, and small enough that the overlaps it allows
 * (at most two tolerances, with the snapping in `add`) stay under the checker's EPS.
 */
export const TIME_EPS = EPS / 4;

/**
 * The free capacity of one resource (or one worker) over time: a step function `free(x)` for
 * x ≥ 0, stored as sorted change points ("skyline"). Segment k covers [t_k, t_{k+1}); the last
 * one runs to infinity. It starts as the capacity profile and every placed activity subtracts
 * its demand over its interval, so a capacity drop and a running activity look the same.
 *
 * Layout: the change points live in chunks of at most this.chunkMax entries (a sorted list of sorted
 * typed arrays, "square-root decomposition"). With m change points:
 * - locate a time: O(log m) (binary search over chunk heads, then inside the chunk);
 * - insert a change point: O(B + m/B) (shift inside a chunk, sometimes split one);
 * - add a demand over [s, e): O(B + m/B + k) for the k change points inside [s, e);
 * - earliest feasible start ≥ t for demand d and duration p: O(B + m/B + k) where k is the
 *   number of change points scanned in chunks that may hold a fitting window. Each chunk caches
 *   (for one threshold d) whether it is all free, where its first blocked segment starts, where
 *   its trailing free run starts and its longest free run, so a scan over a long busy stretch
 *   skips whole chunks instead of walking every change point. Worker timelines (always d = 1)
 *   always hit the cache.
 * B is 128 by default; the engine uses about √(2n) for big problems (1024 at 1M activities).
 */
/** Default chunk size; the engine passes a larger one for big problems (about √m). */
export const DEFAULT_CHUNK = 128;

interface Chunk {
  /** Arrays grow by doubling up to the chunk size (small problems stay small). */
  t: Float64Array;
  f: Float64Array;
  len: number;
  /** Threshold the summary below was computed for; NaN when stale. */
  thr: number;
  allGood: boolean;
  prefixEnd: number;
  suffixStart: number;
  maxRun: number;
}

function newChunk(size: number): Chunk {
  const first = Math.min(size, 16);
  return {
    t: new Float64Array(first),
    f: new Float64Array(first),
    len: 0,
    thr: NaN,
    allGood: false,
    prefixEnd: 0,
    suffixStart: NaN,
    maxRun: 0,
  };
}

export class Profile implements ProfileLike {
  private chunks: Chunk[] = [];
  /** firsts[c] = chunks[c].t[0]. */
  private firsts: number[] = [];
  private pool: Chunk[] = [];
  private capT: Float64Array = new Float64Array(1);
  private capV: Float64Array = new Float64Array(1);
  private capN = 1;
  /** Result of locate(): chunk and index. */
  private lc = 0;
  private li = 0;

  private readonly chunkMax: number;

  constructor(capT?: Float64Array, capV?: Float64Array, chunk = DEFAULT_CHUNK) {
    this.chunkMax = Math.max(8, chunk);
    this.reset(capT ?? new Float64Array(1), capV ?? new Float64Array(1), capT?.length ?? 1);
  }

  /**
   * Empties the profile back to the capacity steps: `capT[0]` must be 0, times increasing,
   * consecutive values different (see `normalizeSteps`).
   */
  reset(capT: Float64Array, capV: Float64Array, capN: number): void {
    for (const ch of this.chunks) this.pool.push(ch);
    this.chunks.length = 0;
    this.firsts.length = 0;
    this.capT = capT;
    this.capV = capV;
    this.capN = capN;
    let ch = this.take();
    for (let k = 0; k < capN; k++) {
      if (ch.len === this.chunkMax >> 1) {
        this.push(ch);
        ch = this.take();
      }
      if (ch.len === ch.t.length) this.grow(ch, Math.min(this.chunkMax, ch.len * 2));
      ch.t[ch.len] = capT[k]!;
      ch.f[ch.len] = capV[k]!;
      ch.len++;
    }
    this.push(ch);
  }

  private take(): Chunk {
    const ch = this.pool.pop() ?? newChunk(this.chunkMax);
    ch.len = 0;
    ch.thr = NaN;
    return ch;
  }

  private push(ch: Chunk): void {
    this.chunks.push(ch);
    this.firsts.push(ch.t[0]!);
  }

  /** Number of change points (for tests and diagnostics). */
  get size(): number {
    let n = 0;
    for (const ch of this.chunks) n += ch.len;
    return n;
  }

  /** Sets lc/li to the segment containing x (x ≥ 0). */
  private locate(x: number): void {
    const firsts = this.firsts;
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firsts[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    this.lc = lo;
    this.li = stepIndex(this.chunks[lo]!.t, this.chunks[lo]!.len, x);
  }

  /**
   * Ensures a change point at x, or at an existing one within TIME_EPS of x (so rounding never
   * leaves slivers of a few ulps, which would block a window that fits up to the tolerance);
   * leaves lc/li on it and returns its time.
   */
  private split(x: number): number {
    this.locate(x);
    let ch = this.chunks[this.lc]!;
    const at = ch.t[this.li]!;
    if (x - at <= TIME_EPS) return at;
    if (this.li + 1 < ch.len) {
      const nx = ch.t[this.li + 1]!;
      if (nx - x <= TIME_EPS) {
        this.li++;
        return nx;
      }
    } else if (this.lc + 1 < this.chunks.length) {
      const nx = this.firsts[this.lc + 1]!;
      if (nx - x <= TIME_EPS) {
        this.lc++;
        this.li = 0;
        return nx;
      }
    }
    if (ch.len === this.chunkMax) {
      this.splitChunk(this.lc);
      this.locate(x);
      ch = this.chunks[this.lc]!;
    } else if (ch.len === ch.t.length) {
      this.grow(ch, Math.min(this.chunkMax, ch.len * 2));
    }
    const i = this.li + 1;
    const T = ch.t;
    const F = ch.f;
    if (ch.len - i > 32) {
      T.copyWithin(i + 1, i, ch.len);
      F.copyWithin(i + 1, i, ch.len);
    } else {
      for (let k = ch.len; k > i; k--) {
        T[k] = T[k - 1]!;
        F[k] = F[k - 1]!;
      }
    }
    T[i] = x;
    ch.f[i] = ch.f[i - 1]!;
    ch.len++;
    ch.thr = NaN;
    this.li = i;
    return x;
  }

  private grow(ch: Chunk, size: number): void {
    const t = new Float64Array(size);
    const f = new Float64Array(size);
    t.set(ch.t.subarray(0, ch.len));
    f.set(ch.f.subarray(0, ch.len));
    ch.t = t;
    ch.f = f;
  }

  private splitChunk(c: number): void {
    const ch = this.chunks[c]!;
    const nw = this.take();
    const h = ch.len >> 1;
    if (nw.t.length < ch.len - h) this.grow(nw, this.chunkMax);
    nw.t.set(ch.t.subarray(h, ch.len));
    nw.f.set(ch.f.subarray(h, ch.len));
    nw.len = ch.len - h;
    ch.len = h;
    ch.thr = NaN;
    this.chunks.splice(c + 1, 0, nw);
    this.firsts.splice(c + 1, 0, nw.t[0]!);
  }

  /** Adds `delta` to free(x) for x in [s, e) (ends within TIME_EPS of a change point snap to it). */
  add(s: number, e: number, delta: number): void {
    if (!(e > s)) return;
    e = this.split(e);
    s = this.split(s);
    if (!(e > s)) return;
    let c = this.lc;
    let i = this.li;
    let ch = this.chunks[c]!;
    ch.thr = NaN;
    for (;;) {
      if (i === ch.len) {
        c++;
        ch = this.chunks[c]!;
        ch.thr = NaN;
        i = 0;
      }
      if (ch.t[i]! >= e) break;
      ch.f[i] = ch.f[i]! + delta;
      i++;
    }
  }

  /** free(x). */
  freeAt(x: number): number {
    this.locate(x);
    return this.chunks[this.lc]!.f[this.li]!;
  }

  /** Minimum of free(x) over [s, e), or over the point s when e ≤ s. */
  minFree(s: number, e: number): number {
    this.locate(s);
    let c = this.lc;
    let i = this.li;
    let ch = this.chunks[c]!;
    let m = ch.f[i]!;
    for (;;) {
      i++;
      if (i === ch.len) {
        c++;
        if (c === this.chunks.length) return m;
        ch = this.chunks[c]!;
        i = 0;
      }
      if (ch.t[i]! >= e) return m;
      if (ch.f[i]! < m) m = ch.f[i]!;
    }
  }

  private summarize(ch: Chunk, c: number, thr: number): void {
    const end = c + 1 < this.chunks.length ? this.firsts[c + 1]! : Infinity;
    const T = ch.t;
    const F = ch.f;
    let allGood = true;
    let prefixEnd = end;
    let maxRun = 0;
    let run = NaN;
    for (let i = 0; i < ch.len; i++) {
      if (F[i]! >= thr) {
        if (run !== run) run = T[i]!;
      } else {
        if (run === run) {
          if (T[i]! - run > maxRun) maxRun = T[i]! - run;
          run = NaN;
        }
        if (allGood) {
          allGood = false;
          prefixEnd = T[i]!;
        }
      }
    }
    if (run === run && end - run > maxRun) maxRun = end - run;
    ch.allGood = allGood;
    ch.prefixEnd = prefixEnd;
    ch.suffixStart = run;
    ch.maxRun = maxRun;
    ch.thr = thr;
  }

  /**
   * The earliest s ≥ t with free(x) ≥ d for every x in [s, s + p) (for p = 0: free(s) ≥ d).
   * Infinity when there is none. A window short by at most TIME_EPS still fits (see TIME_EPS).
   */
  earliest(t: number, p: number, d: number): number {
    const thr = d - EPS;
    const q = p - TIME_EPS;
    this.locate(t);
    const chunks = this.chunks;
    const nc = chunks.length;
    let c = this.lc;
    let i = this.li;
    let run = NaN;
    for (;;) {
      const ch = chunks[c]!;
      const T = ch.t;
      const F = ch.f;
      const len = ch.len;
      const chunkEnd = c + 1 < nc ? this.firsts[c + 1]! : Infinity;
      for (; i < len; i++) {
        if (F[i]! >= thr) {
          if (run !== run) run = T[i]! > t ? T[i]! : t;
          const end = i + 1 < len ? T[i + 1]! : chunkEnd;
          if (run + q <= end) return run;
        } else run = NaN;
      }
      // Later chunks: skip those that cannot hold (the rest of) a fitting window.
      c++;
      for (; ; c++) {
        if (c >= nc) return Infinity;
        const nx = chunks[c]!;
        if (nx.thr !== thr) this.summarize(nx, c, thr);
        if (nx.allGood) {
          if (run !== run) run = nx.t[0]!;
          const end = c + 1 < nc ? this.firsts[c + 1]! : Infinity;
          if (run + q <= end) return run;
          continue;
        }
        if (run === run && run + q <= nx.prefixEnd) return run;
        if (nx.maxRun >= q) break;
        run = nx.suffixStart;
      }
      i = 0;
    }
  }

  /**
   * Start of the maximal run of segments with free ≥ d that contains x (x must be in one):
   * when the resource became free enough before x.
   */
  freeSince(x: number, d: number): number {
    const thr = d - EPS;
    this.locate(x);
    let c = this.lc;
    let i = this.li;
    for (;;) {
      if (i > 0) {
        if (this.chunks[c]!.f[i - 1]! >= thr) i--;
        else break;
      } else if (c > 0) {
        const prev = this.chunks[c - 1]!;
        if (prev.f[prev.len - 1]! >= thr) {
          c--;
          i = prev.len - 1;
        } else break;
      } else break;
    }
    return this.chunks[c]!.t[i]!;
  }

  /** Capacity (not free capacity) at s. */
  capAt(s: number): number {
    return this.capV[stepIndex(this.capT, this.capN, s)]!;
  }

  /**
   * Earliest s ≥ t for an activity that holds ALL units for p > 0: capacity positive at s, no
   * capacity change inside (s, s + p), and nothing else using the resource over [s, s + p).
   */
  earliestAll(t: number, p: number): number {
    return earliestAllOf(this, this.capT, this.capV, this.capN, t, p);
  }
}

/** What the schedule generation schemes need from a free-capacity profile. */
export interface ProfileLike {
  reset(capT: Float64Array, capV: Float64Array, capN: number): void;
  add(s: number, e: number, delta: number): void;
  earliest(t: number, p: number, d: number): number;
  earliestAll(t: number, p: number): number;
  freeSince(x: number, d: number): number;
  capAt(s: number): number;
}

/**
 * A time-indexed profile for integral problems (integer durations and capacity-change times)
 * with a short horizon, such as PSPLIB instances: one cell per unit of time. Every query walks
 * cells (O(p) amortized per candidate start, O(horizon) per reset) but with tiny constants,
 * which beats the skyline below a few thousand cells. Times past the horizon keep the last
 * capacity and are never used (the horizon bounds every start of a feasible serial pass).
 */
export class GridProfile implements ProfileLike {
  private readonly f: Float64Array;
  private readonly len: number;
  private capT: Float64Array = new Float64Array(1);
  private capV: Float64Array = new Float64Array(1);
  private capN = 1;

  constructor(horizon: number) {
    this.len = horizon;
    this.f = new Float64Array(horizon);
  }

  reset(capT: Float64Array, capV: Float64Array, capN: number): void {
    this.capT = capT;
    this.capV = capV;
    this.capN = capN;
    const f = this.f;
    for (let k = 0; k < capN; k++) {
      const a = Math.min(capT[k]!, this.len);
      const b = k + 1 < capN ? Math.min(capT[k + 1]!, this.len) : this.len;
      f.fill(capV[k]!, a, b);
    }
  }

  add(s: number, e: number, delta: number): void {
    const f = this.f;
    const end = Math.min(e, this.len);
    for (let x = s; x < end; x++) f[x] = f[x]! + delta;
  }

  earliest(t: number, p: number, d: number): number {
    const thr = d - EPS;
    const f = this.f;
    const len = this.len;
    let s = t;
    if (p <= 0) {
      while (s < len && f[s]! < thr) s++;
      return s < len ? s : this.capV[this.capN - 1]! >= thr ? s : Infinity;
    }
    for (let x = t; x < s + p; x++) {
      if (x >= len) return this.capV[this.capN - 1]! >= thr ? s : Infinity;
      if (f[x]! < thr) s = x + 1;
    }
    return s;
  }

  freeSince(x: number, d: number): number {
    const thr = d - EPS;
    let i = Math.min(x, this.len);
    while (i > 0 && this.f[i - 1]! >= thr) i--;
    return i;
  }

  capAt(s: number): number {
    return this.capV[stepIndex(this.capT, this.capN, s)]!;
  }

  earliestAll(t: number, p: number): number {
    return earliestAllOf(this, this.capT, this.capV, this.capN, t, p);
  }
}

/** earliestAll on any profile: see Profile.earliestAll. */
function earliestAllOf(
  prof: ProfileLike,
  capT: Float64Array,
  capV: Float64Array,
  capN: number,
  t: number,
  p: number,
): number {
  let s = t;
  for (;;) {
    const k = stepIndex(capT, capN, s);
    const c = capV[k]!;
    if (c <= EPS) {
      let q = k + 1;
      while (q < capN && capV[q]! <= EPS) q++;
      if (q >= capN) return Infinity;
      s = capT[q]!;
      continue;
    }
    const next = k + 1 < capN ? capT[k + 1]! : Infinity;
    if (s + p > next + TIME_EPS) {
      s = next;
      continue;
    }
    const s2 = prof.earliest(s, p, c);
    if (s2 === s) return s;
    // Past the next change the capacity (so the units ALL needs) differs: look again there.
    s = s2 < next ? s2 : next;
    if (s === Infinity) return s;
  }
}

/** Index of the step in force at s: the last of the first n (increasing) times that is ≤ s, else 0. */
function stepIndex(T: Float64Array, n: number, s: number): number {
  let a = 0;
  let b = n - 1;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (T[mid]! <= s) a = mid;
    else b = mid - 1;
  }
  return a;
}
