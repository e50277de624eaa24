import type { CapacityStep } from './problem.js';

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
