import type { DatedTeamPlan, DayItem, DayWork } from '../app/plan-team.js';
import { escapeLine } from './escape.js';
import { counted, fmtDate, fmtHours, planQuality, yearsDiffer } from './format.js';

/**
 * The content of a team plan report, as plain strings: the terminal table and the Markdown
 * document render the same sections in their own syntax.
 */

/** `Mon 30 Nov` from `YYYY-MM-DD`; `Mon 30 Nov 2026` with `year`. */
export function dayName(date: string, year = false): string {
  return fmtDate(date.slice(0, 10), year);
}

/** Whether a plan runs over more than one calendar year: its views then name each date's year. */
export function spansYears(plan: DatedTeamPlan): boolean {
  return yearsDiffer([plan.startDate, plan.endDate]);
}

/** `Mon 30 Nov` beside a date of the same year as `other`, else `Mon 30 Nov 2027`. */
export function dayNameBeside(date: string, other: string): string {
  return fmtDate(date.slice(0, 10), date.slice(0, 4) !== other.slice(0, 4));
}

/** `Mon 30 Nov 14:30` from `YYYY-MM-DDTHH:MM`; `Mon 30 Nov 2026 14:30` with `year`. */
export function dateTimeName(iso: string, year = false): string {
  return `${dayName(iso.slice(0, 10), year)} ${iso.slice(11, 16)}`;
}

/** `Mon 30 Nov 2026`. */
export function longDayName(date: string): string {
  return fmtDate(date.slice(0, 10), true);
}

/** `45 %`. */
export function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

function itemText(it: DayItem): string {
  switch (it.part) {
    case 'whole':
      return it.id;
    case 'start':
      return `start ${it.id}`;
    case 'cont':
      return `cont. ${it.id}`;
    case 'finish':
      return `finish ${it.id}`;
  }
}

/** One week of the day-by-day table. */
export interface WeekSection {
  readonly week: number;
  /** `Week 2 (Mon 7 Dec – Fri 11 Dec)`. */
  readonly title: string;
  /** Day | Engineer | Tasks | Hours | Focus; the day is blank on an engineer's second row. */
  readonly rows: readonly (readonly string[])[];
  /** Per engineer: hours that week. */
  readonly totals: readonly (readonly [string, number])[];
}

export const DAY_HEADER = ['Day', 'Engineer', 'Tasks', 'Hours', 'Focus'] as const;

/** The day-by-day table cut into weeks. `mark` decorates an activity id (critical ones, say). */
export function weekSections(
  plan: DatedTeamPlan,
  mark: (id: string, text: string) => string = (_, t) => t,
): WeekSection[] {
  const byWeek = new Map<number, DayWork[]>();
  for (const d of plan.days) {
    const list = byWeek.get(d.week) ?? [];
    list.push(d);
    byWeek.set(d.week, list);
  }
  const sections: WeekSection[] = [];
  const year = spansYears(plan);
  for (const [week, days] of [...byWeek].sort((a, b) => a[0] - b[0])) {
    const rows: string[][] = [];
    let lastDay = -1;
    const totals = new Map(plan.engineers.map((m) => [m.id, 0]));
    for (const d of days) {
      const label = d.day === lastDay ? '' : dayName(d.date, year);
      lastDay = d.day;
      if (d.engineer === null) {
        rows.push([label, '—', '—', '0', escapeLine(d.focus)]);
        continue;
      }
      totals.set(d.engineer, (totals.get(d.engineer) ?? 0) + d.hours);
      rows.push([
        label,
        d.engineer,
        d.items.map((it) => mark(it.id, itemText(it))).join(', '),
        fmtHours(d.hours),
        escapeLine(d.focus),
      ]);
    }
    const first = days[0]!;
    const last = days[days.length - 1]!;
    sections.push({
      week,
      title: `Week ${week} (${dayName(first.date, year)} – ${dayName(last.date, year)})`,
      rows,
      totals: [...totals].filter(([, h]) => h > 0),
    });
  }
  return sections;
}

