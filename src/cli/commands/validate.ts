import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { loadOrReport } from '../context.js';
import { taskFileArgument } from '../options.js';
import { buildActivityGraph } from '../../model/activities.js';
import { escapeTerminal } from '../../reporters/escape.js';
import { counted } from '../../reporters/format.js';
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
          `${escapeTerminal(file)}: ok — ${counted(project.tasks.length, 'task')}, ${counted(g.activities.length, 'activity', 'activities')}, ${counted(edges, 'dependency', 'dependencies')}`,
          ctx.out.columns,
          '  ',
        ),
      );
    });
}
