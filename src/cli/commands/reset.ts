import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT, loadOrReport, usageError } from '../context.js';
import { buildActivityGraph } from '../../model/activities.js';
import { existsSync, mkdirSync } from 'node:fs';
import { JournalWriter } from '../../state/journal.js';
import { selfOwner, tryLock, unlock } from '../../state/lockfile.js';
import { statePaths } from '../../state/paths.js';

export function registerReset(program: Command, ctx: CliContext): void {
  program
    .command('reset')
    .description('Forget run results so tasks run again: one task or activity, or all of them')
    .argument('[file-and-ids...]', 'task file, then task or activity ids (none: all)')
    .addHelpText(
      'after',
      '\nExamples:\n  critpath reset tasks/demo.yaml\n  critpath reset tasks/epic-1a.yaml 1a.8',
    )
    .action(async (args: string[]) => {
      const [first, ...rest] = args;
      // As `run` reads its arguments: the first is the file when it looks like one or exists.
      const isFile = first !== undefined && (/\.ya?ml$/i.test(first) || existsSync(first));
      const file = isFile ? first : ctx.defaultFile.file;
      const ids = isFile ? rest : args;
      const project = await loadOrReport(ctx, file);
      if (project === undefined) return;
      const graph = buildActivityGraph(project);
      const acts: string[] = [];
      for (const id of ids) {
        const t = project.tasks.find((x) => x.id === id);
        if (t !== undefined) acts.push(...t.phases.map((p) => p.activityId));
        else if (graph.byId.has(id)) acts.push(id);
        else return usageError(ctx, `unknown task or activity: ${id}`);
      }
      const paths = statePaths(file);
      // Hold the project lock while writing, so no run starts from a journal it is changing.
      mkdirSync(paths.dir, { recursive: true });
      const owner = selfOwner({ what: `critpath reset ${file}` });
      const locked = tryLock(paths.lock, owner);
      if (!locked.ok) {
        ctx.out.err(
          `critpath: a run is in progress (pid ${locked.holder.pid}); stop it first (critpath cancel)`,
        );
        ctx.exitCode = EXIT.failed;
        return;
      }
      try {
        const j = JournalWriter.open(paths.journal);
        j.appendSync({ t: 'reset', at: Date.now(), ids: ids.length === 0 ? null : acts });
        j.close();
      } finally {
        unlock(paths.lock, owner);
      }
      ctx.out.out(
        ids.length === 0
          ? 'reset: every activity will run again'
          : `reset: ${acts.join(', ')} will run again`,
      );
    });
}
