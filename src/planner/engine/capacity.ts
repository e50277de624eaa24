import type { CapacityStep } from './problem.js';
import { EPS } from './cpm.js';

/**
 * A capacity profile in its one canonical form, shared by the engine, the project model and the
 * calendar: sorted by time, the capacity in force at time 0 first (0 when nothing is given then;
 * steps before 0 count from 0), the last step given for a time wins, and steps that do not change
 * the capacity are dropped.
 */
export function normalizeProfile(steps: readonly CapacityStep[]): CapacityStep[] {
  const sorted = [...steps].sort((a, b) => a.from - b.from);
  const out: CapacityStep[] = [];
  for (const s of sorted) {
    const from = Math.max(0, s.from);
    const last = out[out.length - 1];
    if (last !== undefined && last.from === from)
      out[out.length - 1] = { from, capacity: s.capacity };
    else out.push({ from, capacity: s.capacity });
  }
  if (out[0]?.from !== 0) out.unshift({ from: 0, capacity: 0 });
  return out.filter((s, i) => i === 0 || s.capacity !== out[i - 1]!.capacity);
}

/** A stretch of time `[from, to)` on a profile's axis; `to` is Infinity for one that never ends. */
export interface Stretch {
  readonly from: number;
  readonly to: number;
  /** The capacity over the stretch: its lowest (its one level, for ALL). */
  readonly capacity: number;
}

/**
 * The longest stretch of a normalized profile over which an activity holding `demand` units could
 * run, as the engine places one: capacity ≥ demand all along (for a demand of 0, any positive
 * capacity: what the GPU host resource asks), or, for ALL (-1), one positive capacity that does
 * not change. The earliest of equal ones; undefined when the demand never fits at all.
 */
export function longestFit(steps: readonly CapacityStep[], demand: number): Stretch | undefined {
  const all = demand < 0;
  const fits = (c: number): boolean => (demand <= 0 ? c > EPS : c >= demand - EPS);
  let best: Stretch | undefined;
  for (let k = 0; k < steps.length; k++) {
    if (!fits(steps[k]!.capacity)) continue;
    const from = steps[k]!.from;
    let low = steps[k]!.capacity;
    // ALL holds one level: the stretch is the step. Otherwise it runs on while the demand fits.
    while (!all && k + 1 < steps.length && fits(steps[k + 1]!.capacity))
      low = Math.min(low, steps[++k]!.capacity);
    const to = k + 1 < steps.length ? steps[k + 1]!.from : Infinity;
    if (best === undefined || to - from > best.to - best.from) best = { from, to, capacity: low };
  }
  return best;
}
