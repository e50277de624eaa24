import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { ROOT_OPTION } from '../options.js';
import { EXIT, loadOrReport, usageError } from '../context.js';
import { buildActivityGraph } from '../../model/activities.js';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { JournalWriter } from '../../state/journal.js';
import { selfOwner, tryLock, unlock } from '../../state/lockfile.js';
import { statePaths } from '../../state/paths.js';
import { readRunState } from '../../state/read.js';
import { resetClosure } from '../../state/reset.js';

export function registerReset(program: Command, ctx: CliContext): void {
  program
    .command('reset')
    .description('Forget run results so tasks run again: one task or activity, or all of them')
    .argument('[file-and-ids...]', 'task file, then task or activity ids (none: all)')
    .option(...ROOT_OPTION)
    .option('--keep-downstream', 'leave the results of activities downstream of these as they are')
    .addHelpText(
      'after',
      '\nExamples:\n  critpath reset tasks/demo.yaml\n  critpath reset tasks/epic-1a.yaml 1a.8',
    )
    .action(async (args: string[], opts: { root?: string; keepDownstream?: boolean }) => {
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
      const paths = statePaths(file, opts.root);
      const downstream =
        ids.length === 0 || opts.keepDownstream === true
          ? []
          : resetClosure(graph, readRunState(file, paths), acts).downstream;
      // Hold the project lock while writing, so no run starts from a journal it is changing.
      mkdirSync(dirname(paths.lock), { recursive: true });
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
        j.appendSync({
          t: 'reset',
          at: Date.now(),
          ids: ids.length === 0 ? null : [...acts, ...downstream],
        });
        j.close();
      } finally {
        unlock(paths.lock, owner);
      }
      ctx.out.out(
        ids.length === 0
          ? 'reset: every activity will run again'
          : `reset: ${acts.join(', ')} will run again`,
      );
      if (downstream.length > 0)
        ctx.out.out(
          `reset: downstream, so these run again too: ${downstream.join(', ')} (--keep-downstream to keep them)`,
        );
    });
}
