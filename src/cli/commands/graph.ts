import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

import { criticalPathPlan } from '../../planner/project/critical-path-plan.js';
import { dependencies } from '../../app/dependencies.js';
import { unknownIdsText } from '../../app/resolve-ids.js';
import { renderDependencies, renderDot, renderMermaidGraph } from '../../reporters/graph.js';
import { loadOrReport, usageError } from '../context.js';
import { taskFileArgument } from '../options.js';

interface GraphOptions {
  readonly format: 'dot' | 'mermaid';
  readonly upstream?: string;
  readonly downstream?: string;
}

export function registerGraph(program: Command, ctx: CliContext): void {
  program
    .command('graph')
    .description('Print the activity graph as Graphviz DOT or a Mermaid flowchart')
    .addArgument(taskFileArgument(ctx))
    .addOption(
      new Option('--format <format>', 'output format').choices(['dot', 'mermaid']).default('dot'),
    )
    .option('--upstream <id>', 'list what a task or activity waits for, one id a line')
    .option('--downstream <id>', 'list what waits for a task or activity, one id a line')
    .addHelpText(
      'after',
      '\nExamples:\n  critpath graph --format mermaid\n  critpath graph | dot -Tsvg > graph.svg\n  critpath graph --upstream 1a.8',
    )
    .action(async (file: string, opts: GraphOptions) => {
      if (opts.upstream !== undefined && opts.downstream !== undefined) {
        usageError(ctx, 'give --upstream or --downstream, not both');
        return;
      }
      const project = await loadOrReport(ctx, file);
      if (project === undefined) return;
      const query =
        opts.upstream !== undefined
          ? { id: opts.upstream, direction: 'upstream' as const }
          : opts.downstream !== undefined
            ? { id: opts.downstream, direction: 'downstream' as const }
            : undefined;
      if (query !== undefined) {
        const r = dependencies(project, query.id, query.direction);
        if (!r.ok) {
          usageError(ctx, `${file}: --${query.direction}: ${unknownIdsText([r.error])}`);
          return;
        }
        ctx.out.out(renderDependencies(r.value));
        return;
      }
      const critical = new Set(
        [...criticalPathPlan(project).activities].filter((a) => a.critical).map((a) => a.id),
      );
      ctx.out.out(
        opts.format === 'dot'
          ? renderDot(project, critical)
          : renderMermaidGraph(project, critical),
      );
    });
}
