import type { DatedTeamPlan } from '../app/plan-team.js';
import { fmtHours } from './format.js';
import type { Column } from './layout.js';
import { fitTable, wrapProse } from './layout.js';
import {
  chainText,
  dateTimeName,
  engineerTotals,
  engineerWeeks,
  handoffLines,
  pct,
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
const TOTAL_COLUMNS: readonly Column[] = [
  { header: 'Engineer' },
  { header: 'Name', shrink: 'elide', min: 12 },
  { header: 'Hours', align: 'r' },
  { header: 'Activities', align: 'r' },
  { header: 'Busy', align: 'r' },
];

/**
 * The terminal view of a team plan, shaped like the design document's tables: week by week a
 * row per day per engineer, totals, then handoffs, the critical path, the end date and the
 * numbers that judge the plan.
 */
export function renderTeamTable(plan: DatedTeamPlan, out: Output): string {
  const c = out.color;
  const width = out.columns;
  const critical = new Set(plan.criticalPath);
  const mark = (id: string, text: string): string => (critical.has(id) ? c.bold(text) : text);
  const lines: string[] = [c.bold(titleLine(plan)), ''];
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
      ? ['  none: one engineer does every dependent pair']
      : handoffs.map((h) => wrapProse(`  ${h}`, width, '    '))),
  );
  lines.push('');
  lines.push(
    wrapProse(`${c.bold('Critical path')} (resource-constrained): ${chainText(plan)}`, width, '  '),
  );
  lines.push('');
  const pairs = summaryPairs(plan);
  const w = Math.max(...pairs.map(([k]) => k.length)) + 1;
  for (const [k, v] of pairs)
    lines.push(wrapProse(`${c.bold(`${k}:`.padEnd(w))} ${v}`, width, ' '.repeat(w + 1)));
  lines.push(
    wrapProse(
      c.dim(`(bold tasks are on the critical path; ${plan.hoursPerDay} h working days from 09:00)`),
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
      : `${first.project}: team sizes side by side (${first.estimate} hours)`;
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
  const row = (label: string, f: (p: DatedTeamPlan) => string): string[] => [
    label,
    ...plans.map(f),
  ];
  return [
    ['', ...plans.map((p) => `team ${p.teamLabel}`)],
    row('Engineers', (p) => p.engineers.map((m) => m.id).join(', ')),
    row('Makespan', (p) => `${fmtHours(p.makespan)} h`),
    row('Working days', (p) => String(p.summary.workingDays)),
    row('End', (p) => dateTimeName(p.endDate)),
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
