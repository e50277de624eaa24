import type { CpmActivity, CpmPlan } from '../planner/project/critical-path-plan.js';
import { escapeLine } from './escape.js';
import { counted, fmtHours } from './format.js';
import { jsonChunks } from '../util/json-chunks.js';
import type { Column } from './layout.js';
import { fitTable, wrapProse } from './layout.js';
import type { Output } from './terminal.js';

/**
 * The critical-path table's columns: on a narrow terminal the free slack, the latest times and
 * the hardware kind (the GPU count tells it) give way, and titles are cut; narrower still, titles
 * wrap in a column of 16 cells or more before the table becomes cards. Ids are never cut.
 */
const CPM_COLUMNS: readonly Column[] = [
  { header: '' },
  { header: 'Activity' },
  { header: 'Hours', align: 'r' },
  { header: 'HW', drop: 4 },
  { header: 'GPUs', align: 'r' },
  { header: 'ES', align: 'r' },
  { header: 'EF', align: 'r' },
  { header: 'LS', align: 'r', drop: 3 },
  { header: 'LF', align: 'r', drop: 2 },
  { header: 'Slack', align: 'r' },
  { header: 'Free', align: 'r', drop: 1 },
  { header: 'Title', shrink: 'elide', min: 30, floor: 16 },
];

/** Projects with more activities than this get the summary table unless `days` (--days). */
export const CPM_SUMMARY_ACTIVITIES = 500;
/** The summary table lists at most this many critical activities. */
export const CPM_SUMMARY_ROWS = 200;
/** A summary prints a chain longer than this by its ends: CHAIN_ENDS ids at each. */
const CHAIN_LIMIT = 40;
const CHAIN_ENDS = 10;

function cpmRow(a: CpmActivity, c: Output['color']): string[] {
  return [
    a.critical ? c.red('●') : ' ',
    a.critical ? c.bold(a.id) : a.id,
    fmtHours(a.duration),
    a.hardware === 'gpu' ? 'gpu' : 'mac',
    String(a.gpus),
    fmtHours(a.start),
    fmtHours(a.end),
    fmtHours(a.latestStart),
    fmtHours(a.latestFinish),
    fmtHours(a.totalSlack),
    fmtHours(a.freeSlack),
    escapeLine(a.title),
  ];
}

/** A chain as `a → b → c`; in a summary, a long one by its ends and how many lie between. */
function chain(ids: readonly string[], summary: boolean): string {
  if (!summary || ids.length <= CHAIN_LIMIT) return ids.join(' → ');
  const head = ids.slice(0, CHAIN_ENDS).join(' → ');
  const tail = ids.slice(ids.length - CHAIN_ENDS).join(' → ');
  return `${head} → … ${ids.length - 2 * CHAIN_ENDS} more … → ${tail}`;
}

/**
 * What a summary table lists: `listed` of the `critical` activities, of `n` in all (a chain's
 * activities are all critical, and its count is said once).
 */
function summaryNote(listed: number, critical: number, n: number): string {
  const which =
    critical === n
      ? `the first ${listed} of ${n} activities listed, every one critical`
      : listed === critical
        ? `the ${critical} critical activities of ${n} listed`
        : `the first ${listed} of ${critical} critical activities listed, of ${n} activities in all`;
  return `(a summary: ${which}; --days lists every activity, --json gives them all)`;
}

/**
 * The critical-path table: ES/EF/LS/LF/slack per activity, then the critical path. A project of
 * more than CPM_SUMMARY_ACTIVITIES activities gets a summary of bounded length instead, unless
 * `days` asks for every row: the first CPM_SUMMARY_ROWS critical activities, and each critical
 * chain by its ends (--json lists everything).
 */
export function renderCpmTable(
  plan: CpmPlan,
  out: Output,
  opts: { readonly days?: boolean } = {},
): string {
  const c = out.color;
  const n = plan.activities.length;
  const summary = opts.days !== true && n > CPM_SUMMARY_ACTIVITIES;
  const rows: string[][] = [];
  let critical = 0;
  const list = plan.activities;
  for (let k = 0; k < n; k++) {
    const isCritical = list.critical(k);
    if (isCritical) critical++;
    if (!summary || (isCritical && rows.length < CPM_SUMMARY_ROWS))
      rows.push(cpmRow(list.at(k), c));
  }
  const lines = [
    c.bold(
      `${escapeLine(plan.project)}: critical path analysis (${plan.estimate} hours, no resource limits)`,
    ),
    '',
    fitTable(CPM_COLUMNS, rows, out.columns),
    '',
  ];
  if (summary) lines.push(summaryNote(rows.length, critical, n), '');
  lines.push(
    `${c.bold('Critical path')} (${fmtHours(plan.makespan)} h): ${chain(plan.criticalPath, summary)}`,
  );
  if (plan.criticalPaths.length > 1) {
    lines.push(`${plan.criticalPaths.length - 1} more critical path(s):`);
    for (const p of plan.criticalPaths.slice(1)) lines.push(`  ${chain(p, summary)}`);
  }
  lines.push(
    `Effort: ${fmtHours(plan.effort)} h in ${counted(n, 'activity', 'activities')}; ` +
      `with unlimited people and hardware the project takes ${counted(fmtHours(plan.makespan), 'working hour')}.`,
  );
  return lines.map((l) => wrapProse(l, out.columns, '  ')).join('\n');
}

/**
 * The CPM plan as JSON (`JSON.stringify(plan, null, 2)`), with the plan contract's names
 * (`activities`, `start`, `end`, `criticalPath`), in pieces: a plan of a million activities is
 * 470 MB of JSON, near the longest string the runtime can hold.
 */
export function cpmJsonChunks(plan: CpmPlan): Iterable<string> {
  return jsonChunks(plan);
}