/** Per engineer: hours, activities, utilisation over the makespan. */
export function engineerTotals(plan: DatedTeamPlan): string[][] {
  const rows: string[][] = [['Engineer', 'Name', 'Hours', 'Activities', 'Busy']];
  for (const m of plan.engineers) {
    const h = plan.hoursByEngineer[m.id] ?? 0;
    const count = plan.activities.filter((a) => a.assignee === m.id).length;
    rows.push([
      m.id,
      escapeLine(m.name),
      fmtHours(h),
      String(count),
      plan.makespan > 0 ? pct(h / plan.makespan) : '—',
    ]);
  }
  return rows;
}

/**
 * Handoff lines, grouped by the activity handed off. A target that starts the moment the work is
 * handed over "can start" then; one that still waits (for its other inputs, its engineer or the
 * hardware) is said to need it, with when it starts: `infra finishes 1a.4 on Tue 1 Dec 11:30 →
 * ml can start 1a.7; ml needs it for 1a.11/prep (starts Thu 3 Dec 09:00)`.
 */
export function handoffLines(plan: DatedTeamPlan): string[] {
  const byId = new Map(plan.activities.map((a) => [a.id, a]));
  const year = spansYears(plan);
  const groups = new Map<string, { who: string; at: string; to: Map<string, HandoffTargets> }>();
  for (const h of plan.handoffs) {
    const g = groups.get(h.from) ?? {
      who: h.fromAssignee,
      at: byId.get(h.from)?.endDate ?? '',
      to: new Map<string, HandoffTargets>(),
    };
    groups.set(h.from, g);
    const t = g.to.get(h.toAssignee) ?? { now: [], later: [] };
    g.to.set(h.toAssignee, t);
    const to = byId.get(h.to);
    if (to === undefined || Math.abs(to.start - h.at) <= HANDOFF_EPS) t.now.push(h.to);
    else t.later.push(`${h.to} (starts ${dateTimeName(to.startDate, year)})`);
  }
  return [...groups].map(([from, g]) => {
    const targets = [...g.to].flatMap(([who, t]) => [
      ...(t.now.length > 0 ? [`${who} can start ${t.now.join(', ')}`] : []),
      ...(t.later.length > 0 ? [`${who} needs it for ${t.later.join(', ')}`] : []),
    ]);
    return `${g.who} finishes ${from} on ${dateTimeName(g.at, year)} → ${targets.join('; ')}`;
  });
}

/** The work one engineer gets from a handoff: what starts then, and what starts later. */
interface HandoffTargets {
  readonly now: string[];
  readonly later: string[];
}

/** Hours within which a target's start counts as the handoff's moment (the axis rounds). */
const HANDOFF_EPS = 1e-6;

/** The critical chain as text, with the reason each link waits. */
export function chainText(plan: DatedTeamPlan): string {
  const byId = new Map(plan.activities.map((a) => [a.id, a]));
  const parts: string[] = [];
  const first = plan.criticalChain[0];
  if (first?.reason === 'arrival') {
    const a = byId.get(first.id);
    parts.push(
      `${first.resource === 'gpu' || first.resource === 'host' ? 'GPUs arrive' : `${first.resource ?? 'capacity'} arrives`} ${a === undefined ? '' : dayName(a.startDate, spansYears(plan))}`.trim(),
    );
  } else if (first?.reason === 'slack') {
    parts.push('(slack)');
  }
  for (const l of plan.criticalChain) {
    const a = byId.get(l.id);
    parts.push(a === undefined ? l.id : `${l.id} (${a.assignee})`);
  }
  return parts.join(' → ');
}

/** Why each critical link waits, for readers who want it: `1a.13 waits for infra`. */
export function chainReasons(plan: DatedTeamPlan): string[] {
  return plan.criticalChain.map((l) => {
    switch (l.reason) {
      case 'project-start':
        return `${l.id}: starts the project`;
      case 'precedence':
        return `${l.id}: waits for a predecessor`;
      case 'engineer':
        return `${l.id}: waits for its engineer`;
      case 'resource':
        return `${l.id}: waits for the ${l.resource ?? 'resource'}`;
      case 'arrival':
        return `${l.id}: waits for the ${l.resource === 'host' ? 'GPU host' : (l.resource ?? 'hardware')} to arrive`;
      case 'slack':
        return `${l.id}: starts later than it could`;
    }
  });
}

