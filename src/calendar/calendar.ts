import { normalizeProfile } from '../planner/engine/capacity.js';
import type { CapacityStep } from '../planner/engine/problem.js';
import { DATE_RE, MIN_HOURS_PER_DAY } from '../model/patterns.js';
import { InputLimitError } from '../result.js';

/**
 * The working-time calendar: maps hours on the planner's working-time axis to dates and clock
 * times, and dates (hardware arrivals) back onto the axis.
 *
 * Working day d (0-based) covers axis hours [d·H, (d+1)·H), where H is `hoursPerDay`. Working days
 * are Monday to Friday, skipping holidays, from the first working day on or after `start`. The
 * working day starts at 09:00, so hour d·H + x is day d at 09:00 + x.
 */
export interface WorkCalendar {
  /** The project's start date as given, `YYYY-MM-DD` (may be a weekend or holiday). */
  readonly start: string;
  readonly hoursPerDay: number;
  /** Dates that are not working days, `YYYY-MM-DD`. */
  readonly holidays: ReadonlySet<string>;
  /** Minutes after midnight when the working day starts (540: 09:00). */
  readonly dayStartMinutes: number;
  /** `YYYY-MM-DD` of working day d (cached, grown on demand). */
  readonly days: string[];
  /** Days since 1970-01-01 of working day d (grown with `days`). */
  readonly epochDays: number[];
  /** The index of the last working day on or before LAST_DATE (-1: none). */
  readonly lastDay: number;
}

/** The last date a plan may reach: dates are written `YYYY-MM-DD`, with four-digit years. */
export const LAST_DATE = '9999-12-31';

/** A clock reading on the calendar. */
export interface CalendarPoint {
  /** Working-day index from 0. */
  readonly day: number;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** `HH:MM`, 24-hour. */
  readonly time: string;
  /** `YYYY-MM-DDTHH:MM`, local time of the project. */
  readonly iso: string;
}

/** Working days a single lookup may skip before the calendar is declared broken. */
const MAX_SCAN = 10_000;

export interface CalendarOptions {
  readonly start: string;
  readonly hoursPerDay: number;
  readonly holidays?: readonly string[];
  /** @default 540 (09:00) */
  readonly dayStartMinutes?: number;
}

/** A project's working calendar: its start and holidays, at `hoursPerDay` (the project's own by default). */
export function projectCalendar(
  project: {
    readonly start: string;
    readonly holidays: readonly string[];
    readonly hoursPerDay: number;
  },
  hoursPerDay = project.hoursPerDay,
): WorkCalendar {
  return makeCalendar({ start: project.start, hoursPerDay, holidays: project.holidays });
}

export function makeCalendar(opts: CalendarOptions): WorkCalendar {
  if (!(opts.hoursPerDay >= MIN_HOURS_PER_DAY && opts.hoursPerDay <= 24)) {
    throw new Error(
      `Internal error: hoursPerDay must be from ${MIN_HOURS_PER_DAY} to 24, got ${opts.hoursPerDay}`,
    );
  }
  const holidays = new Set(opts.holidays ?? []);
  return {
    start: opts.start,
    hoursPerDay: opts.hoursPerDay,
    holidays,
    dayStartMinutes: opts.dayStartMinutes ?? 540,
    days: [],
    epochDays: [],
    lastDay: workingDaysUntil(epochDayOf(opts.start), epochDayOf(LAST_DATE), holidays) - 1,
  };
}

/** Working days from epoch day `from` to `to`, both included: weekdays less the holidays among them. */
function workingDaysUntil(from: number, to: number, holidays: ReadonlySet<string>): number {
  if (to < from) return 0;
  const weeks = Math.floor((to - from + 1) / 7);
  let count = weeks * 5;
  for (let d = from + weeks * 7; d <= to; d++) if (isWeekday(d)) count++;
  for (const h of holidays) {
    const d = epochDayOf(h);
    if (d >= from && d <= to && isWeekday(d)) count--;
  }
  return count;
}

/** True when `date` (YYYY-MM-DD) is a working day: Mon–Fri and not a holiday. */
export function isWorkingDay(cal: WorkCalendar, date: string): boolean {
  return isWorkingEpochDay(cal, epochDayOf(date), date);
}

function isWorkingEpochDay(cal: WorkCalendar, day: number, date: string): boolean {
  return isWeekday(day) && !cal.holidays.has(date);
}

function isWeekday(day: number): boolean {
  const wd = weekdayOf(day);
  return wd !== 0 && wd !== 6;
}

