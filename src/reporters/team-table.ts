import type { DatedTeamPlan } from '../app/plan-team.js';
import type { WeekTotal } from '../app/plan-days.js';
import { escapeLine } from './escape.js';
import { fmtHours, yearsDiffer } from './format.js';
import type { Column } from './layout.js';
import { fitTable, wrapProse } from './layout.js';
import {
  chainText,
  dateTimeName,
  dayName,
  spansYears,
  engineerTotals,
  engineerWeeks,
  handoffLines,
  pct,
  shortChainText,
  summaryPairs,
  titleLine,
  weekSections,
} from './team-common.js';
import type { Output } from './terminal.js';

/** The day-by-day table: task lists wrap, the focus is cut first. */
const DAY_COLUMNS: readonly Column[] = [
  { header: 'Day' },
  { header: 'Engineer' },
  { header: 'Tasks', shrink: 'wrap', min: 24 },
  { header: 'Hours', align: 'r' },
  { header: 'Focus', shrink: 'elide', min: 14 },
];
const WEEK_COLUMNS: readonly Column[] = [
  { header: 'Engineer' },
  { header: 'Week' },
  { header: 'Tasks', shrink: 'wrap', min: 24 },
  { header: 'Hours', align: 'r' },
];
const WEEK_TOTAL_COLUMNS: readonly Column[] = [
  { header: 'Week', align: 'r' },
  { header: 'Days' },
  { header: 'Hours', align: 'r' },
  { header: 'Busy', align: 'r' },
  { header: 'Finished', align: 'r' },
];
const TOTAL_COLUMNS: readonly Column[] = [
  { header: 'Engineer' },
  { header: 'Name', shrink: 'elide', min: 12 },
  { header: 'Hours', align: 'r' },
  { header: 'Activities', align: 'r' },
  { header: 'Busy', align: 'r' },
];

/** Plans longer than this many weeks, or with more activities, are summarised unless `--days`. */
export const SUMMARY_WEEKS = 26;
export const SUMMARY_ACTIVITIES = 500;

/** Whether a plan of these weeks and activities is summarised by default (no day rows). */
export function isLongPlan(weeks: readonly WeekTotal[], activities: number): boolean {
  const last = weeks.length === 0 ? 0 : weeks[weeks.length - 1]!.week;
  return last > SUMMARY_WEEKS || activities > SUMMARY_ACTIVITIES;
}

/** Whether the table view of `plan` summarises by default (weeks and totals, no day rows). */
export function summarises(plan: DatedTeamPlan): boolean {
  return isLongPlan(plan.weeks, plan.activities.length);
}

/**
 * The terminal view of a team plan, shaped like the design document's tables: week by week a
 * row per day per engineer, totals, then handoffs, the critical path, the end date and the
 * numbers that judge the plan. A long plan (see `summarises`) gets its summary instead, unless
 * `days` asks for the full listing.
 */
export function renderTeamTable(
  plan: DatedTeamPlan,
  out: Output,
  opts: { readonly days?: boolean } = {},
): string {
  if (opts.days !== true && summarises(plan)) return renderTeamSummary(plan, out);
  const c = out.color;
  const width = out.columns;
  const critical = new Set(plan.criticalPath);
  // Bold where colour is on; where it is off (piped, NO_COLOR) bold is lost, so a `*` marks them.
  const colour = c.level > 0;
  const mark = (id: string, text: string): string =>
    !critical.has(id) ? text : colour ? c.bold(text) : `${text}*`;
  const lines: string[] = [wrapProse(c.bold(titleLine(plan)), width, '  '), ''];
  for (const w of weekSections(plan, mark)) {
    lines.push(c.bold(w.title));
    const rows: string[][] = w.rows.map((r) => [...r]);
    w.totals.forEach(([who, h], k) =>
      rows.push([k === 0 ? 'Total' : '', who, '', fmtHours(h), '']),
    );
    lines.push(fitTable(DAY_COLUMNS, rows, width), '');
  }
  const [, ...weeks] = engineerWeeks(plan);
  lines.push(c.bold('Per engineer and week'), fitTable(WEEK_COLUMNS, weeks, width), '');
  const [, ...totals] = engineerTotals(plan);
  lines.push(c.bold('Totals per engineer'), fitTable(TOTAL_COLUMNS, totals, width), '');
  const handoffs = handoffLines(plan);
  lines.push(c.bold('Handoffs'));
  lines.push(
    ...(handoffs.length === 0
      ? [wrapProse('  none: one engineer does every dependent pair', width, '    ')]
      : handoffs.map((h) => wrapProse(`  ${h}`, width, '    '))),
  );
  lines.push('');
  lines.push(
    wrapProse(`${c.bold('Critical path')} (resource-constrained): ${chainText(plan)}`, width, '  '),
  );
  lines.push('', ...summaryLines(plan, out));
  lines.push(
    wrapProse(
      c.dim(
        `(${colour ? 'bold tasks' : 'tasks marked *'} are on the critical path; ${plan.hoursPerDay} h working days from 09:00)`,
      ),
      width,
    ),
  );
  return lines.join('\n');
}

