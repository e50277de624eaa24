import { describe, expect, it } from 'vitest';
import type { DatedTeamPlan, DayRows } from '../../../src/app/plan-team.js';
import { buildTeamPlans } from '../../../src/app/plan-team.js';
import { SUMMARY_ACTIVITIES, isLongPlan } from '../../../src/reporters/team-table.js';
import { dayBefore } from '../../../src/calendar/calendar.js';
import { loadProjectText } from '../../../src/config/load.js';
import { teamSize } from '../../../src/model/team-spec.js';
import { generateProject, toYaml } from '../../../bench/project-generator.js';

/** A generated project, with the header changed by `header` (hoursPerDay, holidays). */
function plan(
  n: number,
  seed: number,
  team: number,
  header: Record<string, unknown> = {},
  days: DayRows = true,
): DatedTeamPlan {
  const p = generateProject(n, seed);
  const loaded = loadProjectText(toYaml({ ...p, header: { ...p.header, ...header } }), 'g.yaml');
  if (!loaded.ok) throw new Error(loaded.error[0]?.message);
  const r = buildTeamPlans(loaded.value, [teamSize(team)], { now: () => 0, range: false, days });
  if (!r.ok) throw new Error(r.error);
  return r.value[0]!;
}

/** The week totals as the summary made them before: summed from the day rows. */
function weeksFromDayRows(p: DatedTeamPlan): unknown[] {
  const weeks: { week: number; first: string; last: string; hours: number; days: number }[] = [];
  const weekOfDate = new Map<string, number>();
  let lastDay = -1;
  for (const d of p.days) {
    let w = weeks[weeks.length - 1];
    if (w === undefined || w.week !== d.week) {
      w = { week: d.week, first: d.date, last: d.date, hours: 0, days: 0 };
      weeks.push(w);
    }
    if (d.day !== lastDay) {
      w.days++;
      w.last = d.date;
      weekOfDate.set(d.date, weeks.length - 1);
      lastDay = d.day;
    }
    w.hours += d.hours;
  }
  const finished = new Array<number>(weeks.length).fill(0);
  for (const a of p.activities) {
    const date = a.endDate.slice(0, 10);
    finished[weekOfDate.get(date) ?? weekOfDate.get(dayBefore(date)) ?? weeks.length - 1]!++;
  }
  return weeks.map((w, k) => ({
    week: w.week,
    first: w.first,
    last: w.last,
    hours: w.hours,
    busy: w.hours / (p.team * w.days * p.hoursPerDay),
    finished: finished[k]!,
  }));
}

describe('week totals', () => {
  it('are the day rows summed, exactly, over teams, day lengths and holidays', () => {
    const cases: [number, number, number, Record<string, unknown>][] = [
      [40, 1, 1, {}],
      [120, 2, 2, { hoursPerDay: 6.5 }],
      [200, 3, 3, { holidays: ['2026-12-24', '2026-12-25', '2026-12-31', '2027-01-01'] }],
      [150, 4, 2, { hoursPerDay: 20 }],
      [300, 5, 4, { hoursPerDay: 7.25, holidays: ['2026-12-01'] }],
    ];
    for (const [n, seed, team, header] of cases) {
      const p = plan(n, seed, team, header);
      expect(p.days.length).toBeGreaterThan(0);
      expect(p.weeks).toEqual(weeksFromDayRows(p));
    }
  });

  it('are made without day rows for a long plan the table summarises', () => {
    const listed: DayRows = (weeks, n) => !isLongPlan(weeks, n);
    const long = plan(SUMMARY_ACTIVITIES + 50, 7, 3, {}, listed);
    expect(isLongPlan(long.weeks, long.activities.length)).toBe(true);
    expect(long.days).toEqual([]);
    const full = plan(SUMMARY_ACTIVITIES + 50, 7, 3, {}, true);
    expect(long.weeks).toEqual(full.weeks);
    expect(long.weeks).toEqual(weeksFromDayRows(full));
    const short = plan(30, 7, 3, {}, listed);
    expect(isLongPlan(short.weeks, short.activities.length)).toBe(false);
    expect(short.days.length).toBeGreaterThan(0);
  });
});
