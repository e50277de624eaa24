import type { DatedTeamPlan } from '../app/plan-team.js';
import { fmtHours, table } from './format.js';
import {
  DAY_HEADER,
  chainText,
  dateTimeName,
  engineerTotals,
  engineerWeeks,
  handoffLines,
  pct,
  planEnd,
  summaryPairs,
  titleLine,
  weekSections,
} from './team-common.js';
import type { Output } from './terminal.js';

/**
 * The terminal view of a team plan, shaped like the design document's tables: week by week a
 * row per day per engineer, totals, then handoffs, the critical path, the end date and the
 * numbers that judge the plan.
 */
export function renderTeamTable(plan: DatedTeamPlan, out: Output): string {
  const c = out.color;
  const critical = new Set(plan.criticalPath);
  const mark = (id: string, text: string): string => (critical.has(id) ? c.bold(text) : text);
  const lines: string[] = [c.bold(titleLine(plan)), ''];
  for (const w of weekSections(plan, mark)) {
    lines.push(c.bold(w.title));
    const rows: string[][] = [[...DAY_HEADER], ...w.rows.map((r) => [...r])];
    w.totals.forEach(([who, h], k) =>
      rows.push([k === 0 ? 'Total' : '', who, '', fmtHours(h), '']),
    );
    lines.push(table(rows, ['l', 'l', 'l', 'r', 'l']), '');
  }
  lines.push(c.bold('Per engineer and week'), table(engineerWeeks(plan), ['l', 'l', 'l', 'r']), '');
  lines.push(
    c.bold('Totals per engineer'),
    table(engineerTotals(plan), ['l', 'l', 'r', 'r', 'r']),
    '',
  );
  const handoffs = handoffLines(plan);
  lines.push(c.bold('Handoffs'));
  lines.push(
    ...(handoffs.length === 0
      ? ['  none: one engineer does every dependent pair']
      : handoffs.map((h) => `  ${h}`)),
  );
  lines.push('');
  lines.push(`${c.bold('Critical path')} (resource-constrained): ${chainText(plan)}`);
  lines.push('');
  const pairs = summaryPairs(plan);
  const w = Math.max(...pairs.map(([k]) => k.length)) + 1;
  for (const [k, v] of pairs) lines.push(`${c.bold(`${k}:`.padEnd(w))} ${v}`);
  lines.push(
    c.dim(`(bold tasks are on the critical path; ${plan.hoursPerDay} h working days from 09:00)`),
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
  return [c.bold(title), '', table(rows, ['l', ...plans.map(() => 'r' as const)])].join('\n');
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
    row('End', (p) => dateTimeName(planEnd(p))),
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
