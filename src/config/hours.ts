import type { Estimate } from '../model/project.js';
import { durationSeconds } from '../model/patterns.js';
import type { HoursInput } from '../model/schema.js';

/** An estimate, or the reason the hours are not a usable range. */
export type HoursParse = { ok: true; estimate: Estimate } | { ok: false; message: string };

const finite = (x: number): boolean => Number.isFinite(x);

/**
 * The most hours one estimate may have: 100,000 h is about 48 years of 8-hour days. The planner
 * walks the calendar hour by hour block, so 1e12 h never ended, and 1e308 h overflowed the
 * expected hours to Infinity.
 */
export const MAX_HOURS = 100_000;

const tooMany = (h: number): HoursParse => ({
  ok: false,
  message: `hours must be at most ${MAX_HOURS} (about 48 years of 8-hour days), got ${h}`,
});

/** Turns the file's `hours` (number, "low-high" or {low, likely, high}) into an estimate. */
export function parseHours(h: HoursInput): HoursParse {
  if (typeof h === 'number') {
    if (!finite(h)) return { ok: false, message: `hours must be a finite number, got ${h}` };
    if (h < 0) return { ok: false, message: `hours must not be negative, got ${h}` };
    if (h > MAX_HOURS) return tooMany(h);
    return { ok: true, estimate: { low: h, likely: h, high: h, likelyGiven: false } };
  }
  if (typeof h === 'string') {
    // The text before the first `-` and, if there is one, up to the next (Number trims).
    const dash = h.indexOf('-');
    const low = Number(dash < 0 ? h : h.slice(0, dash));
    const next = dash < 0 ? -1 : h.indexOf('-', dash + 1);
    const high = dash < 0 ? low : Number(next < 0 ? h.slice(dash + 1) : h.slice(dash + 1, next));
    if (!finite(low) || !finite(high)) return { ok: false, message: `bad hour range "${h}"` };
    if (low > high)
      return { ok: false, message: `bad hour range "${h}": low ${low} is above high ${high}` };
    if (high > MAX_HOURS) return tooMany(high);
    return { ok: true, estimate: { low, likely: (low + high) / 2, high, likelyGiven: false } };
  }
  const { low, high } = h;
  if (![low, high, h.likely ?? 0].every(finite)) {
    return { ok: false, message: 'hours must be finite numbers' };
  }
  if (low < 0) return { ok: false, message: `hours must not be negative, got low ${low}` };
  if (low > high) return { ok: false, message: `bad hour range: low ${low} is above high ${high}` };
  if (high > MAX_HOURS) return tooMany(high);
  if (h.likely !== undefined && (h.likely < low || h.likely > high)) {
    return { ok: false, message: `bad hour range: likely ${h.likely} is outside ${low}-${high}` };
  }
  const likelyGiven = h.likely !== undefined;
  return { ok: true, estimate: { low, likely: h.likely ?? (low + high) / 2, high, likelyGiven } };
}

/** Seconds in a duration such as `90s`, `30m`, `2h`, `1d`. */
export function parseDurationSeconds(text: string): number {
  const seconds = durationSeconds(text);
  if (Number.isNaN(seconds)) throw new Error(`Internal error: unchecked duration ${text}`);
  return seconds;
}
