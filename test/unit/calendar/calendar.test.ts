import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputLimitError } from '../../../src/result.js';
import {
  LAST_DATE,
  calendarDaysTo,
  dayIndexOf,
  gpuProfile,
  hourOfDate,
  isWorkingDay,
  isoAt,
  makeCalendar,
  pointAt,
  weekOf,
  weekdayName,
  workingDate,
} from '../../../src/calendar/calendar.js';

// 2026-11-30 is a Monday.
const cal = (opts: { start?: string; h?: number; holidays?: string[] } = {}) =>
  makeCalendar({
    start: opts.start ?? '2026-11-30',
    hoursPerDay: opts.h ?? 8,
    holidays: opts.holidays ?? [],
  });

describe('working days', () => {
  it('runs Monday to Friday and skips weekends', () => {
    const c = cal();
    expect([0, 1, 2, 3, 4, 5, 6].map((d) => workingDate(c, d))).toEqual([
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-07',
      '2026-12-08',
    ]);
  });

  it('skips holidays', () => {
    const c = cal({ holidays: ['2026-12-01', '2026-12-25'] });
    expect(isWorkingDay(c, '2026-12-01')).toBe(false);
    expect(workingDate(c, 1)).toBe('2026-12-02');
    expect(dayIndexOf(c, '2026-12-01')).toBe(1); // a holiday maps to the next working day
    expect(workingDate(c, 20)).toBe('2026-12-30'); // Christmas and the weekends skipped
  });

  it('starts on the first working day on or after a weekend start date', () => {
    const c = cal({ start: '2026-11-28' }); // Saturday
    expect(workingDate(c, 0)).toBe('2026-11-30');
    expect(pointAt(c, 0).iso).toBe('2026-11-30T09:00');
  });
});

