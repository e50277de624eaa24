import type { DatedActivity, DayItem, DayWork } from './plan-team.js';
import type { TeamPlan } from '../planner/project/team-plan.js';
import { roundHours } from '../planner/project/team-plan.js';
import { GPU, capacityAt } from '../planner/project/project-problem.js';
import { sortByKey } from '../planner/engine/index.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import { dayBefore, pointAt, weekOf, weekdayName, workingDate } from '../calendar/calendar.js';

/**
 * A plan's work by day and by week: the day-by-day breakdown of the full listing, and the week
 * totals of a long plan's summary, which are read off the activities without making a row per
 * day (a 100k-activity plan runs 30,000 working days).
 */

/** One week of a plan. */
export interface WeekTotal {
  /** Project week from 1. */
  readonly week: number;
  /** First and last working day of the week in the plan (`YYYY-MM-DD`). */
  readonly first: string;
  readonly last: string;
  /** Hours worked that week, every engineer together. */
  readonly hours: number;
  /** Those hours over the team's working hours that week. */
  readonly busy: number;
  /** Activities that end that week. */
  readonly finished: number;
}

/** The last working day of a plan (0 for an empty one). */
function lastDayOf(plan: TeamPlan, cal: WorkCalendar): number {
  return plan.makespan > 0 ? pointAt(cal, plan.makespan, 'end').day : 0;
}

/**
 * Week by week: hours, how busy the team is and how many activities end, from the first working
 * day to the last; the hours are the day rows' (dailyWork) summed, each engineer's day rounded
 * as its row is. Linear in the activities and the days.
 */
export function weekTotals(plan: TeamPlan<DatedActivity>, cal: WorkCalendar): WeekTotal[] {
  const lastDay = lastDayOf(plan, cal);
  const E = plan.engineers.length;
  const perDay = new Float64Array((lastDay + 1) * E);
  forEachDayPart(plan, cal.hoursPerDay, lastDay, (_, cell, hours) => {
    perDay[cell] = perDay[cell]! + hours;
  });
  const weeks: { week: number; first: string; last: string; hours: number; days: number }[] = [];
  const weekOfDate = new Map<string, number>();
  for (let d = 0; d <= lastDay; d++) {
    const date = workingDate(cal, d);
    const week = weekOf(cal, date);
    let w = weeks[weeks.length - 1];
    if (w === undefined || w.week !== week) {
      w = { week, first: date, last: date, hours: 0, days: 0 };
      weeks.push(w);
    }
    w.days++;
    w.last = date;
    weekOfDate.set(date, weeks.length - 1);
    for (let k = 0; k < E; k++) w.hours += roundHours(perDay[d * E + k]!);
  }
  const finished = new Array<number>(weeks.length).fill(0);
  for (const a of plan.activities) {
    // A working day over 15 h ends after midnight: work ending then is the day before's.
    const date = a.endDate.slice(0, 10);
    const k = weekOfDate.get(date) ?? weekOfDate.get(dayBefore(date)) ?? weeks.length - 1;
    finished[k]!++;
  }
  return weeks.map((w, k) => ({
    week: w.week,
    first: w.first,
    last: w.last,
    hours: w.hours,
    busy: w.hours / (plan.team * w.days * cal.hoursPerDay),
    finished: finished[k]!,
  }));
}