/**
 * Days since 1970-01-01 of a `YYYY-MM-DD` date (the loader checked every date the calendar
 * gets). Calendar dates carry no time zone, so the arithmetic is on UTC days: a plan for 100k
 * tasks spans tens of thousands of days, and each is a few integer operations instead of a
 * date-library round trip. The day count is the proleptic Gregorian calendar's, by arithmetic:
 * `Date.UTC` would read the years 0000 to 0099 as 1900 to 1999.
 */
function epochDayOf(date: string): number {
  if (DATE_RE.test(date)) {
    const y = +date.slice(0, 4);
    const m = +date.slice(5, 7);
    const d = +date.slice(8, 10);
    if (m >= 1 && m <= 12 && d >= 1 && d <= 31) {
      const day = daysFromCivil(y, m, d);
      if (d <= 28 || dateOfEpochDay(day) === date) return day;
    }
  }
  throw new Error(`Internal error: bad date ${date}`);
}

/** The calendar date before `date` (`YYYY-MM-DD`). */
export function dayBefore(date: string): string {
  return dateOfEpochDay(epochDayOf(date) - 1);
}

/** Days since 1970-01-01 of year `y`, month `m` (1–12), day `d` (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const y0 = m <= 2 ? y - 1 : y;
  const era = Math.floor(y0 / 400);
  const yoe = y0 - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function dateOfEpochDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The first working day on or after epoch day `from`, as [epoch day, date]. */
function nextWorkingDay(cal: WorkCalendar, from: number): [number, string] {
  for (let i = 0; i < MAX_SCAN; i++) {
    const s = dateOfEpochDay(from + i);
    if (isWorkingEpochDay(cal, from + i, s)) return [from + i, s];
  }
  throw new Error(
    `Internal error: no working day within ${MAX_SCAN} days of ${dateOfEpochDay(from)}`,
  );
}

/**
 * The date of working day `d` (d ≥ 0). Past LAST_DATE, an InputLimitError: the estimates
 * (or a tiny `hoursPerDay`) put work where no date can be written.
 */
export function workingDate(cal: WorkCalendar, d: number): string {
  if (!Number.isInteger(d) || d < 0) throw new Error(`Internal error: bad working-day index ${d}`);
  if (d > cal.lastDay) {
    throw new InputLimitError(
      `the plan runs past ${LAST_DATE}, the last date critpath writes: its work reaches working day ${d + 1} from ${cal.start}, and only ${Math.max(0, cal.lastDay + 1)} come before that date (check the hours and hoursPerDay)`,
    );
  }
  const days = cal.days;
  const epoch = cal.epochDays;
  if (days.length === 0) {
    const [e, s] = nextWorkingDay(cal, epochDayOf(cal.start));
    epoch.push(e);
    days.push(s);
  }
  while (days.length <= d) {
    const [e, s] = nextWorkingDay(cal, epoch[epoch.length - 1]! + 1);
    epoch.push(e);
    days.push(s);
  }
  return days[d]!;
}

/**
 * The working-day index of `date`: the index of the first working day on or after it. Dates
 * before the project's first working day map to 0.
 */
export function dayIndexOf(cal: WorkCalendar, date: string): number {
  const first = workingDate(cal, 0);
  if (date <= first) return 0;
  const target = nextWorkingDay(cal, epochDayOf(date))[1];
  let d = 0;
  while (workingDate(cal, d) < target) d++;
  return d;
}

/** The first working day on or after a date: its index from 0 and its date. */
export interface WorkingDayAt {
  readonly day: number;
  readonly date: string;
}

/** Working days found by arithmetic: see workingDayFinder. */
export interface WorkingDayFinder {
  /** The first working day on or after `date` (day 0 for dates before the first working day). */
  at(date: string): WorkingDayAt;
  /** The date of working day `day` (0 ≤ day ≤ the calendar's last day). */
  dateOf(day: number): string;
}

/**
 * Working-day lookups in O(log holidays) a call: weekdays are counted by arithmetic and holidays
 * by a binary search, so the axis ticks of a plan that runs for centuries cost a few operations
 * each, where `dayIndexOf` and `workingDate` visit every working day in between.
 */
