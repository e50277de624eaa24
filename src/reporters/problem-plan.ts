import type { ProblemPlan } from '../planner/project/psplib-plan.js';
import { counted, fmtHours, planQuality, table } from './format.js';
import type { Output } from './terminal.js';
import { escapeLine } from './escape.js';
import { wrapProse } from './layout.js';

/** A PSPLIB-style plan as a table of periods, then the chain and the bound. */
export function renderProblemPlanTable(plan: ProblemPlan, name: string, out: Output): string {
  const c = out.color;
  const ids = plan.resources.map((r) => r.id);
  const onChain = new Set(plan.criticalPath);
  const rows: string[][] = [['', 'Job', 'Dur', 'Start', 'End', ...ids, 'Predecessors']];
  for (const a of plan.activities) {
    rows.push([
      onChain.has(a.id) ? c.red('●') : ' ',
      a.id,
      String(a.duration),
      String(a.start),
      String(a.end),
      ...ids.map((r) => String(a.demand[r] ?? 0)),
      a.predecessors.join(' '),
    ]);
  }
  const caps = plan.resources
    .map((r) => `${r.id}=${r.profile.map((s) => s.capacity).join('/')}`)
    .join(' ');
  const gap = plan.lowerBound > 0 ? ((plan.makespan - plan.lowerBound) / plan.lowerBound) * 100 : 0;
  const prose = (text: string): string => wrapProse(text, out.columns);
  return [
    c.bold(prose(`${escapeLine(name)}: ${plan.activities.length} jobs, capacities ${caps}`)),
    '',
    table(rows, ['l', 'l', 'r', 'r', 'r', ...ids.map((): 'r' => 'r'), 'l']),
    '',
    prose(
      `Makespan: ${counted(plan.makespan, 'period')} (${plan.method}, ${counted(plan.schedulesEvaluated, 'schedule')})`,
    ).replace(/^Makespan/, c.bold('Makespan')),
    prose(
      `Lower bound: ${fmtHours(plan.lowerBound)} (critical path ${fmtHours(plan.bounds.criticalPath)}, ` +
        `resources ${fmtHours(plan.bounds.resource)}` +
        (plan.bounds.energetic > 0 ? `, energetic ${fmtHours(plan.bounds.energetic)}` : '') +
        (plan.bounds.exact !== undefined ? `, exact ${fmtHours(plan.bounds.exact)})` : ')') +
        `: ${planQuality(plan.optimal, plan.lowerBound, gap / 100, '')}`,
    ),
    prose(`Critical chain: ${plan.criticalPath.join(' → ')}`),
  ].join('\n');
}
