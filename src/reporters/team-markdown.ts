import type { DatedTeamPlan } from '../app/plan-team.js';
import { escapeLine } from './escape.js';
import { fmtHours } from './format.js';
import {
  DAY_HEADER,
  chainReasons,
  chainText,
  engineerTotals,
  engineerWeeks,
  handoffLines,
  summaryPairs,
  titleLine,
  weekSections,
} from './team-common.js';
import { matrixRows } from './team-table.js';

/** Markdown renderings of team plans: the document (tables + a Mermaid Gantt) and the bare Gantt. */

const cell = (s: string): string => s.replace(/\|/g, '\\|');

function mdTable(rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const [head, ...body] = rows;
  if (head === undefined) return '';
  const line = (r: readonly string[]): string => `| ${r.map(cell).join(' | ')} |`;
  const rule = `|${head.map((_, i) => (align[i] === 'r' ? '---:' : '---')).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

/** The plan as a Markdown document; `note` goes under the title (e.g. how it was generated). */
export function renderTeamMarkdown(plan: DatedTeamPlan, note?: string): string {
  const critical = new Set(plan.criticalPath);
  const mark = (id: string, text: string): string => (critical.has(id) ? `**${text}**` : text);
  const out: string[] = [`# ${titleLine(plan)}`, ''];
  if (note !== undefined) out.push(note, '');
  out.push('## Day by day', '');
  for (const w of weekSections(plan, mark)) {
    out.push(`### ${w.title}`, '');
    const rows: string[][] = [[...DAY_HEADER], ...w.rows.map((r) => [...r])];
    w.totals.forEach(([who, h], k) =>
      rows.push([k === 0 ? '**Total**' : '', who, '', `**${fmtHours(h)}**`, '']),
    );
    out.push(mdTable(rows, ['l', 'l', 'l', 'r', 'l']), '');
  }
  out.push('Bold tasks are on the critical path.', '');
  out.push('## Per engineer and week', '', mdTable(engineerWeeks(plan), ['l', 'l', 'l', 'r']), '');
  out.push(
    '## Totals per engineer',
    '',
    mdTable(engineerTotals(plan), ['l', 'l', 'r', 'r', 'r']),
    '',
  );
  out.push('## Handoffs', '');
  const handoffs = handoffLines(plan);
  out.push(
    ...(handoffs.length === 0
      ? ['None: one engineer does every dependent pair.']
      : handoffs.map((h) => `- ${h}`)),
    '',
  );
  out.push('## Critical path', '', chainText(plan), '');
  out.push(...chainReasons(plan).map((r) => `- ${r}`), '');
  out.push(
    '## Summary',
    '',
    mdTable([['', ''], ...summaryPairs(plan).map(([k, v]) => [`**${k}**`, v])]),
    '',
  );
  out.push('## Gantt', '', '```mermaid', renderTeamGantt(plan), '```', '');
  return out.join('\n');
}

/** Scenarios side by side as Markdown. */
export function renderTeamsMarkdown(plans: readonly DatedTeamPlan[]): string {
  const first = plans[0];
  const title =
    first === undefined
      ? 'No plans'
      : `${escapeLine(first.project)}: team sizes side by side (${first.estimate} hours)`;
  return [
    `# ${title}`,
    '',
    mdTable(matrixRows(plans), ['l', ...plans.map(() => 'r' as const)]),
    '',
  ].join('\n');
}

/** A Mermaid Gantt chart: a section per engineer, critical activities tagged `crit`. */
export function renderTeamGantt(plan: DatedTeamPlan): string {
  const safe = (s: string): string => s.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim();
  const when = (iso: string): string => iso.replace('T', ' ');
  const lines = [
    'gantt',
    `  title ${safe(titleLine(plan))}`,
    '  dateFormat YYYY-MM-DD HH:mm',
    '  axisFormat %a %d %b',
  ];
  const critical = new Set(plan.criticalPath);
  plan.engineers.forEach((m) => {
    const mine = plan.activities.filter((a) => a.assignee === m.id);
    if (mine.length === 0) return;
    lines.push(`  section ${safe(m.id)}`);
    for (const a of [...mine].sort((x, y) => x.start - y.start)) {
      const k = plan.activities.indexOf(a);
      const tag = critical.has(a.id) ? 'crit, ' : '';
      lines.push(
        `    ${safe(`${a.id} ${escapeLine(a.taskTitle)}`)} :${tag}a${k}, ${when(a.startDate)}, ${when(a.endDate)}`,
      );
    }
  });
  return lines.join('\n');
}