/** The day-by-day breakdown: one row per working day per engineer with work, idle days marked. */
export function dailyWork(plan: TeamPlan, cal: WorkCalendar): DayWork[] {
  const H = cal.hoursPerDay;
  const lastDay = lastDayOf(plan, cal);
  const gpu = plan.resources.find((r) => r.id === GPU)?.profile ?? [];
  const { cells, which } = dayCells(plan, H, lastDay);
  const E = plan.engineers.length;
  const rows: DayWork[] = [];
  const tol = 1e-6;
  for (let d = 0; d <= lastDay; d++) {
    const date = workingDate(cal, d);
    const weekday = weekdayName(date);
    const week = weekOf(cal, date);
    let any = false;
    for (let k = 0; k < E; k++) {
      const items = cells[d * E + k];
      if (items === undefined) continue;
      any = true;
      const of = which[d * E + k]!;
      let top = 0;
      let sum = 0;
      for (let q = 0; q < items.length; q++) {
        if (items[q]!.hours > items[top]!.hours + tol) top = q;
        sum += items[q]!.hours;
      }
      rows.push({
        day: d,
        date,
        weekday,
        week,
        engineer: plan.engineers[k]!.id,
        items,
        hours: roundHours(sum),
        // The title of the task with the most hours that day.
        focus: plan.activities[of[top]!]!.taskTitle,
      });
    }
    if (!any) {
      const waiting = gpu.length > 0 && capacityAt(gpu, d * H) === 0;
      rows.push({
        day: d,
        date,
        weekday,
        week,
        engineer: null,
        items: [],
        hours: 0,
        focus: waiting ? 'waiting for GPU hardware' : 'idle',
      });
    }
  }
  return rows;
}

/**
 * What each engineer does each day (cell `day * engineers + engineer`), items in start order,
 * ties in plan order, with each item's activity index (`which`, in step with the items).
 */
function dayCells(
  plan: TeamPlan,
  H: number,
  lastDay: number,
): { cells: (DayItem[] | undefined)[]; which: (number[] | undefined)[] } {
  const size = (lastDay + 1) * plan.engineers.length;
  const cells: (DayItem[] | undefined)[] = new Array<DayItem[] | undefined>(size);
  const which: (number[] | undefined)[] = new Array<number[] | undefined>(size);
  forEachDayPart(plan, H, lastDay, (i, cell, hours, part) => {
    (cells[cell] ??= []).push({ id: plan.activities[i]!.id, hours, part });
    (which[cell] ??= []).push(i);
  });
  return { cells, which };
}

/**
 * Visits each part of an activity that falls on a working day, activities in start order (ties
 * in plan order): its cell (`day * engineers + engineer`), its hours that day (rounded) and how
 * it lies in the day. A zero-hour activity has a part on the day it stands at. Each activity
 * visits only the days around its own span: linear in the plan's size.
 */
function forEachDayPart(
  plan: TeamPlan,
  H: number,
  lastDay: number,
  visit: (i: number, cell: number, hours: number, part: DayItem['part']) => void,
): void {
  const E = plan.engineers.length;
  const engineerOf = new Map(plan.engineers.map((m, k) => [m.id, k]));
  const tol = 1e-6;
  const acts = plan.activities;
  const order = Int32Array.from(acts, (_, i) => i);
  const starts = Float64Array.from(acts, (a) => a.start);
  // By start, ties in plan order: a typed merge sort (a comparator called per pair cost 100 ms
  // on 100k activities).
  sortByKey(order, starts, order.slice());
  for (const i of order) {
    const a = acts[i]!;
    const k = engineerOf.get(a.assignee);
    if (k === undefined) continue;
    const from = Math.max(0, Math.floor(a.start / H) - 1);
    const to = Math.min(lastDay, Math.floor(a.end / H) + 1);
    for (let d = from; d <= to; d++) {
      const lo = d * H;
      const hi = (d + 1) * H;
      const overlap = Math.min(a.end, hi) - Math.max(a.start, lo);
      const zeroHere = a.duration === 0 && a.start >= lo - tol && a.start < hi - tol;
      if (overlap <= tol && !zeroHere) continue;
      const startsHere = a.start >= lo - tol;
      const endsHere = a.end <= hi + tol;
      const part = startsHere ? (endsHere ? 'whole' : 'start') : endsHere ? 'finish' : 'cont';
      visit(i, d * E + k, roundHours(Math.max(0, overlap)), part);
    }
  }
}
