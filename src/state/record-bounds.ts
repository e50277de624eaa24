/**
 * The ranges a journal record's numbers must fall in to be replayed (records.ts checks them with
 * zod, record-check.ts without). A record outside them is skipped like one of the wrong shape:
 * re-planning reads its times as calendar dates, which have four-digit years, so a time in the
 * year 10000 or one that is not a number stopped `status` with an internal error.
 */
import { MAX_HOURS } from '../config/hours.js';

/** The earliest time a record may carry (epoch milliseconds): 1970-01-01 00:00 UTC. */
export const MIN_TIME_MS = 0;

/**
 * The latest: 9999-12-30 00:00 UTC, a day before the four-digit years end, so that the time is
 * still in 9999 in every time zone (local dates are 14 hours at most from UTC).
 */
export const MAX_TIME_MS = Date.UTC(9999, 11, 30);

/**
 * The longest duration (an attempt's `durationMs`): the most hours a task file may estimate,
 * in milliseconds (about 11 years). A run's start is its end less its duration, so a start stays
 * a date with a four-digit year.
 */
export const MAX_DURATION_MS = MAX_HOURS * 3_600_000;

/** The most engineer hours a hand record may carry: the task file's bound for hours. */
export const MAX_RECORD_HOURS = MAX_HOURS;

/** Whether `x` is a time a record may carry. */
export const isRecordTime = (x: unknown): boolean =>
  typeof x === 'number' && x >= MIN_TIME_MS && x <= MAX_TIME_MS;

/** Whether `x` is a duration a record may carry. */
export const isRecordDuration = (x: unknown): boolean =>
  typeof x === 'number' && x >= 0 && x <= MAX_DURATION_MS;

/** Whether `x` is a number of engineer hours a hand record may carry: above 0, at most the bound. */
export const isRecordHours = (x: unknown): boolean =>
  typeof x === 'number' && x > 0 && x <= MAX_RECORD_HOURS;

/**
 * An elapsed time as a record carries it: within 0 and the longest duration. The wall clock can
 * step back while a command runs (an NTP correction), and a negative duration would have the
 * attempt's record skipped when the journal is read, its success lost.
 */
export function recordDurationMs(ms: number): number {
  return Math.min(MAX_DURATION_MS, Math.max(0, ms));
}
