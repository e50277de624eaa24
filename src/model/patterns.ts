/** The task file's patterns, apart from the zod schemas (schema.ts) so a check can use them without zod. */

/** A task id: what `deps` name. */
export const TASK_ID_RE = /^[A-Za-z0-9._-]+$/;
/**
 * The longest task id and phase name. An activity's log file is named after them (`id%2Fphase.log`,
 * state/paths.ts), and a file name holds at most 255 bytes: 128 + 3 + 64 + 4 leave room.
 */
export const MAX_ID_LENGTH = 128;
export const MAX_PHASE_NAME_LENGTH = 64;
export const HOURS_RE = /^\s*\d+(\.\d+)?\s*(-\s*\d+(\.\d+)?\s*)?$/;
/** An ISO calendar date, `YYYY-MM-DD`. */
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/**
 * A number of hours on the command line (`--hours 2.5`, `.5`, `2.`, `--hours-per-day 7.5`):
 * decimal digits with an optional fraction, so `0x10`, `1e3` and `Infinity` are refused rather
 * than read the way `Number()` reads them.
 */
export const DECIMAL_RE = /^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/;

/** `text` read as a decimal number (DECIMAL_RE), else NaN. */
export function decimalNumber(text: string): number {
  return DECIMAL_RE.test(text) ? Number(text) : NaN;
}

/** Whether `text` is `YYYY-MM-DD` and a day the calendar has (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  if (!DATE_RE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/**
 * The shortest working day, in hours (36 seconds): `hoursPerDay` (the file's and a scenario's)
 * and `--hours-per-day` run from it to 24. The calendar finds an axis hour's day by dividing by
 * the day's length and absorbs float noise of a thousandth of a minute at day boundaries: a day
 * near that length would be dated wrongly, and one of 1e-300 h would put work at working day
 * Infinity. No plan needs a shorter day.
 */
export const MIN_HOURS_PER_DAY = 0.01;

/** A duration such as `90s`, `30m`, `2h`, `1d`: a task's timeout. */
export const DURATION_RE = /^\s*\d+(\.\d+)?\s*(s|m|h|d)\s*$/;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** The seconds in a duration (DURATION_RE); NaN for text that is not one. */
export function durationSeconds(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$/.exec(text);
  return m === null ? NaN : Number(m[1]) * UNIT_SECONDS[m[2]!]!;
}

/**
 * A duration a command can have as its timeout: longer than 0 (`0s` would end every attempt at
 * once), and not so many digits long that its seconds overflow to Infinity.
 */
export function isTimeout(text: string): boolean {
  const s = durationSeconds(text);
  return s > 0 && s < Infinity;
}
