import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { loadOrReport } from '../context.js';
import { taskFileArgument } from '../options.js';
import { buildActivityGraph } from '../../model/activities.js';
import { escapeTerminal } from '../../reporters/escape.js';
import { wrapProse } from '../../reporters/layout.js';

export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('Check a task file: schema, hour ranges, dependencies, cycles, GPU capacity')
    .addArgument(taskFileArgument(ctx))
    .addHelpText('after', '\nExamples:\n  critpath validate\n  critpath validate tasks/demo.yaml')
    .action(async (file: string) => {
      const project = await loadOrReport(ctx, file);
      if (project === undefined) return;
      const g = buildActivityGraph(project);
      let edges = 0;
      for (const a of g.activities) edges += a.predecessors.length;
      ctx.out.out(
        wrapProse(
          `${escapeTerminal(file)}: ok — ${project.tasks.length} tasks, ${g.activities.length} activities, ${edges} dependencies`,
          ctx.out.columns,
          '  ',
        ),
      );
    });
}
