import type { WorkCalendar } from '../calendar/calendar.js';
import { LAST_DATE, workingDate, workingDayFinder } from '../calendar/calendar.js';
import { fmtDate } from './format.js';

/**
 * The ticks of the HTML report's time axes (the Gantt and the finish histogram): a tick a working
 * day while the axis spans at most MAX_TICKS of them, else a tick a week, month, quarter, year, or
 * a number of years, the finest of these that keeps the ticks within MAX_TICKS. The ticks of a
 * coarse unit are found by calendar arithmetic (workingDayFinder), never by visiting the days in
 * between, so an axis costs O(MAX_TICKS · log holidays) however long the plan.
 */

/** At most this many ticks (grid lines) on a time axis: 26 weeks of working days. */
export const MAX_TICKS = 130;

export type TickUnit = 'day' | 'week' | 'month' | 'quarter' | 'year' | `${number} years`;

export interface AxisTick {
  /** The working day the tick is at. */
  readonly day: number;
  /** Its date, `YYYY-MM-DD`. */
  readonly date: string;
  /** The year the tick names (the unit's), for labels that add it when it changes. */
  readonly year: string;
  /** The label without the year, and with it. */
  readonly short: string;
  readonly long: string;
  /** The period that starts here, in words (`week of Mon 7 Dec 2026`, `Q1 2027`). */
  readonly name: string;
  /** Where the next coarser period starts (a week, a month, a year): drawn thicker. */
  readonly major: boolean;
}

