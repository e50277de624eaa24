import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { loadOrReport } from '../context.js';
import { criticalPathPlan } from '../../planner/project/critical-path.js';
import { renderDot, renderMermaidGraph } from '../../reporters/graph.js';

export function registerGraph(program: Command, ctx: CliContext): void {
  program
    .command('graph')
    .description('Print the activity graph as Graphviz DOT or a Mermaid flowchart')
    .argument('[file]', 'task file', ctx.defaultFile.file)
    .addOption(
      new Option('--format <format>', 'output format').choices(['dot', 'mermaid']).default('dot'),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  critpath graph --format mermaid\n  critpath graph | dot -Tsvg > graph.svg',
    )
    .action(async (file: string, opts: { format: 'dot' | 'mermaid' }) => {
      const project = await loadOrReport(ctx, file);
      if (project === undefined) return;
      const critical = new Set(
        criticalPathPlan(project)
          .activities.filter((a) => a.critical)
          .map((a) => a.id),
      );
      ctx.out.out(
        opts.format === 'dot'
          ? renderDot(project, critical)
          : renderMermaidGraph(project, critical),
      );
    });
}
