import { Argument } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { loadProjectFileCached } from '../../config/project-cache.js';
import { defaultFileProblem } from '../context.js';
import { taskFileArgument } from '../options.js';
import type { CompletionVerb, Shell } from '../../reporters/completion.js';
import { SHELLS, completionScript } from '../../reporters/completion.js';

/** The verbs and options of the program's own command table. */
export function completionVerbs(program: Command): CompletionVerb[] {
  return program.commands.map((c) => ({
    name: c.name(),
    options: c.options.flatMap((o) =>
      [o.long, o.short].filter((f): f is string => f !== undefined),
    ),
  }));
}

export function registerCompletion(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description(
      'Print shell completion (verbs, options, task files, task ids) for bash, zsh or fish',
    )
    .addArgument(new Argument('<shell>', 'shell').choices([...SHELLS, 'ids']))
    .addArgument(taskFileArgument(ctx, 'with `ids`: the task file whose ids to list'))
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  source <(critpath completion bash)      in ~/.bashrc',
        '  source <(critpath completion zsh)       in ~/.zshrc, after compinit',
        '  critpath completion fish > ~/.config/fish/completions/critpath.fish',
      ].join('\n'),
    )
    .action(async (shell: Shell | 'ids', file: string) => {
      if (shell !== 'ids') {
        ctx.out.write(completionScript(shell, completionVerbs(program)));
        return;
      }
      // Asked by the scripts while the user types: ids, or nothing at all (not another file's
      // ids where the default file cannot be known).
      if (defaultFileProblem(ctx, file) !== undefined) return;
      const r = await loadProjectFileCached(file);
      if (!r.ok) return;
      const ids = new Set<string>();
      for (const t of r.value.tasks) {
        ids.add(t.id);
        for (const p of t.phases) ids.add(p.activityId);
      }
      ctx.out.out([...ids].join('\n'));
    });
}