export interface AxisTicks {
  readonly unit: TickUnit;
  readonly ticks: readonly AxisTick[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const YEAR_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];
const LAST_YEAR = Number(LAST_DATE.slice(0, 4));

/** A calendar date as numbers (month 1–12). */
interface Ymd {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

function ymdOf(date: string): Ymd {
  return { y: +date.slice(0, 4), m: +date.slice(5, 7), d: +date.slice(8, 10) };
}

function isoOf(t: Ymd): string {
  return `${String(t.y).padStart(4, '0')}-${String(t.m).padStart(2, '0')}-${String(t.d).padStart(2, '0')}`;
}

/** The date `days` days after `t` (negative: before), through UTC (setUTCFullYear: years < 100). */
function addDays(t: Ymd, days: number): Ymd {
  const date = new Date(0);
  date.setUTCFullYear(t.y, t.m - 1, t.d + days);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

function weekday(t: Ymd): number {
  const date = new Date(0);
  date.setUTCFullYear(t.y, t.m - 1, t.d);
  return date.getUTCDay();
}

/** A coarse unit: the period holding a date, the next period, and its words. */
interface Coarse {
  readonly unit: TickUnit;
  startOf(t: Ymd): Ymd;
  next(t: Ymd): Ymd;
  /** Labels of the period starting at `u`, whose tick is at working date `w`. */
  words(u: Ymd, w: Ymd): { short: string; long: string; name: string; year: number };
  /** Whether a period starting at `u` opens the next coarser period. */
  major(u: Ymd, prev: Ymd | undefined): boolean;
}

const WEEK: Coarse = {
  unit: 'week',
  startOf: (t) => addDays(t, -((weekday(t) + 6) % 7)),
  next: (t) => addDays(t, 7),
  words: (_u, w) => ({
    short: `${w.d} ${MONTHS[w.m - 1]!}`,
    long: `${w.d} ${MONTHS[w.m - 1]!} ${w.y}`,
    name: `week of ${fmtDate(isoOf(w), true)}`,
    year: w.y,
  }),
  major: (u, prev) => prev !== undefined && (u.m !== prev.m || u.y !== prev.y),
};

const MONTH: Coarse = {
  unit: 'month',
  startOf: (t) => ({ y: t.y, m: t.m, d: 1 }),
  next: (t) => (t.m === 12 ? { y: t.y + 1, m: 1, d: 1 } : { y: t.y, m: t.m + 1, d: 1 }),
  words: (u) => ({
    short: MONTHS[u.m - 1]!,
    long: `${MONTHS[u.m - 1]!} ${u.y}`,
    name: `${MONTHS[u.m - 1]!} ${u.y}`,
    year: u.y,
  }),
  major: (u, prev) => prev !== undefined && u.y !== prev.y,
};

const QUARTER: Coarse = {
  unit: 'quarter',
  startOf: (t) => ({ y: t.y, m: Math.floor((t.m - 1) / 3) * 3 + 1, d: 1 }),
  next: (t) => (t.m >= 10 ? { y: t.y + 1, m: 1, d: 1 } : { y: t.y, m: t.m + 3, d: 1 }),
  words: (u) => {
    const q = `Q${Math.floor((u.m - 1) / 3) + 1}`;
    return { short: q, long: `${q} ${u.y}`, name: `${q} ${u.y}`, year: u.y };
  },
  major: (u, prev) => prev !== undefined && u.y !== prev.y,
};

function years(step: number): Coarse {
  return {
    unit: step === 1 ? 'year' : `${step} years`,
    startOf: (t) => ({ y: Math.floor(t.y / step) * step, m: 1, d: 1 }),
    next: (t) => ({ y: t.y + step, m: 1, d: 1 }),
    // The tick's own year: the first period may have begun before the plan did.
    words: (u, w) => ({
      short: String(w.y),
      long: String(w.y),
      name: step === 1 ? String(w.y) : `${w.y}–${u.y + step - 1}`,
      year: w.y,
    }),
    major: () => false,
  };
}

const COARSE: readonly Coarse[] = [WEEK, MONTH, QUARTER, ...YEAR_STEPS.map(years)];

/** The Monday of a date's week, as a key. */
function weekKey(date: string): string {
  return isoOf(WEEK.startOf(ymdOf(date)));
}

/**
 * The ticks of working days `lo`…`hi` (both included, lo ≥ 0). With `clampFirst`, the first
 * tick is at `lo` itself and names the period holding it (the plan's start); without, only
 * periods that start inside the range get a tick. At most MAX_TICKS ticks.
 */
export function axisTicks(
  cal: WorkCalendar,
  lo: number,
  hi: number,
  clampFirst: boolean,
): AxisTicks {
  const last = Math.min(hi, cal.lastDay);
  if (last < lo) return { unit: 'day', ticks: [] };
  if (last - lo + 1 <= MAX_TICKS) {
    // A tick a working day, a major one where a week starts (after the first).
    const ticks: AxisTick[] = [];
    let prevWeek = '';
    for (let d = lo; d <= last; d++) {
      const date = workingDate(cal, d);
      const week = weekKey(date);
      const t = ymdOf(date);
      ticks.push({
        day: d,
        date,
        year: String(t.y),
        short: fmtDate(date),
        long: fmtDate(date, true),
        name: fmtDate(date, true),
        major: d > 0 && week !== prevWeek,
      });
      prevWeek = week;
    }
    return { unit: 'day', ticks };
  }
  const finder = workingDayFinder(cal);
  const from = ymdOf(finder.dateOf(lo));
  for (const c of COARSE) {
    const ticks = coarseTicks(c, finder.at, from, lo, last, clampFirst);
    if (ticks !== undefined) return { unit: c.unit, ticks };
  }
  // Unreachable: 10,000-year periods give at most two ticks between year 1 and LAST_DATE.
  return { unit: 'day', ticks: [] };
}

/** The ticks of one unit, or undefined when there would be more than MAX_TICKS. */
function coarseTicks(
  c: Coarse,
  at: (date: string) => { day: number; date: string },
  from: Ymd,
  lo: number,
  hi: number,
  clampFirst: boolean,
): AxisTick[] | undefined {
  const ticks: AxisTick[] = [];
  let prev: Ymd | undefined;
  const push = (u: Ymd, day: number, date: string): void => {
    const w = c.words(u, ymdOf(date));
    const tick: AxisTick = {
      day,
      date,
      year: String(w.year),
      short: w.short,
      long: w.long,
      name: w.name,
      major: c.major(u, prev),
    };
    // A later period whose first working day is the same (holidays) takes the tick.
    if (ticks.length > 0 && ticks[ticks.length - 1]!.day === day) ticks[ticks.length - 1] = tick;
    else ticks.push(tick);
    prev = u;
  };
  let u = c.startOf(from);
  if (clampFirst) push(u, lo, isoOf(from));
  else if (at(isoOf(u)).day === lo) push(u, lo, isoOf(from));
  for (u = c.next(u); u.y <= LAST_YEAR; u = c.next(u)) {
    const w = at(isoOf(u));
    if (w.day > hi) break;
    if (w.day < lo) continue;
    push(u, w.day, w.date);
    if (ticks.length > MAX_TICKS) return undefined;
  }
  return ticks;
}