export function workingDayFinder(cal: WorkCalendar): WorkingDayFinder {
  workingDate(cal, 0);
  const first = cal.epochDays[0]!;
  const firstDate = cal.days[0]!;
  const off = [...cal.holidays]
    .map((h) => epochDayOf(h))
    .filter((e) => e >= first && isWeekday(e))
    .sort((a, b) => a - b);
  // Holidays among epoch days [first, e): the first index in `off` at or after e.
  const holidaysBefore = (e: number): number => {
    let lo = 0;
    let hi = off.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (off[mid]! < e) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Working days among epoch days [first, e).
  const before = (e: number): number => weekdaysBetween(first, e) - holidaysBefore(e);
  return {
    at(date: string): WorkingDayAt {
      const e = epochDayOf(date);
      if (e <= first) return { day: 0, date: firstDate };
      const [at, s] = nextWorkingDay(cal, e);
      return { day: before(at), date: s };
    },
    dateOf(day: number): string {
      if (!Number.isInteger(day) || day < 0 || day > cal.lastDay)
        throw new Error(`Internal error: bad working-day index ${day}`);
      // The smallest epoch day e with `day + 1` working days in [first, e].
      let lo = first;
      let hi = first + Math.ceil(((day + off.length + 1) * 7) / 5) + 7;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (before(mid + 1) > day) hi = mid;
        else lo = mid + 1;
      }
      return dateOfEpochDay(lo);
    },
  };
}

/** Weekdays among epoch days [from, to). */
function weekdaysBetween(from: number, to: number): number {
  if (to <= from) return 0;
  const weeks = Math.floor((to - from) / 7);
  let count = weeks * 5;
  for (let d = from + weeks * 7; d < to; d++) if (isWeekday(d)) count++;
  return count;
}

/** The axis hour at which `date` begins as a working day (its 09:00, or the next working day's). */
export function hourOfDate(cal: WorkCalendar, date: string): number {
  return dayIndexOf(cal, date) * cal.hoursPerDay;
}

/**
 * The axis hour of an instant (epoch ms, read in the machine's local time): the working hours
 * before it. Before 09:00 counts as the day's start, after the working day as its end, a
 * weekend or holiday as the next working day's start. A working day over 15 h runs on past
 * midnight (as isoAt dates it): the early hours of the next calendar day are still its own.
 */
export function axisHourOf(cal: WorkCalendar, epochMs: number): number {
  const d = new Date(epochMs);
  const H = cal.hoursPerDay;
  const minutes = d.getHours() * 60 + d.getMinutes() + d.getSeconds() / 60;
  // Minutes past midnight that the day before's working day still runs.
  const spill = cal.dayStartMinutes + H * 60 - MINUTES_PER_DAY;
  const date = localDate(d);
  if (spill > 0 && minutes < spill) {
    const prev = dayBefore(date);
    if (isWorkingDay(cal, prev) && prev >= cal.start) {
      const into = (minutes + MINUTES_PER_DAY - cal.dayStartMinutes) / 60;
      return dayIndexOf(cal, prev) * H + Math.min(H, into);
    }
  }
  const day = dayIndexOf(cal, date);
  if (!isWorkingDay(cal, date) || date < cal.start) return day * H;
  const into = Math.min(H, Math.max(0, (minutes - cal.dayStartMinutes) / 60));
  return day * H + into;
}