/** The closing block: end date, duration, effort, utilisation, bounds, search. */
function summaryLines(plan: DatedTeamPlan, out: Output): string[] {
  const pairs = summaryPairs(plan);
  const w = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) =>
    wrapProse(`${out.color.bold(`${k}:`.padEnd(w))} ${v}`, out.columns, ' '.repeat(w + 1)),
  );
}

/**
 * A long plan in a screenful per year: a row per week (hours, how busy the team is, activities
 * finished), totals per engineer, the number of handoffs, the critical chain by its ends and
 * the closing block. `--days` prints the full listing instead.
 */
function renderTeamSummary(plan: DatedTeamPlan, out: Output): string {
  const c = out.color;
  const width = out.columns;
  const weeks = plan.weeks;
  const year = spansYears(plan);
  const lines: string[] = [wrapProse(c.bold(titleLine(plan)), width, '  '), ''];
  lines.push(c.bold('Week by week'));
  const rows = weeks.map((w) => [
    String(w.week),
    `${dayName(w.first, year)} – ${dayName(w.last, year)}`,
    fmtHours(w.hours),
    pct(w.busy),
    String(w.finished),
  ]);
  lines.push(fitTable(WEEK_TOTAL_COLUMNS, rows, width), '');
  const [, ...totals] = engineerTotals(plan);
  lines.push(c.bold('Totals per engineer'), fitTable(TOTAL_COLUMNS, totals, width), '');
  lines.push(`${c.bold('Handoffs')}: ${plan.handoffs.length}`, '');
  lines.push(
    wrapProse(
      `${c.bold('Critical path')} (resource-constrained, ${plan.criticalChain.length} activities): ${shortChainText(plan)}`,
      width,
      '  ',
    ),
    '',
    ...summaryLines(plan, out),
  );
  lines.push(
    wrapProse(
      c.dim(
        `(a summary: ${weeks.length} weeks, ${plan.activities.length} activities; --days lists every day, handoff and critical activity; ${plan.hoursPerDay} h working days from 09:00)`,
      ),
      width,
    ),
  );
  return lines.join('\n');
}

/** Scenarios side by side, like the design document's decision matrix. */
export function renderTeamMatrix(plans: readonly DatedTeamPlan[], out: Output): string {
  const c = out.color;
  const rows = matrixRows(plans);
  const first = plans[0];
  const title =
    first === undefined
      ? 'No plans'
      : `${escapeLine(first.project)}: team sizes side by side (${first.estimate} hours)`;
  const [head = [], ...body] = rows;
  const columns: Column[] = head.map((h, i) =>
    i === 0 ? { header: h } : { header: h, align: 'r', shrink: 'wrap', min: 8 },
  );
  return [wrapProse(c.bold(title), out.columns), '', fitTable(columns, body, out.columns)].join(
    '\n',
  );
}

/** The decision-matrix cells, header first; shared with the Markdown renderer. */
export function matrixRows(plans: readonly DatedTeamPlan[]): string[][] {
  const year = yearsDiffer(plans.flatMap((p) => [p.startDate, p.endDate]));
  const row = (label: string, f: (p: DatedTeamPlan) => string): string[] => [
    label,
    ...plans.map(f),
  ];
  return [
    ['', ...plans.map((p) => `team ${p.teamLabel}`)],
    row('Engineers', (p) => p.engineers.map((m) => m.id).join(', ')),
    row('Makespan', (p) => `${fmtHours(p.makespan)} h`),
    row('Working days', (p) => String(p.summary.workingDays)),
    row('End', (p) => dateTimeName(p.endDate, year)),
    row('Deadline', (p) =>
      p.summary.meetsDeadline === undefined ? '—' : p.summary.meetsDeadline ? 'met' : 'missed',
    ),
    row('Effort', (p) => `${fmtHours(p.summary.effort)} h`),
    row('Hours per engineer', (p) =>
      p.engineers.map((m) => fmtHours(p.hoursByEngineer[m.id] ?? 0)).join(' / '),
    ),
    row('Utilisation', (p) => pct(p.summary.utilisation)),
    row('Speed-up vs solo', (p) =>
      p.summary.speedup === undefined ? '—' : `${p.summary.speedup.toFixed(2)}×`,
    ),
    row('Lower bound', (p) => `${fmtHours(p.lowerBound)} h`),
    row('Gap to bound', (p) => (p.optimal ? 'optimal' : `${(p.summary.gap * 100).toFixed(1)} %`)),
    row('Low–high range', (p) =>
      p.summary.range === undefined
        ? '—'
        : `${fmtHours(p.summary.range.low)}–${fmtHours(p.summary.range.high)} h`,
    ),
    row('Handoffs', (p) => String(p.handoffs.length)),
  ];
}
