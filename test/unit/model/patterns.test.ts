import { describe, expect, it } from 'vitest';
import { isCalendarDate } from '../../../src/model/patterns.js';

describe('isCalendarDate', () => {
  it('takes YYYY-MM-DD days the calendar has, leap days where they fall', () => {
    for (const d of ['2026-01-05', '2028-02-29', '2000-02-29', '2026-12-31'])
      expect(isCalendarDate(d), d).toBe(true);
  });

  it('refuses days it lacks and other shapes', () => {
    for (const d of [
      '2026-02-30',
      '2027-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-1-5',
      ' 2026-01-05',
      '2026-01-05T00:00',
      'tomorrow',
    ])
      expect(isCalendarDate(d), d).toBe(false);
  });
});