/** The summary block: [label, text] pairs. */
export function summaryPairs(plan: DatedTeamPlan): [string, string][] {
  const s = plan.summary;
  const end = plan.endDate;
  const pairs: [string, string][] = [];
  const deadline =
    plan.deadline === undefined
      ? ''
      : s.meetsDeadline === true
        ? ` (deadline ${dayNameBeside(plan.deadline, end)}: met)`
        : ` (deadline ${dayNameBeside(plan.deadline, end)}: MISSED)`;
  pairs.push(['End date', `${longDayName(end.slice(0, 10))} ${end.slice(11, 16)}${deadline}`]);
  pairs.push([
    'Duration',
    `${counted(fmtHours(plan.makespan), 'working hour')} = ${counted(s.workingDays, 'working day')} (${counted(s.calendarDays, 'calendar day')}, ${fmtHours(plan.hoursPerDay)} h/day)`,
  ]);
  pairs.push([
    'Effort',
    `${fmtHours(s.effort)} h in ${counted(plan.activities.length, 'activity', 'activities')}`,
  ]);
  const per = plan.engineers
    .map((m) => `${m.id} ${fmtHours(plan.hoursByEngineer[m.id] ?? 0)} h`)
    .join(', ');
  pairs.push([
    'Utilisation',
    `${pct(s.utilisation)} (${per} of ${plan.team} × ${fmtHours(plan.makespan)} h)`,
  ]);
  if (s.speedup !== undefined && s.soloMakespan !== undefined) {
    pairs.push([
      'Speed-up',
      `${s.speedup.toFixed(2)}× against solo (${fmtHours(s.soloMakespan)} h)`,
    ]);
  }
  const b = plan.bounds;
  const quality = planQuality(plan.optimal, plan.lowerBound, s.gap, ' h');
  pairs.push([
    'Lower bound',
    `${fmtHours(plan.lowerBound)} h (critical path ${fmtHours(b.criticalPath)}, resources ${fmtHours(b.resource)}, GPU arrival ${fmtHours(b.arrival)}${b.energetic > 0 ? `, energetic ${fmtHours(b.energetic)}` : ''}${b.exact !== undefined ? `, exact ${fmtHours(b.exact)}` : ''}): ${quality}`,
  ]);
  if (s.range !== undefined) {
    pairs.push([
      'Confidence',
      `low–high estimates: ${fmtHours(s.range.low)}–${fmtHours(s.range.high)} h (${plan.estimate === 'expected' ? 'expected' : `this plan uses ${plan.estimate} hours:`} ${fmtHours(plan.makespan)} h)`,
    ]);
  }
  pairs.push(['Search', `${plan.method}, seed ${plan.seed}`]);
  return pairs;
}

/** The heading line: `Epic 1A · team 2 (infra, ml) · expected hours`. */
export function titleLine(plan: DatedTeamPlan): string {
  return `${escapeLine(plan.project)} · team of ${plan.team} (${plan.engineers.map((m) => m.id).join(', ')}) · ${plan.estimate} hours`;
}

/**
 * The design document's per-engineer tables: for each engineer, a row per week with the
 * activities worked on that week (in order of start) and the hours; header row first.
 */
export function engineerWeeks(plan: DatedTeamPlan): string[][] {
  const rows: string[][] = [['Engineer', 'Week', 'Tasks', 'Hours']];
  for (const m of plan.engineers) {
    const weeks = new Map<number, { ids: string[]; hours: number }>();
    for (const d of plan.days) {
      if (d.engineer !== m.id) continue;
      const w = weeks.get(d.week) ?? { ids: [], hours: 0 };
      for (const it of d.items) if (!w.ids.includes(it.id)) w.ids.push(it.id);
      w.hours += d.hours;
      weeks.set(d.week, w);
    }
    let first = true;
    for (const [week, w] of [...weeks].sort((a, b) => a[0] - b[0])) {
      rows.push([first ? m.id : '', `Week ${week}`, w.ids.join(', '), fmtHours(w.hours)]);
      first = false;
    }
    if (first) rows.push([m.id, '—', '(no work)', '0']);
  }
  return rows;
}

/** A long chain shown by its ends: the first and last `keep` links around `… (N more) …`. */
export function shortChainText(plan: DatedTeamPlan, keep = 3): string {
  const all = chainText(plan).split(' → ');
  if (all.length <= 2 * keep + 1) return all.join(' → ');
  const hidden = all.length - 2 * keep;
  return [...all.slice(0, keep), `… ${hidden} more …`, ...all.slice(-keep)].join(' → ');
}
