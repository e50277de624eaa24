import { describe, expect, it } from 'vitest';
import {
  dayIndexOf,
  makeCalendar,
  workingDate,
  workingDayFinder,
} from '../../../src/calendar/calendar.js';
import { MAX_TICKS, axisTicks } from '../../../src/reporters/time-axis.js';

// Holidays on weekdays and a weekend, one before the start, and a run over new year.
const holidays = [
  '2026-11-02',
  '2026-12-24',
  '2026-12-25',
  '2026-12-26',
  '2026-12-31',
  '2027-01-01',
  '2027-04-05',
  '2028-02-29',
];
const cal = () => makeCalendar({ start: '2026-12-05', hoursPerDay: 8, holidays });

/** Calendar dates from `from`, one a day. */
function* dates(from: string, days: number): Generator<string> {
  const d = new Date(`${from}T00:00:00Z`);
  for (let k = 0; k < days; k++) {
    yield d.toISOString().slice(0, 10);
    d.setUTCDate(d.getUTCDate() + 1);
  }
}

describe('workingDayFinder', () => {
  it('agrees with dayIndexOf and workingDate on every date of several years', () => {
    const c = cal();
    const finder = workingDayFinder(c);
    for (const date of dates('2026-11-01', 1500)) {
      const day = dayIndexOf(c, date);
      expect(finder.at(date)).toEqual({ day, date: workingDate(c, day) });
    }
    for (let d = 0; d < 1000; d++) expect(finder.dateOf(d)).toBe(workingDate(c, d));
  });
});

describe('axisTicks', () => {
  it('ticks every working day while there are at most MAX_TICKS', () => {
    const a = axisTicks(cal(), 0, MAX_TICKS - 1, true);
    expect(a.unit).toBe('day');
    expect(a.ticks.map((t) => t.day)).toEqual(Array.from({ length: MAX_TICKS }, (_, d) => d));
  });

  it('goes to weeks, months, quarters and years, each tick at its first working day', () => {
    const c = cal();
    const seen: string[] = [];
    for (const days of [MAX_TICKS, 600, 2000, 6000, 20_000, 200_000, 1_500_000]) {
      const a = axisTicks(c, 0, days, true);
      seen.push(a.unit);
      expect(a.ticks.length).toBeLessThanOrEqual(MAX_TICKS);
      expect(a.ticks.length).toBeGreaterThan(10);
      expect(a.ticks[0]!.day).toBe(0);
      for (let k = 1; k < a.ticks.length; k++) {
        const t = a.ticks[k]!;
        expect(t.day).toBeGreaterThan(a.ticks[k - 1]!.day);
        expect(t.day).toBeLessThanOrEqual(days);
        if (days <= 6000) expect(t.date).toBe(workingDate(c, t.day));
      }
    }
    expect(seen).toEqual(['week', 'week', 'month', 'quarter', 'year', '10 years', '50 years']);
    // New year 2027: 1 Jan is a holiday, so the month and the quarter start on Mon 4 Jan.
    const months = axisTicks(c, 0, 2000, true).ticks;
    const jan = months.find((t) => t.date.startsWith('2027-01'))!;
    expect(jan).toMatchObject({ date: '2027-01-04', long: 'Jan 2027', major: true });
    expect(jan.day).toBe(dayIndexOf(c, '2027-01-01'));
  });

  it('without clampFirst, ticks only where a period starts inside the range', () => {
    const c = cal();
    const a = axisTicks(c, 1000, 3000, false);
    expect(a.unit).toBe('month');
    for (const t of a.ticks) {
      expect(t.day).toBeGreaterThanOrEqual(1000);
      expect(t.date).toBe(workingDate(c, t.day));
      // The first working day of its month.
      expect(workingDate(c, t.day - 1).slice(0, 7)).not.toBe(t.date.slice(0, 7));
    }
  });
});
