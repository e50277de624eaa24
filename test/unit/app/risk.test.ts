import { describe, expect, it } from 'vitest';
import { loadProjectText } from '../../../src/config/load.js';
import { makeCalendar } from '../../../src/calendar/calendar.js';
import { deadlineHours, projectRisk } from '../../../src/app/risk.js';

// Mon 7 Dec 2026 is the first working day; 8 h a day.
const cal = makeCalendar({ start: '2026-12-07', hoursPerDay: 8 });

describe('deadlineHours', () => {
  it('is the end of the last working day on or before the date', () => {
    expect(deadlineHours(cal, '2026-12-07')).toBe(8);
    expect(deadlineHours(cal, '2026-12-08')).toBe(16);
    // Sat 12 and Sun 13: the end of Friday's work.
    expect(deadlineHours(cal, '2026-12-12')).toBe(40);
    expect(deadlineHours(cal, '2026-12-13')).toBe(40);
  });

  it('is 0 for any date before the first working day: that day ends before any work', () => {
    // A weekday long before the start read as the end of the first day (hour 8), while the
    // Saturday just before it read as 0.
    for (const date of ['2020-01-01', '2026-12-04', '2026-12-05', '2026-12-06'])
      expect(deadlineHours(cal, date), date).toBe(0);
    const weekend = makeCalendar({ start: '2026-12-05', hoursPerDay: 8 });
    expect(deadlineHours(weekend, '2026-12-05')).toBe(0);
    expect(deadlineHours(weekend, '2026-12-07')).toBe(8);
  });

  it('gives no sample of a project with work the deadline before its start', () => {
    // validate refuses a file deadline before the start; --deadline can still name one.
    const r = loadProjectText(
      ['project: DL', 'start: 2026-12-07', 'tasks:', '  - { id: a, hours: 1-2 }'].join('\n'),
      'dl.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const risk = projectRisk(r.value, [{ kind: 'count', count: 1 }], {
      samples: 200,
      seed: 1,
      deadline: '2026-12-04',
      now: () => 0,
    });
    if (!risk.ok) throw new Error(risk.error);
    expect(risk.value.deadline).toEqual({ date: '2026-12-04', hours: 0 });
    expect(risk.value.teams[0]!.mc.result.deadline).toEqual({ at: 0, probability: 0 });
  });
});
