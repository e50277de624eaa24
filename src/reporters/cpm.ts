import type { CpmPlan } from '../planner/project/critical-path-plan.js';
import { fmtHours } from './format.js';
import type { Column } from './layout.js';
import { fitTable, wrapProse } from './layout.js';
import type { Output } from './terminal.js';

/**
 * The critical-path table's columns: on a narrow terminal the free slack, the latest times and
 * the hardware kind (the GPU count tells it) give way, and titles are cut.
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
  { header: 'Title', shrink: 'elide', min: 30 },
];

/** The critical-path table: ES/EF/LS/LF/slack per activity, then the critical path. */
export function renderCpmTable(plan: CpmPlan, out: Output): string {
  const c = out.color;
  const rows: string[][] = [];
  for (const a of plan.activities) {
    rows.push([
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
      a.title,
    ]);
  }
  const lines = [
    c.bold(`${plan.project}: critical path analysis (${plan.estimate} hours, no resource limits)`),
    '',
    fitTable(CPM_COLUMNS, rows, out.columns),
    '',
    `${c.bold('Critical path')} (${fmtHours(plan.makespan)} h): ${plan.criticalPath.join(' → ')}`,
  ];
  if (plan.criticalPaths.length > 1) {
    lines.push(`${plan.criticalPaths.length - 1} more critical path(s):`);
    for (const p of plan.criticalPaths.slice(1)) lines.push(`  ${p.join(' → ')}`);
  }
  lines.push(
    `Effort: ${fmtHours(plan.effort)} h in ${plan.activities.length} activities; ` +
      `with unlimited people and hardware the project takes ${fmtHours(plan.makespan)} working hours.`,
  );
  return lines.map((l) => wrapProse(l, out.columns, '  ')).join('\n');
}

/** The CPM plan as JSON, with the plan contract's names (`activities`, `start`, `end`, `criticalPath`). */
export function renderCpmJson(plan: CpmPlan): string {
  return JSON.stringify(plan, null, 2);
}
