import type { CpmPlan } from '../planner/project/critical-path-plan.js';
import { fmtHours, table } from './format.js';
import type { Output } from './terminal.js';

/** The critical-path table: ES/EF/LS/LF/slack per activity, then the critical path. */
export function renderCpmTable(plan: CpmPlan, out: Output): string {
  const c = out.color;
  const rows: string[][] = [
    ['', 'Activity', 'Hours', 'HW', 'GPUs', 'ES', 'EF', 'LS', 'LF', 'Slack', 'Free', 'Title'],
  ];
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
    table(rows, ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']),
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
  return lines.join('\n');
}

/** The CPM plan as JSON, with the plan contract's names (`activities`, `start`, `end`, `criticalPath`). */
export function renderCpmJson(plan: CpmPlan): string {
  return JSON.stringify(plan, null, 2);
}
