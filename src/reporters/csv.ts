import type { DatedTeamPlan } from '../app/plan-team.js';
import { escapeTerminal } from './escape.js';

/**
 * The team plan as CSV (`plan --team N --format csv`): one row per activity, for spreadsheets.
 * RFC 4180: CRLF line ends, a header row, and a field holding a comma, a double quote, CR or LF
 * quoted with its quotes doubled. Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`,
 * a tab or a carriage return as a formula, so such a cell gets a leading `'`, as OWASP's CSV
 * injection advice says: a title `=HYPERLINK(…)` reads `'=HYPERLINK(…)` and stays text. Control
 * characters in user data are shown as escapes (`\x1b`), as everywhere critpath writes, but for
 * tabs and line breaks, a carriage return alone included: a CSV reader gets the title back.
 */

export const CSV_HEADER = [
  'team',
  'id',
  'task',
  'phase',
  'title',
  'assignee',
  'start',
  'end',
  'start_hour',
  'end_hour',
  'hours',
  'gpus',
  'critical',
] as const;

/** One field, safe for spreadsheets and quoted as RFC 4180 says. */
export function csvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `YYYY-MM-DD HH:MM` from `YYYY-MM-DDTHH:MM`: the form spreadsheets read as a date and time. */
function sheetDate(iso: string): string {
  return iso.replace('T', ' ');
}

/** User data's text with its control characters escaped (escapeTerminal), carriage returns kept. */
function dataText(s: string): string {
  return s.includes('\r')
    ? s
        .split('\r')
        .map((part) => escapeTerminal(part))
        .join('\r')
    : escapeTerminal(s);
}

function planRows(plan: DatedTeamPlan): string[][] {
  return plan.activities.map((a) => [
    dataText(plan.teamLabel),
    dataText(a.id),
    dataText(a.task),
    dataText(a.phase ?? ''),
    dataText(a.title),
    dataText(a.assignee),
    sheetDate(a.startDate),
    sheetDate(a.endDate),
    String(a.start),
    String(a.end),
    String(a.duration),
    String(a.demand['gpu'] ?? 0),
    a.critical ? 'yes' : 'no',
  ]);
}

/** The activities of one or more team plans (`--team 1,2,3`: the team column tells them apart). */
export function renderTeamCsv(plans: readonly DatedTeamPlan[]): string {
  const rows = [[...CSV_HEADER], ...plans.flatMap(planRows)];
  return rows.map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}