/** The local calendar date of `d`, `YYYY-MM-DD`. */
export function localDate(d: Date): string {
  const pad = (x: number, n = 2): string => String(x).padStart(n, '0');
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The date of the instant `epochMs` in the machine's time zone: "today" wherever critpath dates
 * the present (status's arrivals, forecast and calendar; run's GPU arrivals), as axisHourOf
 * reads the clock. A UTC date was a day off for hours each day outside UTC.
 */
export function todayAt(epochMs: number): string {
  return localDate(new Date(epochMs));
}

/**
 * The calendar point of axis hour `t`, to the minute (an `end` rounded up). A `start` at a day
 * boundary is the next morning; an `end` exactly at a day boundary is the end of the previous
 * working day (09:00 + H), not the next morning.
 */
export function pointAt(
  cal: WorkCalendar,
  t: number,
  kind: 'start' | 'end' = 'start',
): CalendarPoint {
  const [day, minutes] = dayAndMinutes(cal, t, kind);
  const [date, time] = dateAndClock(cal, day, minutes);
  return { day, date, time, iso: `${date}T${time}` };
}

/** `pointAt(cal, t, kind).iso`, without the point: a plan of 100k activities dates 200k times. */
export function isoAt(cal: WorkCalendar, t: number, kind: 'start' | 'end' = 'start'): string {
  const [day, minutes] = dayAndMinutes(cal, t, kind);
  const [date, time] = dateAndClock(cal, day, minutes);
  return `${date}T${time}`;
}

const MINUTES_PER_DAY = 1440;
/** LAST_DATE's epoch day. */
const LAST_EPOCH_DAY = epochDayOf(LAST_DATE);

/**
 * The calendar date and clock `minutes` into working day `day`. A working day longer than the
 * hours left before midnight (over 15 h from 09:00) runs on into the next calendar day, and a time
 * there is that day's: a 24 h day from 09:00 Monday ends 09:00 Tuesday, not "Monday 33:00".
 */
function dateAndClock(cal: WorkCalendar, day: number, minutes: number): [string, string] {
  const date = workingDate(cal, day);
  const clock = cal.dayStartMinutes + minutes;
  if (clock < MINUTES_PER_DAY) return [date, clockText(clock)];
  const over = Math.floor(clock / MINUTES_PER_DAY);
  // workingDate has filled the day's epoch day.
  const next = cal.epochDays[day]! + over;
  if (next > LAST_EPOCH_DAY) {
    throw new InputLimitError(
      `the plan runs past ${LAST_DATE}, the last date critpath writes: working day ${day + 1} from ${cal.start} runs on past its midnight (check the hours and hoursPerDay)`,
    );
  }
  return [dateOfEpochDay(next), clockText(clock - over * MINUTES_PER_DAY)];
}

/** Minutes of float noise absorbed at a day boundary (15.999999 h or 16.0000001 h is 16 h). */
const NOISE_MINUTES = 1e-3;

/**
 * The working day of axis hour `t` and the minutes into it, as pointAt reads them. The day comes
 * from the axis hour itself (day d covers [d·H, (d+1)·H)), and only the clock within it is
 * rounded to the minute, so a day that is not a whole number of minutes (7.99 h is 479.4) does
 * not drift from the axis, and one shorter than a minute (MIN_HOURS_PER_DAY is 0.6 of one) does
 * not divide by zero.
 */
function dayAndMinutes(cal: WorkCalendar, t: number, kind: 'start' | 'end'): [number, number] {
  const perDay = cal.hoursPerDay * 60;
  const m = t * 60;
  if (kind === 'end') {
    // Up to the minute (work never ends before it is done); an end at a boundary is the end of
    // the day before it, 09:00 + H.
    const e = m - NOISE_MINUTES;
    const day = Math.ceil(e / perDay) - 1;
    if (day < 0) return [0, 0];
    return [day, Math.ceil(e - day * perDay)];
  }
  // To the nearest minute; a start that rounds to the day's end, or lies a hair before it, is
  // the next morning.
  let day = Math.floor(m / perDay);
  if ((day + 1) * perDay - m < NOISE_MINUTES) day += 1;
  if (day < 0) return [0, 0];
  const minutes = Math.round(m - day * perDay);
  return minutes >= perDay ? [day + 1, 0] : [day, Math.max(0, minutes)];
}

/** `HH:MM` of a clock reading in minutes after midnight, each made once. */
const clockTexts: string[] = [];
function clockText(clock: number): string {
  let text = clockTexts[clock];
  if (text === undefined) {
    text = `${pad2(Math.floor(clock / 60))}:${pad2(clock % 60)}`;
    clockTexts[clock] = text;
  }
  return text;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Short weekday name of a date: `Mon`. */
export function weekdayName(date: string): string {
  return WEEKDAYS[weekdayOf(epochDayOf(date))]!;
}

/** The epoch day of the Monday of the week that holds epoch day `day`. */
function mondayOf(day: number): number {
  return day - ((weekdayOf(day) + 6) % 7);
}

/**
 * The project week (from 1) that a date falls in: weeks run Monday to Sunday, and week 1 holds
 * the project's first working day.
 */
export function weekOf(cal: WorkCalendar, date: string): number {
  workingDate(cal, 0);
  const base = mondayOf(cal.epochDays[0]!);
  return Math.round((mondayOf(epochDayOf(date)) - base) / 7) + 1;
}

/** Calendar days from the first working day to `date`, counting both ends. */
export function calendarDaysTo(cal: WorkCalendar, date: string): number {
  workingDate(cal, 0);
  return epochDayOf(date) - cal.epochDays[0]! + 1;
}

/** One step of a capacity profile on the working-time axis (the planner's capacity step). */
export type AxisStep = CapacityStep;

/**
 * GPU arrivals (`hardware.gpu`) as a capacity profile on the axis: 0 before the first arrival,
 * and each arrival counts from the start of its date's working day (or the next working day).
 * Arrivals that land on the same working day keep the last one.
 */
export function gpuProfile(
  cal: WorkCalendar,
  arrivals: readonly { count: number; from: string }[],
): AxisStep[] {
  return normalizeProfile(
    arrivals.map((a) => ({ from: hourOfDate(cal, a.from), capacity: a.count })),
  );
}
