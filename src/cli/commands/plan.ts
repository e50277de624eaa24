import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { DEFAULT_TASK_FILE, loadOrReport } from '../context.js';
import type { EstimateMode } from '../../model/project.js';
import { criticalPathPlan } from '../../planner/critical-path.js';
import { renderCpmJson, renderCpmTable } from '../../reporters/cpm.js';

interface PlanOptions {
  json?: boolean;
  estimate: EstimateMode;
}

export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('Compute the critical path of a task file')
    .argument('[file]', 'task file', DEFAULT_TASK_FILE)
    .option('--json', 'print the plan as JSON')
    .addOption(
      new Option('--estimate <point>', 'which point of each hour range to plan with')
        .choices(['low', 'expected', 'high'])
        .default('expected'),
    )
    .addHelpText('after', '\nExamples:\n  critpath plan\n  critpath plan tasks/epic-1a.yaml --json')
    .action(async (file: string, opts: PlanOptions) => {
      const project = await loadOrReport(ctx, file);
      if (project === undefined) return;
      const plan = criticalPathPlan(project, opts.estimate);
      ctx.out.out(opts.json ? renderCpmJson(plan) : renderCpmTable(plan, ctx.out));
    });
}