describe('axis hours to clock times', () => {
  it('maps hour d·H + x to day d at 09:00 + x', () => {
    const c = cal();
    expect(pointAt(c, 0).iso).toBe('2026-11-30T09:00');
    expect(pointAt(c, 9.5).iso).toBe('2026-12-01T10:30');
    expect(pointAt(c, 13.5).iso).toBe('2026-12-01T14:30');
    expect(pointAt(c, 40).iso).toBe('2026-12-07T09:00'); // the weekend is not working time
  });

  it('ends an activity at a day boundary at 09:00 + H that day, not the next morning', () => {
    const c = cal();
    expect(pointAt(c, 8, 'end').iso).toBe('2026-11-30T17:00');
    expect(pointAt(c, 8, 'start').iso).toBe('2026-12-01T09:00');
    expect(pointAt(c, 40, 'end').iso).toBe('2026-12-04T17:00');
    expect(pointAt(c, 0, 'end').iso).toBe('2026-11-30T09:00');
  });

  it('isoAt is pointAt(...).iso, at boundaries, noise, before the start and at odd day lengths', () => {
    for (const c of [
      cal(),
      cal({ h: 7.5, holidays: ['2026-12-02'] }),
      cal({ h: 24 }),
      cal({ h: 7.99 }),
      cal({ h: 0.01 }),
    ]) {
      for (let k = -8; k <= 800; k++) {
        for (const t of [k / 4, k / 3, k / 4 + 1e-7, k / 4 - 1e-7]) {
          for (const kind of ['start', 'end'] as const) {
            expect(isoAt(c, t, kind)).toBe(pointAt(c, t, kind).iso);
          }
        }
      }
    }
  });

  it('honours hours per day', () => {
    const c = cal({ h: 6 });
    expect(pointAt(c, 9.5).iso).toBe('2026-12-01T12:30');
    expect(pointAt(c, 12, 'end').iso).toBe('2026-12-01T15:00');
  });

  it('dates a time past midnight of a long working day on the next calendar day', () => {
    // 24 h days from 09:00 Monday: Monday's day ends 09:00 Tuesday, not "Monday 33:00".
    const c = cal({ h: 24 });
    expect(pointAt(c, 24, 'end')).toMatchObject({ day: 0, date: '2026-12-01', time: '09:00' });
    expect(isoAt(c, 20)).toBe('2026-12-01T05:00');
    expect(isoAt(c, 14.5)).toBe('2026-11-30T23:30');
    // Friday's day runs into Saturday; the next working day is Monday.
    expect(isoAt(c, 4 * 24 + 16)).toBe('2026-12-05T01:00');
    expect(isoAt(c, 5 * 24)).toBe('2026-12-07T09:00');
    // 15 h from 09:00 ends at midnight, which is the next day's 00:00.
    expect(pointAt(cal({ h: 15 }), 15, 'end').iso).toBe('2026-12-01T00:00');
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 8, max: 24, noNaN: true }),
        (t, h) => {
          const p = pointAt(cal({ h }), t, 'end');
          expect(p.time < '24:00').toBe(true);
          expect(isoAt(cal({ h }), t, 'end')).toBe(p.iso);
        },
      ),
    );
  });

  it('rounds to the minute and absorbs floating-point noise', () => {
    const c = cal();
    expect(pointAt(c, 7 / 3).time).toBe('11:20');
    expect(pointAt(c, 16 - 1e-12, 'end').iso).toBe('2026-12-01T17:00');
  });

  it('dates a day of no whole number of minutes by the axis, not by its rounded minutes', () => {
    // 0.01 h is 0.6 minutes: 1 h of work is 100 working days (it read 60, a day of 1 minute).
    const short = cal({ h: 0.01 });
    expect(pointAt(short, 1, 'end')).toMatchObject({ day: 99, iso: '2027-04-16T09:01' });
    expect(pointAt(short, 1, 'start')).toMatchObject({ day: 100, iso: '2027-04-19T09:00' });
    expect(pointAt(short, 0.995)).toMatchObject({ day: 99, time: '09:00' });
    // 7.99 h is 479.4 minutes: a day of 479 drifted by 0.4 minutes a day, 400 by day 1000.
    const odd = cal({ h: 7.99 });
    expect(pointAt(odd, 7.99 * 1000).iso).toBe(`${workingDate(odd, 1000)}T09:00`);
    expect(pointAt(odd, 7.99 * 1000, 'end').iso).toBe(`${workingDate(odd, 999)}T17:00`);
    expect(pointAt(odd, 7.99 * 1000 + 2.5).iso).toBe(`${workingDate(odd, 1000)}T11:30`);
  });

  it('puts hour k·H + x on day k for any day length, boundaries and noise included', () => {
    // One calendar a day length: each caches the working days it has walked.
    const cals = new Map([0.01, 0.37, 1 / 3, 7.5, 7.99, 8, 23.9].map((h) => [h, cal({ h })]));
    fc.assert(
      fc.property(
        fc.constantFrom(...cals.keys()),
        fc.integer({ min: 0, max: 20_000 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.constantFrom(0, 1e-12, -1e-12),
        (h, k, x, noise) => {
          const c = cals.get(h)!;
          const boundary = k * h * (1 + noise);
          expect(pointAt(c, boundary, 'start').day).toBe(k);
          expect(pointAt(c, boundary, 'end').day).toBe(Math.max(0, k - 1));
          expect(pointAt(c, (k + x) * h, 'start').day).toBeGreaterThanOrEqual(k);
          expect(pointAt(c, (k + x) * h, 'start').day).toBeLessThanOrEqual(k + 1);
          expect(pointAt(c, (k + x) * h, 'end').day).toBe(k);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('dates to axis hours', () => {
  it('puts an arrival at the start of its working day', () => {
    const c = cal();
    expect(hourOfDate(c, '2026-12-07')).toBe(40);
    expect(hourOfDate(c, '2026-12-05')).toBe(40); // Saturday: the next Monday
    expect(hourOfDate(c, '2026-11-01')).toBe(0); // before the start
  });

  it('builds the GPU profile: 0 before the first arrival, steps on working days', () => {
    const c = cal({ holidays: ['2026-12-07'] });
    expect(gpuProfile(c, [{ count: 4, from: '2026-12-07' }])).toEqual([
      { from: 0, capacity: 0 },
      { from: 40, capacity: 4 }, // the holiday Monday: GPUs usable Tuesday, working day 5
    ]);
    expect(
      gpuProfile(cal(), [
        { count: 1, from: '2026-11-30' },
        { count: 4, from: '2026-12-07' },
      ]),
    ).toEqual([
      { from: 0, capacity: 1 },
      { from: 40, capacity: 4 },
    ]);
    expect(gpuProfile(cal(), [])).toEqual([{ from: 0, capacity: 0 }]);
  });
});

describe('weeks', () => {
  it('counts project weeks from the week of the first working day', () => {
    const c = cal({ start: '2026-12-02' });
    expect(weekOf(c, '2026-12-04')).toBe(1);
    expect(weekOf(c, '2026-12-07')).toBe(2);
    expect(weekOf(c, '2026-12-21')).toBe(4);
  });
});

describe('years 0000 to 0099', () => {
  it('are dated as written, not as 1900 to 1999 (Date.UTC reads them so)', () => {
    const c = cal({ start: '0050-03-15', holidays: ['0050-03-16', '0050-03-17'] });
    expect(weekdayName('0050-03-15')).toBe('Tue'); // 1950-03-15 was a Wednesday
    expect([0, 1, 2].map((d) => workingDate(c, d))).toEqual([
      '0050-03-15',
      '0050-03-18',
      '0050-03-21',
    ]);
    expect(hourOfDate(c, '0050-03-20')).toBe(16); // Sunday: the Monday after
    expect(pointAt(c, 20, 'end').iso).toBe('0050-03-21T13:00');
    expect(workingDate(cal({ start: '0000-01-01' }), 0)).toBe('0000-01-03'); // Saturday
  });

  it('take their last days of the month, 0099-12-31 too (it was a bad date)', () => {
    const c = cal({ start: '0099-12-31', holidays: ['0099-12-31'] });
    expect(workingDate(c, 0)).toBe('0100-01-01');
    expect(isWorkingDay(c, '0099-12-31')).toBe(false);
    expect(workingDate(cal({ start: '0099-12-31' }), 1)).toBe('0100-01-01');
    expect(weekdayName('0004-02-29')).toBe('Sun');
    expect(weekOf(cal({ start: '0099-12-28' }), '0100-01-04')).toBe(2);
  });

  it('count days as the proleptic Gregorian calendar does, from 0000 to 9999', () => {
    const c = cal({ start: '0000-01-01' }); // working day 0: Monday 0000-01-03
    const utc = (y: number, m: number, d: number): Date => {
      const t = new Date(0);
      t.setUTCFullYear(y, m - 1, d);
      return t;
    };
    const first = utc(0, 1, 3).getTime();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const t = utc(y, m, d);
          if (t.getUTCDate() !== d) return; // no such day (0100-02-29)
          const date = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          expect(calendarDaysTo(c, date)).toBe((t.getTime() - first) / 86_400_000 + 1);
          expect(weekdayName(date)).toBe(
            ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][t.getUTCDay()],
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('the last date', () => {
  // Late starts keep the day-by-day walk short; holidays on weekdays and weekends, some before the start.
  const lateCal = fc.record({
    start: fc.integer({ min: 0, max: 400 }),
    h: fc.constantFrom(1, 7.5, 8),
    holidays: fc.uniqueArray(fc.integer({ min: 0, max: 420 }), { maxLength: 40 }),
  });
  const dateAt = (back: number): string =>
    new Date(Date.UTC(9999, 11, 31) - back * 86_400_000).toISOString().slice(0, 10);

  it('is the last working day a calendar dates, counted without walking to it', () => {
    fc.assert(
      fc.property(lateCal, ({ start, h, holidays }) => {
        const c = cal({ start: dateAt(start), h, holidays: holidays.map((b) => dateAt(b)) });
        // The walk: every working day the calendar gives up to LAST_DATE, then the error.
        let d = 0;
        while (d <= c.lastDay) expect(workingDate(c, d++) <= LAST_DATE).toBe(true);
        expect(() => workingDate(c, d)).toThrow(InputLimitError);
        let next = dateAt(0);
        for (let back = 0; back <= start; back++) {
          next = dateAt(back);
          if (isWorkingDay(c, next)) break;
        }
        // The last day dated is the last working day on or before LAST_DATE (if any).
        if (c.lastDay >= 0) expect(workingDate(c, c.lastDay)).toBe(next);
      }),
      { numRuns: 60 },
    );
  });

  it('fails a plan past it with the day it reaches and the days there are, not a bad date', () => {
    const c = cal({ start: '2027-01-04' });
    expect(c.lastDay).toBe(2_080_054);
    expect(workingDate(c, c.lastDay)).toBe('9999-12-31');
    expect(() => isoAt(c, 1e9, 'end')).toThrow(
      'the plan runs past 9999-12-31, the last date critpath writes: its work reaches working day 125000000 from 2027-01-04, and only 2080055 come before that date (check the hours and hoursPerDay)',
    );
  });

  it('fails a long last working day that runs on past its midnight, not with a bad date', () => {
    const c = cal({ start: '9999-12-31', h: 24 });
    expect(isoAt(c, 14)).toBe('9999-12-31T23:00');
    expect(() => isoAt(c, 24, 'end')).toThrow(InputLimitError);
    expect(() => pointAt(c, 20)).toThrow(
      'the plan runs past 9999-12-31, the last date critpath writes: working day 1 from 9999-12-31 runs on past its midnight (check the hours and hoursPerDay)',
    );
  });
});
